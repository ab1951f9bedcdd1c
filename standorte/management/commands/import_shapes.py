from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from standorte.importers import ImportRejected
from standorte.models import GEOPORTAL_ATTRIBUTION
from standorte.services import district_shapes_import


class Command(BaseCommand):
    help = "Import Ortsteil boundaries from GeoJSON (Polygon/MultiPolygon only); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--source", default=GEOPORTAL_ATTRIBUTION)

    def handle(self, *args, path: Path, source, **options):
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}")
        try:
            result = district_shapes_import(actor=None, data=data, source=source)
        except ImportRejected as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was imported.")
        self.stdout.write(self.style.SUCCESS(f"Imported boundaries of {result.rows} Ortsteile."))
