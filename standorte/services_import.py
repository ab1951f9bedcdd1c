"""Imports of Ortsteile, indicator values and boundaries: check the whole file, compare it with
what is stored (new, changed, unchanged rows), then write all of it or nothing.

Each import takes `dry_run`: the comparison is returned and nothing is written (commands'
--dry-run, the staff page's preview). Staff uploads are kept as ImportUpload rows between the
preview and the confirmation.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError

from . import importers
from .importers import ImportProblem, ImportRejected
from .models import District, ImportUpload, Indicator, IndicatorValue, SocialArea
from .selectors import plain
from .services import area_data_changed

PREVIEW_ROWS = 20
UPLOAD_KEEP = timedelta(days=1)


@dataclass
class RowChange:
    line: int
    label: str
    status: str  # "new" or "changed"
    details: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    values: int = 0  # values (or rows) written; 0 on a dry run
    dry_run: bool = False
    changes: list[RowChange] = field(default_factory=list)  # the first PREVIEW_ROWS

    @property
    def rows(self) -> int:
        return self.new + self.changed + self.unchanged

    def add(self, change: RowChange | None) -> None:
        if change is None:
            self.unchanged += 1
            return
        if change.status == "new":
            self.new += 1
        else:
            self.changed += 1
        if len(self.changes) < PREVIEW_ROWS:
            self.changes.append(change)


def _district_lookups() -> tuple[dict, dict]:
    by_number, by_name = {}, {}
    for pk, number, name in District.objects.values_list("pk", "number", "name"):
        by_number[number] = (pk, name)
        by_name[name.casefold()] = (pk, name)
    return by_number, by_name


def _number(value) -> str:
    return "–" if value is None else number_format(plain(value))


def _read(data: bytes, filename: str) -> importers.Table:
    try:
        return importers.read_table(data, filename=filename)
    except ImportRejected as exc:
        raise ImportRejected(exc.problems, file=filename)


def indicator_values_import(
    *,
    actor,
    data: bytes,
    filename: str = "",
    is_demo: bool = False,
    source: str = "",
    dry_run: bool = False,
) -> ImportResult:
    """Import indicator values per Ortsteil and year (CSV or XLSX), all or nothing.

    A row is new when its Ortsteil has no values for the year, unchanged when every value it
    gives equals the stored one, changed otherwise; only new and changed rows are written. An
    empty cell leaves a stored value as it is. Raises ImportRejected naming every problem.
    """
    table = _read(data, filename)
    with transaction.atomic():
        # One import at a time: a concurrent import would compare against stale values.
        Indicator.objects.select_for_update().order_by("pk").values_list("pk").first()
        by_number, by_name = _district_lookups()
        indicators = list(Indicator.objects.all())
        try:
            rows = importers.parse_indicator_values(
                table,
                districts_by_number=by_number,
                districts_by_name=by_name,
                indicators=[
                    importers.IndicatorColumn(pk=i.pk, key=i.key, name=i.name, unit=i.unit)
                    for i in indicators
                ],
            )
        except ImportRejected as exc:
            raise ImportRejected(exc.problems, file=filename)
        names = {i.pk: i.name for i in indicators}
        stored: dict[tuple[int, int], dict[int, Decimal]] = {}
        for district_id, year, indicator_id, value in IndicatorValue.objects.filter(
            district_id__in={r.district_id for r in rows}, year__in={r.year for r in rows}
        ).values_list("district_id", "year", "indicator_id", "value"):
            stored.setdefault((district_id, year), {})[indicator_id] = value
        result = ImportResult(dry_run=dry_run)
        now = timezone.now()
        writes = []
        for row in rows:
            old = stored.get((row.district_id, row.year))
            label = f"{row.district_name} {row.year}"
            if old is None:
                change = RowChange(row.line, label, "new")
            else:
                details = [
                    f"{names[pk]}: {_number(old.get(pk))} → {_number(value)}"
                    for pk, value in row.values.items()
                    if old.get(pk) != value
                ]
                change = RowChange(row.line, label, "changed", details) if details else None
            result.add(change)
            if change is None:
                continue
            writes.extend(
                IndicatorValue(
                    district_id=row.district_id,
                    indicator_id=pk,
                    year=row.year,
                    value=value,
                    is_demo=is_demo,
                    source=source[:200],
                    imported_at=now,
                )
                for pk, value in row.values.items()
                if old is None or old.get(pk) != value
            )
        if dry_run:
            return result
        IndicatorValue.objects.bulk_create(
            writes,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["district", "indicator", "year"],
            update_fields=["value", "is_demo", "source", "imported_at"],
        )
        result.values = len(writes)
        if writes:
            area_data_changed()
    return result


def districts_import(
    *, actor, data: bytes, filename: str = "", dry_run: bool = False
) -> ImportResult:
    """Create or update Ortsteile from CSV or XLSX (nr, name[, flaeche_km2, sozialraum_nr,
    sozialraum]), all or nothing. A file without an area column leaves the areas as they are."""
    table = _read(data, filename)
    try:
        rows = importers.parse_districts(table)
    except ImportRejected as exc:
        raise ImportRejected(exc.problems, file=filename)
    with transaction.atomic():
        existing = {
            d.number: d
            for d in District.objects.select_for_update(of=("self",)).select_related("social_area")
        }
        areas = {a.number: a for a in SocialArea.objects.all()}
        # Names are unique: the file's names together with the stored ones of other numbers.
        final_names = {d.name.casefold(): n for n, d in existing.items()}
        for row in rows:
            old = existing.get(row.number)
            if old is not None:
                final_names.pop(old.name.casefold(), None)
        problems = []
        for row in rows:
            holder = final_names.get(row.name.casefold())
            if holder is not None and holder != row.number:
                problems.append(
                    ImportProblem(
                        _("Der Name „%(name)s“ gehört schon Ortsteil Nr. %(nr)s.")
                        % {"name": row.name, "nr": holder},
                        row.line,
                        "name",
                        _("einen Namen, den kein anderer Ortsteil trägt"),
                    )
                )
            final_names[row.name.casefold()] = row.number
        if problems:
            raise ImportRejected(problems, file=filename)
        result = ImportResult(dry_run=dry_run)
        planned = []
        for row in rows:
            old = existing.get(row.number)
            area = areas.get(row.social_area_number) if row.social_area_number else None
            label = f"{row.number} {row.name}"
            if old is None:
                result.add(RowChange(row.line, label, "new"))
                planned.append(row)
                continue
            details = []
            if old.name != row.name:
                details.append(_("Name: %(old)s → %(new)s") % {"old": old.name, "new": row.name})
            if row.has_area and old.area_km2 != row.area_km2:
                details.append(
                    _("Fläche: %(old)s → %(new)s")
                    % {"old": _number(old.area_km2), "new": _number(row.area_km2)}
                )
            if row.social_area_number and (area is None or old.social_area_id != area.pk):
                details.append(
                    _("Sozialraum: %(old)s → %(new)s")
                    % {
                        "old": old.social_area.name if old.social_area else "–",
                        "new": area.name
                        if area
                        else row.social_area_name or row.social_area_number,
                    }
                )
            result.add(RowChange(row.line, label, "changed", details) if details else None)
            if details:
                planned.append(row)
        if dry_run:
            return result
        for row in planned:
            defaults = {"name": row.name}
            if row.has_area:
                defaults["area_km2"] = row.area_km2
            if row.social_area_number:
                area = areas.get(row.social_area_number)
                if area is None:
                    area = areas[row.social_area_number] = SocialArea.objects.create(
                        number=row.social_area_number,
                        name=row.social_area_name or f"Sozialraum {row.social_area_number}",
                    )
                defaults["social_area"] = area
            District.objects.update_or_create(number=row.number, defaults=defaults)
        result.values = len(planned)
        if planned:
            area_data_changed()
    return result


def district_shapes_import(
    *, actor, data: bytes, filename: str = "", source: str = "", dry_run: bool = False
) -> ImportResult:
    """Import Ortsteil boundaries from GeoJSON (Polygon/MultiPolygon only), all or nothing."""
    with transaction.atomic():
        by_number, by_name = _district_lookups()
        try:
            rows = importers.parse_geojson(
                data, districts_by_number=by_number, districts_by_name=by_name
            )
        except ImportRejected as exc:
            raise ImportRejected(exc.problems, file=filename)
        districts = District.objects.select_for_update().in_bulk([r.district_id for r in rows])
        result = ImportResult(dry_run=dry_run)
        changed = []
        source = source[:200]
        for row in rows:
            district = districts[row.district_id]
            label = f"{district.number} {district.name}"
            if district.geometry is None:
                result.add(RowChange(row.feature, label, "new"))
            elif district.geometry != row.geometry or district.geometry_source != source:
                result.add(RowChange(row.feature, label, "changed", [_("Umriss oder Quelle")]))
            else:
                result.add(None)
                continue
            district.geometry = row.geometry
            district.geometry_source = source
            changed.append(district)
        if dry_run:
            return result
        District.objects.bulk_update(changed, ["geometry", "geometry_source"])
        result.values = len(changed)
        if changed:
            area_data_changed()
    return result


IMPORTERS = {
    ImportUpload.Kind.DISTRICTS: districts_import,
    ImportUpload.Kind.INDICATORS: indicator_values_import,
    ImportUpload.Kind.SHAPES: district_shapes_import,
}


def _run(upload: ImportUpload, *, actor, dry_run: bool) -> ImportResult:
    return IMPORTERS[upload.kind](
        actor=actor,
        data=bytes(upload.data),
        filename=upload.filename,
        dry_run=dry_run,
        **upload.options,
    )


def import_upload_create(
    *, actor, kind: str, filename: str, data: bytes, options: dict
) -> tuple[ImportUpload, ImportResult]:
    """Check a staff upload (dry run) and keep it for the confirmation.

    Raises ImportRejected (nothing kept) for a broken file. Uploads older than a day are
    removed: nobody confirms a preview that old."""
    result = IMPORTERS[kind](actor=actor, data=data, filename=filename, dry_run=True, **options)
    with transaction.atomic():
        ImportUpload.objects.filter(created_at__lt=timezone.now() - UPLOAD_KEEP).delete()
        upload = ImportUpload.objects.create(
            kind=kind,
            filename=filename[:200],
            data=data,
            sha256=hashlib.sha256(data).hexdigest(),
            options=options,
            uploaded_by=actor,
        )
    return upload, result


def import_upload_preview(*, actor, upload: ImportUpload) -> ImportResult:
    """What confirming the upload would change now. Raises ImportRejected."""
    return _run(upload, actor=actor, dry_run=True)


def import_upload_confirm(*, actor, upload: ImportUpload, sha256: str) -> ImportResult:
    """Import the previewed file and forget it. Raises ImportRejected (the data may have
    changed since the preview) or DomainError when the confirmation names another file."""
    if sha256 != upload.sha256:
        raise DomainError(_("Die bestätigte Datei ist nicht die geprüfte. Bitte neu hochladen."))
    with transaction.atomic():
        result = _run(upload, actor=actor, dry_run=False)
        ImportUpload.objects.filter(pk=upload.pk).delete()
    return result
