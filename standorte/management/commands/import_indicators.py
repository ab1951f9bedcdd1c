from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from standorte.importers import ImportRejected
from standorte.services import indicator_values_import


class Command(BaseCommand):
    help = (
        "Import indicator values per Ortsteil and year from CSV (ortsteil_nr/ortsteil, jahr, "
        "sozialindex, ...). The whole file is checked first; a broken file imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--replace", action="store_true", help="replace existing years")
        parser.add_argument("--demo", action="store_true", help="mark the values as demo values")
        parser.add_argument("--source", default="", help="source, e.g. Sozialstrukturatlas 2020")

    def handle(self, *args, path: Path, replace, demo, source, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}")
        try:
            result = indicator_values_import(
                actor=None, data=data, replace=replace, is_demo=demo, source=source
            )
        except ImportRejected as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was imported.")
        self.stdout.write(
            self.style.SUCCESS(f"Imported {result.rows} rows with {result.values} values.")
        )
