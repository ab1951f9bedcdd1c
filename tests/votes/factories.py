"""Factories for votes and statement rounds. Votes are opened through the real service."""

from datetime import timedelta

import factory
from django.utils import timezone

from gremium.models import AgendaItem, Meeting, Vote
from gremium.services import votes as vote_services
from tests.factories import CommitteeFactory, InstitutionFactory, MembershipFactory, UserFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    number = factory.Sequence(lambda n: n + 1)
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    end = factory.LazyAttribute(lambda m: m.start + timedelta(hours=2))
    state = Meeting.State.PUBLISHED


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Standortentscheidung {n}")
    public = True


def staff():
    return UserFactory(is_staff=True)


def add_institutions(committee, count: int) -> list:
    """Add `count` institutions to the committee, each with a member and a deputy."""
    memberships = []
    for _ in range(count):
        institution = InstitutionFactory()
        memberships.append(MembershipFactory(committee=committee, institution=institution))
        MembershipFactory(committee=committee, institution=institution, role="deputy")
    return memberships


def open_vote(*, committee, subject=None, actor=None, **kwargs) -> Vote:
    if subject is None:
        subject = AgendaItemFactory(meeting=MeetingFactory(committee=committee))
    kwargs.setdefault("question", "Soll der Standort empfohlen werden?")
    kwargs.setdefault("kind", Vote.Kind.YES_NO)
    kwargs.setdefault("deadline", timezone.now() + timedelta(days=3))
    return vote_services.vote_open(
        committee=committee, subject=subject, actor=actor or staff(), **kwargs
    )


def option(vote: Vote, key_or_label: str):
    return vote.options.get(
        **(
            {"key": key_or_label}
            if key_or_label in ("yes", "no", "abstain")
            else {"label": key_or_label}
        )
    )
