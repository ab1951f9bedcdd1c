from django.core.management.base import BaseCommand

from standorte.models import GEOPORTAL_ATTRIBUTION
from standorte.services_import import district_shapes_import

from ._importing import add_common_arguments, run_import


class Command(BaseCommand):
    help = "Import Ortsteil boundaries from GeoJSON (Polygon/MultiPolygon only); all or nothing."

    def add_arguments(self, parser):
        add_common_arguments(parser)
        parser.add_argument("--source", default=GEOPORTAL_ATTRIBUTION)

    def handle(self, *args, path, dry_run, source, **options):
        run_import(self, district_shapes_import, path=path, dry_run=dry_run, source=source)
