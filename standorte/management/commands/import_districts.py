from django.core.management.base import BaseCommand

from standorte.services_import import districts_import

from ._importing import add_common_arguments, run_import


class Command(BaseCommand):
    help = (
        "Create or update Ortsteile from CSV or XLSX: nr, name[, flaeche_km2, sozialraum_nr, "
        "sozialraum]. The whole file is checked first; a broken file imports nothing."
    )

    def add_arguments(self, parser):
        add_common_arguments(parser)

    def handle(self, *args, path, dry_run, **options):
        run_import(self, districts_import, path=path, dry_run=dry_run)
