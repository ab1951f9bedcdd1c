"""Writes of standorte. Keyword-only, one transaction each, lock before check."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError

from . import importers
from .models import (
    District,
    ExportJob,
    Indicator,
    IndicatorValue,
    NeighbourhoodProject,
    Recommendation,
    SiteProposal,
    SocialArea,
)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    values: int
    replaced: int = 0


def _district_lookups() -> tuple[dict, dict]:
    by_number, by_name = {}, {}
    for pk, number, name in District.objects.values_list("pk", "number", "name"):
        by_number[number] = (pk, name)
        by_name[name.casefold()] = (pk, name)
    return by_number, by_name


def indicator_values_import(
    *, actor, data: bytes, replace: bool = False, is_demo: bool = False, source: str = ""
) -> ImportResult:
    """Import indicator values from CSV; check the whole file first, import all or nothing.

    Raises importers.ImportRejected with every problem (and its line) of a broken file.
    """
    text = importers.decode(data)
    with transaction.atomic():
        # One import at a time: a concurrent import could otherwise slip in the same years.
        Indicator.objects.select_for_update().order_by("pk").values_list("pk").first()
        by_number, by_name = _district_lookups()
        indicators = dict(Indicator.objects.values_list("key", "pk"))
        existing = set(IndicatorValue.objects.values_list("district_id", "year").distinct())
        rows = importers.parse_indicator_csv(
            text,
            districts_by_number=by_number,
            districts_by_name=by_name,
            indicators=indicators,
            existing=existing,
            replace=replace,
        )
        replaced = 0
        if replace:
            pairs = {(r.district_id, r.year) for r in rows}
            for district_id, year in pairs:
                replaced += IndicatorValue.objects.filter(
                    district_id=district_id, year=year
                ).delete()[0]
        now = timezone.now()
        objs = [
            IndicatorValue(
                district_id=row.district_id,
                indicator_id=indicator_id,
                year=row.year,
                value=value,
                is_demo=is_demo,
                source=source[:200],
                imported_at=now,
            )
            for row in rows
            for indicator_id, value in row.values.items()
        ]
        IndicatorValue.objects.bulk_create(objs, batch_size=1000)
    return ImportResult(rows=len(rows), values=len(objs), replaced=replaced)


def district_shapes_import(*, actor, data: bytes, source: str = "") -> ImportResult:
    """Import Ortsteil boundaries from GeoJSON (Polygon/MultiPolygon only), all or nothing."""
    text = importers.decode(data)
    with transaction.atomic():
        by_number, by_name = _district_lookups()
        rows = importers.parse_geojson(
            text, districts_by_number=by_number, districts_by_name=by_name
        )
        districts = District.objects.select_for_update().in_bulk([r.district_id for r in rows])
        for row in rows:
            district = districts[row.district_id]
            district.geometry = row.geometry
            district.geometry_source = source[:200]
        District.objects.bulk_update(districts.values(), ["geometry", "geometry_source"])
    return ImportResult(rows=len(rows), values=len(rows))


def districts_import(*, actor, data: bytes) -> ImportResult:
    """Create or update Ortsteile from CSV `nr,name,flaeche_km2[,sozialraum_nr,sozialraum]`."""
    import csv
    import io

    text = importers.decode(data)
    lines = text.splitlines()
    if not lines:
        raise importers.ImportRejected([importers.ImportProblem(None, _("Die Datei ist leer."))])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    if not {"nr", "name"} <= set(header):
        raise importers.ImportRejected(
            [
                importers.ImportProblem(
                    1,
                    _(
                        "Falsche Kopfzeile: erwartet nr, name, flaeche_km2 (optional sozialraum_nr, sozialraum)."
                    ),
                )
            ]
        )
    problems, parsed = [], []
    for record in reader:
        line = reader.line_num
        try:
            number = int(record["nr"])
            area = record.get("flaeche_km2") or ""
            area_value = importers.parse_number(area) if area.strip() else None
        except ValueError:
            problems.append(importers.ImportProblem(line, _("Nummer oder Fläche ist keine Zahl.")))
            continue
        if not (record.get("name") or "").strip():
            problems.append(importers.ImportProblem(line, _("Der Name fehlt.")))
            continue
        parsed.append((number, record["name"].strip(), area_value, record))
    if problems:
        raise importers.ImportRejected(problems)
    with transaction.atomic():
        for number, name, area_value, record in parsed:
            area = None
            if (record.get("sozialraum_nr") or "").strip():
                area, _created = SocialArea.objects.get_or_create(
                    number=int(record["sozialraum_nr"]),
                    defaults={
                        "name": record.get("sozialraum") or f"Sozialraum {record['sozialraum_nr']}"
                    },
                )
            defaults = {"name": name, "area_km2": area_value}
            if area is not None:
                defaults["social_area"] = area
            District.objects.update_or_create(number=number, defaults=defaults)
    return ImportResult(rows=len(parsed), values=len(parsed))


def site_proposal_create(
    *,
    actor,
    project: NeighbourhoodProject,
    district: District,
    name: str,
    address: str,
    rationale: str,
    proposer: str,
    proposer_institution=None,
    note: str = "",
) -> SiteProposal:
    with transaction.atomic():
        NeighbourhoodProject.objects.select_for_update().get(pk=project.pk)
        if SiteProposal.objects.filter(project=project, address__iexact=address.strip()).exists():
            raise DomainError(
                _("Für diese Adresse gibt es in diesem Projekt schon einen Vorschlag."),
                field="address",
            )
        if project.deliberations.filter(state__in=["voting", "carried"]).exists():
            raise DomainError(
                _(
                    "Die Abstimmung über die Standorte hat begonnen; neue Vorschläge sind nicht mehr möglich."
                )
            )
        proposal = SiteProposal(
            project=project,
            district=district,
            name=name.strip(),
            address=address.strip(),
            rationale=rationale,
            proposer=proposer.strip(),
            proposer_institution=proposer_institution,
            note=note,
            created_by=actor,
        )
        proposal.full_clean()
        proposal.save()
    return proposal


def project_save(*, actor, project: NeighbourhoodProject, partners=None) -> NeighbourhoodProject:
    """Create or update a project (the form already holds the cleaned fields)."""
    with transaction.atomic():
        project.full_clean()
        project.save()
        if partners is not None:
            project.partners.set(partners)
    return project


def recommendation_record_decision(
    *,
    actor,
    recommendation: Recommendation,
    decision: str,
    decision_date: date,
    note: str = "",
) -> Recommendation:
    """Record what the Ausschuss decided on a recommendation (agreed, changed, rejected)."""
    if decision not in {
        Recommendation.Decision.AGREED,
        Recommendation.Decision.CHANGED,
        Recommendation.Decision.REJECTED,
    }:
        raise DomainError(_("Bitte eine Entscheidung wählen."), field="decision")
    if decision_date is None:
        raise DomainError(_("Bitte das Datum der Entscheidung angeben."), field="decision_date")
    with transaction.atomic():
        locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        if decision_date < locked.recommended_on:
            raise DomainError(
                _("Der Ausschuss kann nicht vor der Empfehlung (%(date)s) entschieden haben.")
                % {"date": locked.recommended_on.strftime("%d.%m.%Y")},
                field="decision_date",
            )
        if decision == Recommendation.Decision.CHANGED and not note.strip():
            raise DomainError(
                _("Bitte beschreiben, was der Ausschuss geändert hat."), field="decision_note"
            )
        locked.decision = decision
        locked.decision_date = decision_date
        locked.decision_note = note
        locked.decision_recorded_by = actor
        locked._history_user = actor
        locked.save(
            update_fields=[
                "decision",
                "decision_date",
                "decision_note",
                "decision_recorded_by",
                "modified_at",
            ]
        )
    return locked


def export_job_request(
    *,
    actor,
    format: str,
    recommendation: Recommendation | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> ExportJob:
    """Queue an export of one recommendation or of all recommendations of a period.

    Raises DomainError when there is nothing to export, so nobody waits for an empty file.
    """
    from . import selectors

    if format not in ExportJob.Format.values:
        raise DomainError(_("Unbekanntes Format."), field="format")
    if recommendation is None and date_from and date_to and date_from > date_to:
        raise DomainError(_("Das Ende des Zeitraums liegt vor dem Anfang."), field="date_to")
    queryset = selectors.recommendations_for_export(
        recommendation_id=recommendation.pk if recommendation else None,
        date_from=date_from,
        date_to=date_to,
    )
    total = queryset.count()
    if total == 0:
        raise DomainError(
            _("In diesem Zeitraum gibt es keine Empfehlungen; es wurde nichts exportiert."),
            field="date_from",
        )
    with transaction.atomic():
        job = ExportJob.objects.create(
            format=format,
            recommendation=recommendation,
            date_from=None if recommendation else date_from,
            date_to=None if recommendation else date_to,
            total=total,
            requested_by=actor,
        )
        from .tasks import export_job_run as export_job_run_task

        transaction.on_commit(lambda: export_job_run_task.delay(job.pk))
    return job
