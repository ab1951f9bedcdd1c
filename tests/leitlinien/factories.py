"""Factories for the guideline process. Versions and rounds are plain rows; tests that check the
rules go through leitlinien.services."""

from datetime import timedelta

import factory
from django.utils import timezone

from erfurt_srp.discussion.models import Comment
from leitlinien.models import (
    Audience,
    ConsultationRound,
    Disposition,
    Guideline,
    GuidelineVersion,
    Measure,
    Theme,
)
from tests.gremium.factories import CommitteeFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    committee = factory.SubFactory(CommitteeFactory)
    title = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")


class GuidelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guideline

    theme = factory.SubFactory(ThemeFactory)
    title = factory.LazyAttribute(lambda o: f"Leitlinie {o.theme.title}")
    slug = factory.Sequence(lambda n: f"leitlinie-{n}")


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidelineVersion

    guideline = factory.SubFactory(GuidelineFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Leitlinie"
    paragraphs = factory.LazyFunction(
        lambda: [
            "Die Stadt richtet Angebote an den Sozialräumen aus.",
            "Beratung ist wohnortnah und barrierefrei.",
            "Die Wirkung wird regelmäßig berichtet.",
        ]
    )
    state = GuidelineVersion.State.CONSULTATION


class RoundFactory(factory.django.DjangoModelFactory):
    """An open round by default (started an hour ago, ends in a week)."""

    class Meta:
        model = ConsultationRound

    version = factory.SubFactory(VersionFactory)
    audience = Audience.PUBLIC
    title = factory.Sequence(lambda n: f"Runde {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


def round_comment(consultation_round, *, anchor="", body="Ein Kommentar.", parent=None, **author):
    """A comment row in a round without the service's checks (for data setup)."""
    from django.contrib.contenttypes.models import ContentType

    if not author:
        author = {"author_name": "Erika Muster", "author_group": "Ortsteil"}
    return Comment.objects.create(
        target_type=ContentType.objects.get_for_model(ConsultationRound),
        target_id=str(consultation_round.pk),
        anchor=anchor,
        body=body,
        parent=parent,
        **author,
    )


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    source_version = factory.SubFactory(
        VersionFactory,
        state=GuidelineVersion.State.ADOPTED,
        adopted_on=factory.LazyFunction(timezone.localdate),
    )
    guideline = factory.LazyAttribute(lambda o: o.source_version.guideline)
    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    description = "Beschreibung der Maßnahme."
    planning_level = Measure.PlanningLevel.AREA
    responsible_office = "Amt für Soziales"
    time_frame = "2023–2025"


def answer(comment, consultation_round, decision=Disposition.Decision.NOTED):
    return Disposition.objects.create(
        comment=comment,
        round=consultation_round,
        decision=decision,
        reason="Zur Kenntnis genommen.",
    )
