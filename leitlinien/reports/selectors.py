"""The data of a progress report's period, as plain tables stored in the report (JSON)."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from erfurt_srp.discussion.models import Comment
from erfurt_srp.exports import plan_sections

from ..models import ConsultationRound, Disposition, GuidelineVersion, Measure, ProgressReport

State = GuidelineVersion.State


def _d(value: date | None) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def _n(value) -> str:
    return "–" if value is None else number_format(value, 1)


def _in_period(day: date | None, start: date | None, end: date) -> bool:
    return day is not None and (start is None or day >= start) and day <= end


def previous_report(*, before: date, exclude_pk=None) -> ProgressReport | None:
    """The last report put before the Ausschuss whose period ended before `before`."""
    qs = ProgressReport.objects.filter(
        state=ProgressReport.State.SUBMITTED, period_end__lt=before
    ).order_by("-period_end", "-pk")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def measures_table() -> dict:
    """Every measure derived from an adopted guideline with its state, and counts per state."""
    measures = list(
        Measure.objects.filter(source_version__state__in=[State.ADOPTED, State.SUPERSEDED])
        .select_related("guideline__theme")
        .order_by("planning_level", "guideline__theme__position", "title")
    )
    counts = {str(label): 0 for _value, label in Measure.Status.choices}
    for m in measures:
        counts[str(m.get_status_display())] += 1
    return {
        "header": [
            _("Maßnahme"),
            _("Planungsebene"),
            _("Federführung"),
            _("Sozialräume"),
            _("Zeitrahmen"),
            _("Stand"),
        ],
        "rows": [
            [
                m.title,
                str(m.get_planning_level_display()),
                m.responsible_office,
                m.social_areas or "–",
                m.time_frame,
                str(m.get_status_display()),
            ]
            for m in measures
        ],
        "counts": {str(k): v for k, v in counts.items()},
    }


def indicators_table(*, period_end: date, base_year: int | None) -> dict:
    """Each social area's indicators in the latest year up to the period's end, against
    `base_year` (the year the last report showed), or the year before if there was none."""
    profiles = plan_sections.area_profiles()
    years = sorted(
        {y for p in profiles for s in p.indicators for y, _v in s.points if y <= period_end.year}
    )
    year = years[-1] if years else None
    if base_year is None or (year is not None and base_year >= year):
        earlier = [y for y in years if year is not None and y < year]
        base_year = earlier[-1] if earlier else None
    rows = []
    for profile in profiles:
        for series in profile.indicators:
            now, then = series.value_in(year), series.value_in(base_year)
            if now is None and then is None:
                continue
            change = now - then if now is not None and then is not None else None
            rows.append(
                [
                    profile.name,
                    f"{series.name} ({series.unit})" if series.unit else series.name,
                    _n(then),
                    _n(now),
                    ("+" if change and change > 0 else "") + _n(change),
                ]
            )
    return {
        "year": year,
        "base_year": base_year,
        "header": [
            _("Sozialraum"),
            _("Indikator"),
            str(base_year or "–"),
            str(year or "–"),
            _("Veränderung"),
        ],
        "rows": rows,
    }


def rounds_table(*, start: date | None, end: date) -> dict:
    """Consultation rounds that ended in the period, with their comments and Abwägung."""
    rounds_qs = ConsultationRound.objects.filter(ends_at__date__lte=end)
    if start is not None:
        rounds_qs = rounds_qs.filter(ends_at__date__gte=start)
    rounds = list(rounds_qs.select_related("version__guideline").order_by("ends_at", "pk"))
    round_type = ContentType.objects.get_for_model(ConsultationRound)
    comments = dict(
        Comment.objects.filter(
            target_type=round_type,
            target_id__in=[str(r.pk) for r in rounds],
            hidden_at__isnull=True,
        )
        .values("target_id")
        .annotate(n=Count("pk"))
        .values_list("target_id", "n")
    )
    decisions: dict = {}
    for row in (
        Disposition.objects.filter(round__in=rounds)
        .values("round_id", "decision")
        .annotate(n=Count("pk"))
    ):
        decisions.setdefault(row["round_id"], {})[row["decision"]] = row["n"]
    D = Disposition.Decision
    rows = []
    for r in rounds:
        counts = decisions.get(r.pk, {})
        total = comments.get(str(r.pk), 0)
        rows.append(
            [
                f"{r.version.guideline.title}, {_('Fassung')} {r.version.number}",
                r.title,
                str(r.get_audience_display()),
                f"{_d(r.starts_at.date())} – {_d(r.ends_at.date())}",
                total,
                counts.get(D.ACCEPTED, 0),
                counts.get(D.PARTLY, 0),
                counts.get(D.REJECTED, 0),
                counts.get(D.NOTED, 0),
                max(total - sum(counts.values()), 0),
            ]
        )
    return {
        "header": [
            _("Leitlinie"),
            _("Runde"),
            _("Zielgruppe"),
            _("Zeitraum"),
            _("Kommentare"),
            str(D.ACCEPTED.label),
            str(D.PARTLY.label),
            str(D.REJECTED.label),
            str(D.NOTED.label),
            _("noch offen"),
        ],
        "rows": rows,
    }


def decisions_table(*, start: date | None, end: date) -> dict:
    """Decisions of the period: guideline versions adopted, site recommendations made by the
    committee and decided by the Ausschuss."""
    items = []
    adopted = GuidelineVersion.objects.filter(adopted_on__lte=end).select_related("guideline")
    if start is not None:
        adopted = adopted.filter(adopted_on__gte=start)
    for v in adopted:
        items.append(
            (
                v.adopted_on,
                _("Leitlinie „%(g)s“, Fassung %(n)s beschlossen")
                % {"g": v.guideline.title, "n": v.number},
                v.adoption_reference,
            )
        )
    for r in plan_sections.site_recommendations():
        if _in_period(r.recommended_on, start, end):
            items.append(
                (
                    r.recommended_on,
                    _("Standortempfehlung „%(t)s“ beschlossen (%(v)s)")
                    % {"t": r.title, "v": r.vote_result},
                    r.paper_reference,
                )
            )
        if r.decided and _in_period(r.decision_date, start, end):
            items.append(
                (
                    r.decision_date,
                    _("Ausschuss zur Standortempfehlung „%(t)s“: %(d)s")
                    % {"t": r.title, "d": r.decision},
                    r.paper_reference,
                )
            )
    items.sort(key=lambda item: item[0])
    return {
        "header": [_("Datum"), _("Entscheidung"), _("Beschluss / Drucksache")],
        "rows": [[_d(day), text, ref or "–"] for day, text, ref in items],
    }


def report_data(*, period_start: date | None, period_end: date, base_year: int | None) -> dict:
    return {
        "measures": measures_table(),
        "indicators": indicators_table(period_end=period_end, base_year=base_year),
        "rounds": rounds_table(start=period_start, end=period_end),
        "decisions": decisions_table(start=period_start, end=period_end),
    }


def report_list():
    return ProgressReport.objects.select_related("paper").order_by("-period_end", "-pk")


def report_exports(report: ProgressReport):
    return report.exports.order_by("-created_at")[:10]
