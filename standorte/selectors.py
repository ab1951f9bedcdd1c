"""Reads of standorte, each in a fixed number of queries whatever the data size."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Prefetch, Q
from django.utils.formats import number_format

from .models import (
    District,
    Indicator,
    IndicatorValue,
    NeighbourhoodProject,
    Recommendation,
    SiteProposal,
    SocialArea,
)
from .permissions import can_manage, member_committee_ids


@dataclass
class RankedArea:
    area: SocialArea
    rank: int | None
    index: Decimal | None
    previous: Decimal | None
    values: list  # one per indicator, in indicator order (Decimal or None)
    is_demo: bool
    district_count: int

    @property
    def change(self):
        if self.index is None or self.previous is None:
            return None
        return self.index - self.previous


@dataclass
class Ranking:
    year: int | None
    years: list[int]
    indicators: list[Indicator]
    index_indicator: Indicator | None
    areas: list[RankedArea] = field(default_factory=list)
    has_demo: bool = False
    has_shapes: bool = False

    @property
    def max_index(self):
        values = [a.index for a in self.areas if a.index is not None]
        return max(values) if values else None


def indicator_list() -> list[Indicator]:
    return list(Indicator.objects.all())


def available_years() -> list[int]:
    return list(IndicatorValue.objects.order_by("-year").values_list("year", flat=True).distinct())


def area_ranking(*, user, year: int | None = None) -> Ranking:
    """Rank the visible social areas by the mean Sozialindex of their Ortsteile in `year`.

    Queries: indicators, years, areas (with district count), aggregated values of the year and
    the year before, one check for shapes: 5 (4 without values).
    """
    indicators = indicator_list()
    index_indicator = next((i for i in indicators if i.is_index), None)
    years = available_years()
    if year not in years:
        year = years[0] if years else None
    areas_qs = SocialArea.objects.annotate(district_count=Count("districts"))
    if not can_manage(user):
        areas_qs = areas_qs.filter(is_public=True)
    areas = list(areas_qs)
    ranking = Ranking(
        year=year, years=years, indicators=indicators, index_indicator=index_indicator
    )
    if year is None:
        ranking.areas = [
            RankedArea(a, None, None, None, [None] * len(indicators), False, a.district_count)
            for a in areas
        ]
        return ranking
    aggregates = (
        IndicatorValue.objects.filter(
            year__in=[year, year - 1], district__social_area__isnull=False
        )
        .values("district__social_area_id", "indicator_id", "year")
        .annotate(mean=Avg("value"), demo=Count("pk", filter=Q(is_demo=True)))
        .order_by()
    )
    table: dict = defaultdict(dict)
    demo_areas = set()
    for row in aggregates:
        table[(row["district__social_area_id"], row["year"])][row["indicator_id"]] = row["mean"]
        if row["demo"]:
            demo_areas.add(row["district__social_area_id"])
    index_id = index_indicator.pk if index_indicator else None
    ranked = []
    for area in areas:
        current = table.get((area.pk, year), {})
        previous = table.get((area.pk, year - 1), {})
        ranked.append(
            RankedArea(
                area=area,
                rank=None,
                index=_round(current.get(index_id)),
                previous=_round(previous.get(index_id)),
                values=[_round(current.get(i.pk)) for i in indicators],
                is_demo=area.pk in demo_areas or area.is_demo,
                district_count=area.district_count,
            )
        )
    ranked.sort(key=lambda r: (r.index is None, -(r.index or 0), r.area.number))
    for position, item in enumerate(ranked, start=1):
        item.rank = position if item.index is not None else None
    ranking.areas = ranked
    ranking.has_demo = bool(demo_areas) or any(a.is_demo for a in areas)
    ranking.has_shapes = District.objects.filter(geometry__isnull=False).exists()
    return ranking


def _round(value):
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.1"))


def plain(value: Decimal | None) -> Decimal | None:
    """A stored value without the zeros its column pads it with (101.200 -> 101.2, 100.000 ->
    100); templates show it with the active language's decimal separator."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def district_map_features(*, user, year: int | None, social_area: SocialArea | None = None):
    """GeoJSON features of Ortsteile with a shape, each with its Sozialindex of `year`. 2 queries."""
    qs = District.objects.filter(geometry__isnull=False).select_related("social_area")
    if social_area is not None:
        qs = qs.filter(social_area=social_area)
    if not can_manage(user):
        qs = qs.filter(Q(social_area__isnull=True) | Q(social_area__is_public=True))
    districts = list(qs)
    values = {}
    if year is not None and districts:
        values = dict(
            IndicatorValue.objects.filter(
                year=year, indicator__is_index=True, district__in=[d.pk for d in districts]
            ).values_list("district_id", "value")
        )
    features = []
    for d in districts:
        value = values.get(d.pk)
        features.append(
            {
                "type": "Feature",
                "geometry": d.geometry,
                "properties": {
                    "nr": d.number,
                    "name": d.name,
                    "social_area": d.social_area.name if d.social_area else "",
                    "index": float(value) if value is not None else None,
                    "url": d.social_area.get_absolute_url() if d.social_area else "",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def social_area_get(*, user, pk: int) -> SocialArea:
    from django.http import Http404

    qs = SocialArea.objects.all()
    if not can_manage(user):
        qs = qs.filter(is_public=True)
    try:
        return qs.get(pk=pk)
    except SocialArea.DoesNotExist:
        raise Http404


@dataclass
class DistrictRow:
    district: District
    by_year: dict  # year -> list of values per indicator


def area_detail(*, area: SocialArea):
    """Districts of an area with all their values, and the area's index per year. 3 queries."""
    indicators = indicator_list()
    districts = list(area.districts.all())
    rows = {d.pk: DistrictRow(d, defaultdict(lambda: [None] * len(indicators))) for d in districts}
    position = {i.pk: n for n, i in enumerate(indicators)}
    has_demo = False
    for value in IndicatorValue.objects.filter(district__social_area=area).order_by(
        "year", "indicator__order"
    ):
        rows[value.district_id].by_year[value.year][position[value.indicator_id]] = plain(
            value.value
        )
        has_demo = has_demo or value.is_demo
    for row in rows.values():
        row.by_year = dict(row.by_year)  # templates must not hit the defaultdict factory
    index_indicator = next((i for i in indicators if i.is_index), None)
    trend = []
    if index_indicator:
        trend = list(
            IndicatorValue.objects.filter(district__social_area=area, indicator=index_indicator)
            .values("year")
            .annotate(mean=Avg("value"))
            .order_by("year")
        )
        for row in trend:
            row["mean"] = _round(row["mean"])
    return {
        "indicators": indicators,
        "rows": list(rows.values()),
        "trend": trend,
        "has_demo": has_demo or area.is_demo,
        "has_shapes": any(d.geometry for d in districts),
    }


def projects_for_user(*, user):
    qs = NeighbourhoodProject.objects.select_related("committee").annotate(
        proposal_count=Count("proposals", distinct=True)
    )
    if not can_manage(user):
        qs = qs.filter(Q(is_public=True) | Q(committee_id__in=member_committee_ids(user)))
    return qs


def project_proposals_with_indicators(*, project: NeighbourhoodProject):
    """Proposals of a project, each with its Ortsteil's latest values and its area's. 4 queries."""
    indicators = indicator_list()
    proposals = list(
        project.proposals.select_related(
            "district__social_area", "proposer_institution", "created_by"
        ).order_by("district__number", "pk")
    )
    district_ids = {p.district_id for p in proposals}
    latest = {}
    demo = set()
    for v in IndicatorValue.objects.filter(district_id__in=district_ids).order_by("year"):
        latest.setdefault(v.district_id, {})[v.indicator_id] = (v.year, v.value)
        if v.is_demo:
            demo.add(v.district_id)
    area_ids = {p.district.social_area_id for p in proposals if p.district.social_area_id}
    area_means = {}
    years = {}
    for d in latest.values():
        for year, _value in d.values():
            years[year] = True
    year = max(years) if years else None
    if area_ids and year:
        for row in (
            IndicatorValue.objects.filter(district__social_area_id__in=area_ids, year=year)
            .values("district__social_area_id", "indicator_id")
            .annotate(mean=Avg("value"))
            .order_by()
        ):
            area_means.setdefault(row["district__social_area_id"], {})[row["indicator_id"]] = row[
                "mean"
            ]
    result = []
    for p in proposals:
        values = latest.get(p.district_id, {})
        district_values = [values.get(i.pk, (None, None))[1] for i in indicators]
        result.append(
            {
                "proposal": p,
                "district_values": district_values,
                "district_pairs": list(zip(indicators, district_values, strict=True)),
                "district_year": max((y for y, _v in values.values()), default=None),
                "area_values": [
                    _round(area_means.get(p.district.social_area_id, {}).get(i.pk))
                    for i in indicators
                ],
                "is_demo": p.district_id in demo,
            }
        )
    return {"indicators": indicators, "items": result, "year": year}


def recommendations_for_user(*, user):
    """Recommendations the user may see, with what the list shows. 1 query (+ count)."""
    qs = Recommendation.objects.select_related(
        "project", "site__district__social_area", "paper"
    ).order_by("-recommended_on", "-pk")
    if can_manage(user):
        return qs
    visible = Q(public=True, project__is_public=True)
    committees = member_committee_ids(user)
    if committees:
        visible |= Q(project__committee_id__in=committees)
    return qs.filter(visible)


def recommendation_rows_for_user(*, user):
    """What the recommendations list shows, as plain rows (no model instances per row), in the
    order and visibility of `recommendations_for_user`. 1 query (+ count)."""
    return recommendations_for_user(user=user).values(
        "pk",
        "recommended_on",
        "title",
        "public",
        "votes_yes",
        "votes_no",
        "votes_abstain",
        "vote_detail",
        "decision",
        "decision_date",
        "paper_id",
        paper_reference=F("paper__reference"),
        project_name=F("project__name"),
        site_name=F("site__name"),
        site_address=F("site__address"),
        district_name=F("site__district__name"),
    )


def recommendations_for_export(*, recommendation_id=None, date_from=None, date_to=None):
    qs = Recommendation.objects.select_related(
        "project__committee", "site__district__social_area", "paper", "deliberation", "created_by"
    ).prefetch_related(
        Prefetch(
            "paper__consultations",
            queryset=_consultations_queryset(),
        )
    )
    if recommendation_id is not None:
        return qs.filter(pk=recommendation_id)
    if date_from:
        qs = qs.filter(recommended_on__gte=date_from)
    if date_to:
        qs = qs.filter(recommended_on__lte=date_to)
    return qs.order_by("recommended_on", "pk")


def _consultations_queryset():
    from gremium.models import Consultation

    return Consultation.objects.select_related(
        "committee", "meeting", "agenda_item__meeting"
    ).order_by("position", "date", "pk")


def proposals_for_compare(*, project: NeighbourhoodProject, ids: list[int] | None = None):
    data = project_proposals_with_indicators(project=project)
    if ids:
        data["items"] = [item for item in data["items"] if item["proposal"].pk in ids]
    return data


def site_proposal_count(*, project) -> int:
    return SiteProposal.objects.filter(project=project).count()


def indicator_table_rows(*, user):
    """Rows for the indicator CSV: one per Ortsteil and year, in the import format. 2 queries."""
    indicators = indicator_list()
    position = {i.pk: n for n, i in enumerate(indicators)}
    qs = IndicatorValue.objects.select_related("district__social_area").order_by(
        "district__number", "year"
    )
    if not can_manage(user):
        qs = qs.filter(
            Q(district__social_area__isnull=True) | Q(district__social_area__is_public=True)
        )
    rows: dict = {}
    for value in qs:
        key = (value.district.number, value.year)
        row = rows.get(key)
        if row is None:
            area = value.district.social_area
            row = rows[key] = {
                "district": value.district,
                "area": area.name if area else "",
                "year": value.year,
                "values": [None] * len(indicators),
                "demo": False,
            }
        row["values"][position[value.indicator_id]] = value.value
        row["demo"] = row["demo"] or value.is_demo
    return indicators, list(rows.values())


def indicators_with_value_counts():
    """Every indicator with the number of its stored values (staff list). 1 query."""
    return Indicator.objects.annotate(value_count=Count("values"))


# Sequential palette from favourable (light) to unfavourable (dark); contrast of each class
# against its neighbours is visible, and every value is also written on the map and in the table.
MAP_PALETTE = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]
MAP_NO_VALUE = "#ffffff"


@dataclass
class MapLegendClass:
    colour: str
    lower: Decimal | None
    upper: Decimal | None
    count: int = 0


@dataclass
class DistrictMap:
    """The Ortsteile with a shape, coloured by one indicator of one year, with its legend and
    the same values as table rows (for people who cannot use the map)."""

    indicator: Indicator | None
    year: int | None
    features: dict
    legend: list[MapLegendClass]
    rows: list[dict]
    sources: list[str]
    no_value_count: int = 0


def _readable(value: Decimal | None) -> str | None:
    """A stored value as people read it in the active language (161,6 / 161.6; 100)."""
    if value is None:
        return None
    return number_format(plain(value))


def _map_classes(values: list[Decimal], better: str) -> tuple[list[MapLegendClass], callable]:
    """Equal-interval classes between the smallest and largest value, ordered from favourable
    to unfavourable, and a function that gives a value's class."""
    if not values:
        return [], lambda value: None
    low, high = min(values), max(values)
    steps = len(MAP_PALETTE)
    width = (high - low) / steps
    bounds = [(low + width * n, low + width * (n + 1)) for n in range(steps)]
    if width == 0:
        bounds = [(low, high)]

    def position(value):
        if width == 0:
            return 0
        return min(steps - 1, int((value - low) / width))

    classes = [MapLegendClass(colour="", lower=_round(lo), upper=_round(hi)) for lo, hi in bounds]
    if better == Indicator.Better.HIGHER:
        classes.reverse()

        def which(value):
            return len(classes) - 1 - position(value)
    else:
        which = position
    palette = MAP_PALETTE if len(classes) == steps else [MAP_PALETTE[steps // 2]]
    for item, colour in zip(classes, palette, strict=True):
        item.colour = colour
    return classes, which


def district_map(
    *,
    user,
    indicator: Indicator | None = None,
    year: int | None = None,
    social_area: SocialArea | None = None,
    indicators: list[Indicator] | None = None,
) -> DistrictMap:
    """Every visible Ortsteil with a shape, coloured by `indicator` (default: the Sozialindex)
    in `year` (default: the latest year with values of it). 3 queries (2 when `indicators` are
    given)."""
    indicators = indicator_list() if indicators is None else indicators
    if indicator is None:
        indicator = next(
            (i for i in indicators if i.is_index), indicators[0] if indicators else None
        )
    qs = District.objects.filter(geometry__isnull=False).select_related("social_area")
    if social_area is not None:
        qs = qs.filter(social_area=social_area)
    if not can_manage(user):
        qs = qs.filter(Q(social_area__isnull=True) | Q(social_area__is_public=True))
    districts = list(qs.order_by("number"))
    values: dict[int, Decimal] = {}
    if indicator is not None and districts:
        by_year: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for district_id, value_year, value in IndicatorValue.objects.filter(
            indicator=indicator, district__in=[d.pk for d in districts]
        ).values_list("district_id", "year", "value"):
            by_year[value_year][district_id] = value
        if year not in by_year:
            year = max(by_year) if by_year else None
        values = by_year.get(year, {})
    classes, which = _map_classes(list(values.values()), indicator.better if indicator else "")
    features, rows, no_value = [], [], 0
    for d in districts:
        value = values.get(d.pk)
        position = which(value) if value is not None else None
        if position is None:
            no_value += 1
        else:
            classes[position].count += 1
        colour = classes[position].colour if position is not None else MAP_NO_VALUE
        area_name = d.social_area.name if d.social_area else ""
        url = d.social_area.get_absolute_url() if d.social_area else ""
        features.append(
            {
                "type": "Feature",
                "geometry": d.geometry,
                "properties": {
                    "nr": d.number,
                    "name": d.name,
                    "social_area": area_name,
                    "value": _readable(value),
                    "fill": colour,
                    "url": url,
                },
            }
        )
        rows.append(
            {
                "district": d,
                "social_area": area_name,
                "url": url,
                "value": _readable(value),
                "class": classes[position] if position is not None else None,
            }
        )
    sources = sorted({d.geometry_source for d in districts if d.geometry_source})
    if indicator is not None and indicator.credit:
        sources.append(f"{indicator.name}: {indicator.credit}")
    return DistrictMap(
        indicator=indicator,
        year=year,
        features={"type": "FeatureCollection", "features": features},
        legend=classes,
        rows=rows,
        sources=sources,
        no_value_count=no_value,
    )
