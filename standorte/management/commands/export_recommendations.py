from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from standorte import exports, selectors


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value}")


class Command(BaseCommand):
    help = (
        "Export one recommendation (--id) or all of a period (--from/--to) for the "
        "Sozialausschuss as Drucksache PDF, DOCX or CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format", dest="export_format", choices=sorted(exports.BUILDERS), default="pdf"
        )
        parser.add_argument("--id", type=int, dest="recommendation_id")
        parser.add_argument("--from", dest="date_from")
        parser.add_argument("--to", dest="date_to")
        parser.add_argument(
            "--output", type=Path, help="file or directory (default: current directory)"
        )

    def handle(
        self, *args, export_format, recommendation_id, date_from, date_to, output, **options
    ):
        recommendations = list(
            selectors.recommendations_for_export(
                recommendation_id=recommendation_id,
                date_from=_date(date_from) if date_from else None,
                date_to=_date(date_to) if date_to else None,
            )
        )
        if not recommendations:
            raise CommandError("No recommendations match; nothing was exported.")
        filename, _mimetype, content = exports.BUILDERS[export_format](recommendations)
        target = output or Path(".")
        if target.is_dir():
            target = target / filename
        target.write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {len(recommendations)} recommendation(s) to {target}")
        )
