"""What other apps contribute to the integrated Sozialraumplan and its progress reports.

leitlinien compiles the plan and the reports, but must not import the apps that own social areas,
indicators and site recommendations. Those apps register a `PlanSource` in their
AppConfig.ready(); leitlinien reads through the functions below. Sources return plain data (the
dataclasses here), never model instances, so the plan depends on no other app's models.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class IndicatorSeries:
    """One indicator of a social area over the years: (year, value) pairs, oldest first."""

    name: str
    unit: str
    points: tuple[tuple[int, Decimal], ...]
    is_index: bool = False
    # source, licence and reference date, as pages and exports name them
    source: str = ""

    def value_in(self, year: int | None) -> Decimal | None:
        return next((v for y, v in self.points if y == year), None)

    @property
    def latest(self) -> tuple[int, Decimal] | None:
        return self.points[-1] if self.points else None

    @property
    def previous(self) -> tuple[int, Decimal] | None:
        return self.points[-2] if len(self.points) > 1 else None

    @property
    def change(self) -> Decimal | None:
        if self.latest is None or self.previous is None:
            return None
        return self.latest[1] - self.previous[1]


@dataclass(frozen=True)
class SiteRecommendation:
    """A recommendation of a site to the Ausschuss and, once taken, its decision."""

    title: str
    project: str
    site: str
    district: str
    social_area: str
    recommended_on: date
    vote_result: str
    decision: str  # the decision's label, e.g. "zugestimmt" or "noch nicht entschieden"
    decided: bool
    decision_date: date | None
    paper_reference: str


@dataclass(frozen=True)
class AreaProfile:
    """A Sozialraum as the plan shows it."""

    number: int
    name: str
    description: str
    districts: tuple[str, ...]
    indicators: tuple[IndicatorSeries, ...]
    # (label, GeoJSON geometry) of its Ortsteile that have a shape
    shapes: tuple[tuple[str, dict], ...] = ()
    recommendations: tuple[SiteRecommendation, ...] = ()
    is_demo: bool = False

    @property
    def sources(self) -> list[str]:
        """The distinct sources of its indicators, in indicator order."""
        return list(dict.fromkeys(s.source for s in self.indicators if s.source))

    @property
    def index_series(self) -> IndicatorSeries | None:
        return next((s for s in self.indicators if s.is_index), None)


@dataclass(frozen=True)
class PlanSource:
    key: str
    area_profiles: Callable[[], list[AreaProfile]] = field(default=lambda: [])
    site_recommendations: Callable[[], list[SiteRecommendation]] = field(default=lambda: [])


_sources: dict[str, PlanSource] = {}


def register_plan_source(source: PlanSource) -> None:
    _sources[source.key] = source


def area_profiles() -> list[AreaProfile]:
    """Every registered social-area profile, ordered by area number."""
    profiles = [p for s in _sources.values() for p in s.area_profiles()]
    return sorted(profiles, key=lambda p: p.number)


def site_recommendations() -> list[SiteRecommendation]:
    """Every registered site recommendation, oldest first."""
    items = [r for s in _sources.values() for r in s.site_recommendations()]
    return sorted(items, key=lambda r: (r.recommended_on, r.title))
