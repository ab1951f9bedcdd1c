import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leitlinien.plan import plan_build
from leitlinien.services import plan_export_request


class Command(BaseCommand):
    help = (
        "Compile the integrated Sozialraumplan (PDF and DOCX) from the adopted guidelines, "
        "their measures and the disposition tables; store it as a plan export."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", help="Also copy the PDF and DOCX into this directory.")

    def handle(self, *args, **options):
        export = plan_export_request(actor=None, enqueue=False)
        try:
            export = plan_build(export.pk)
        except Exception as exc:
            raise CommandError(f"Build failed: {exc}") from exc
        self.stdout.write(
            f"Plan export {export.pk}: {export.guideline_count} guidelines, "
            f"{export.measure_count} measures, {export.comment_count} comments"
        )
        for field in (export.pdf, export.docx):
            self.stdout.write(f"  {field.path}")
            if options["output_dir"]:
                target = Path(options["output_dir"])
                target.mkdir(parents=True, exist_ok=True)
                shutil.copy(field.path, target / Path(field.name).name)
