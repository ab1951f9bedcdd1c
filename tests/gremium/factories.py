"""The factories for the committee's tests (gremium): committees, institutions, persons,
memberships, meetings, agenda items, papers, consultations, and helpers for votes (opened through
the real service). Other test packages import committee factories from here."""

from datetime import timedelta

import factory
from django.utils import timezone

from gremium.models import (
    AgendaItem,
    Committee,
    Consultation,
    Institution,
    Location,
    Meeting,
    Membership,
    Paper,
    Person,
    Vote,
)
from gremium.services import votes as vote_services
from tests.factories import UserFactory


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Gremium {n}")
    slug = factory.Sequence(lambda n: f"gremium-{n}")
    kind = Committee.Kind.ACCOMPANYING


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"Institution {n}")
    kind = Institution.Kind.ADMINISTRATION


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    committee = factory.SubFactory(CommitteeFactory)
    institution = factory.SubFactory(InstitutionFactory)
    role = Membership.Role.MEMBER

    @factory.post_generation
    def link_institution(self, create, extracted, **kwargs):
        if create:
            self.institution.committees.add(self.committee)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    description = factory.Sequence(lambda n: f"Rathaus Raum {n}")
    street_address = "Fischmarkt 1"
    postal_code = "99084"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    committee = factory.SubFactory(CommitteeFactory)
    number = factory.Sequence(lambda n: n + 1)
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=2))
    location = factory.SubFactory(LocationFactory)
    state = Meeting.State.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.LazyAttribute(
        lambda o: (
            (o.meeting.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0)
            + 1
        )
    )
    name = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")
    public = True


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    reference = factory.Sequence(lambda n: f"{1000 + n}/22")
    name = factory.Sequence(lambda n: f"Drucksache {n}")
    kind = Paper.Kind.INFORMATION
    public = True


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    paper = factory.SubFactory(PaperFactory)
    agenda_item = factory.SubFactory(AgendaItemFactory)
    meeting = factory.SelfAttribute("agenda_item.meeting")
    committee = factory.SelfAttribute("agenda_item.meeting.committee")
    public = factory.SelfAttribute("agenda_item.public")


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
