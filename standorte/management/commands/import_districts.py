from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from standorte.importers import ImportRejected
from standorte.services import districts_import


class Command(BaseCommand):
    help = "Create or update Ortsteile from CSV: nr,name,flaeche_km2[,sozialraum_nr,sozialraum]."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            result = districts_import(actor=None, data=path.read_bytes())
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}")
        except ImportRejected as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was imported.")
        self.stdout.write(self.style.SUCCESS(f"Imported {result.rows} Ortsteile."))
