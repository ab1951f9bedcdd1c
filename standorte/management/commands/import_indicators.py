from django.core.management.base import BaseCommand

from standorte.services_import import indicator_values_import

from ._importing import add_common_arguments, run_import


class Command(BaseCommand):
    help = (
        "Import indicator values per Ortsteil and year from CSV or XLSX (ortsteil_nr/ortsteil, "
        "jahr, one column per indicator). The whole file is checked first; a broken file "
        "imports nothing."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("--demo", action="store_true", help="mark the values as demo values")
        parser.add_argument("--source", default="", help="source, e.g. Sozialstrukturatlas 2020")

    def handle(self, *args, path, dry_run, demo, source, **options):
        run_import(
            self, indicator_values_import, path=path, dry_run=dry_run, is_demo=demo, source=source
        )
