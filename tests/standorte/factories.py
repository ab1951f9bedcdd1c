"""Factories for standorte tests."""

from decimal import Decimal

import factory

from standorte.models import (
    District,
    Indicator,
    IndicatorValue,
    NeighbourhoodProject,
    Recommendation,
    SiteProposal,
    SocialArea,
)
from tests.gremium.factories import CommitteeFactory


class SocialAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SocialArea

    number = factory.Sequence(lambda n: 1000 + n)
    name = factory.Sequence(lambda n: f"Sozialraum {n}")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    number = factory.Sequence(lambda n: 1000 + n)
    name = factory.Sequence(lambda n: f"Ortsteil {n}")
    area_km2 = Decimal("1.50")
    social_area = factory.SubFactory(SocialAreaFactory)


def index_indicator() -> Indicator:
    return Indicator.objects.get(key="sozialindex")


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    district = factory.SubFactory(DistrictFactory)
    indicator = factory.LazyFunction(index_indicator)
    year = 2020
    value = Decimal("100.0")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeighbourhoodProject

    name = factory.Sequence(lambda n: f"Projekt {n}")
    slug = factory.Sequence(lambda n: f"projekt-{n}")
    aim = "Nachbarschaft stärken"
    committee = factory.SubFactory(CommitteeFactory)


class SiteProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SiteProposal

    project = factory.SubFactory(ProjectFactory)
    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Anlaufstelle {n}")
    address = factory.Sequence(lambda n: f"Musterstraße {n}")
    rationale = "Gute Erreichbarkeit"
    proposer = "Amt für Soziales"


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    site = factory.SubFactory(SiteProposalFactory)
    project = factory.SelfAttribute("site.project")
    title = factory.Sequence(lambda n: f"Empfehlung {n}")
    text = "Das Begleitgremium empfiehlt den Standort."
    vote_result = "12 Ja, 2 Nein, 1 Enthaltung"
    votes_yes = 12
    votes_no = 2
    votes_abstain = 1
    annex = factory.LazyFunction(
        lambda: [{"institution": "Amt für Soziales", "text": "Wir befürworten den Standort."}]
    )
