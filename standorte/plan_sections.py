"""standorte's part of the integrated Sozialraumplan: social-area profiles and site
recommendations, handed to leitlinien through erfurt_srp.exports.plan_sections (registered in
apps.py). The plan is a public council document: only public areas and recommendations appear.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, Prefetch, Q

from erfurt_srp.exports.plan_sections import (
    AreaProfile,
    IndicatorSeries,
    PlanSource,
    SiteRecommendation,
)

from . import selectors
from .models import District, IndicatorValue, Recommendation, SocialArea


def _public_recommendations():
    return (
        Recommendation.objects.filter(public=True, project__is_public=True)
        .select_related("project", "site__district__social_area", "paper")
        .order_by("recommended_on", "pk")
    )


def _recommendation(r: Recommendation) -> SiteRecommendation:
    area = r.site.district.social_area
    return SiteRecommendation(
        title=r.title,
        project=r.project.name,
        site=r.site.name or r.site.address,
        district=r.site.district.name,
        social_area=area.name if area else "",
        recommended_on=r.recommended_on,
        vote_result=r.vote_counts,
        decision=str(r.get_decision_display()),
        decided=r.decision != Recommendation.Decision.PENDING,
        decision_date=r.decision_date,
        paper_reference=r.paper.reference if r.paper_id else "",
    )


def site_recommendations() -> list[SiteRecommendation]:
    """Public recommendations with their decisions. 1 query."""
    return [_recommendation(r) for r in _public_recommendations()]


def area_profiles() -> list[AreaProfile]:
    """One profile per public social area: each indicator's mean over its Ortsteile per year,
    the Ortsteil shapes and the recommendations of sites in it. 4 queries."""
    indicators = selectors.indicator_list()
    areas = list(
        SocialArea.objects.filter(is_public=True).prefetch_related(
            Prefetch("districts", queryset=District.objects.order_by("number"))
        )
    )
    means: dict = defaultdict(list)
    demo_areas = set()
    for row in (
        IndicatorValue.objects.filter(district__social_area__in=areas)
        .values("district__social_area_id", "indicator_id", "year")
        .annotate(mean=Avg("value"), demo=Count("pk", filter=Q(is_demo=True)))
        .order_by("year")
    ):
        key = (row["district__social_area_id"], row["indicator_id"])
        means[key].append((row["year"], Decimal(row["mean"]).quantize(Decimal("0.1"))))
        if row["demo"]:
            demo_areas.add(row["district__social_area_id"])
    by_area = defaultdict(list)
    for r in _public_recommendations():
        if r.site.district.social_area_id:
            by_area[r.site.district.social_area_id].append(_recommendation(r))
    profiles = []
    for area in areas:
        districts = list(area.districts.all())
        profiles.append(
            AreaProfile(
                number=area.number,
                name=area.name,
                description=area.description,
                districts=tuple(d.name for d in districts),
                indicators=tuple(
                    IndicatorSeries(
                        name=i.name,
                        unit=i.unit,
                        points=tuple(means.get((area.pk, i.pk), ())),
                        is_index=i.is_index,
                        source=i.credit,
                    )
                    for i in indicators
                ),
                shapes=tuple((d.name, d.geometry) for d in districts if d.geometry),
                recommendations=tuple(by_area.get(area.pk, ())),
                is_demo=area.is_demo or area.pk in demo_areas,
            )
        )
    return profiles


PLAN_SOURCE = PlanSource(
    key="standorte", area_profiles=area_profiles, site_recommendations=site_recommendations
)
