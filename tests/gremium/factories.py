"""Factories for meetings, agenda items, papers (gremium). Base factories: tests/factories.py."""

from datetime import timedelta

import factory
from django.utils import timezone

from gremium.models import AgendaItem, Consultation, Location, Meeting, Paper
from tests.factories import CommitteeFactory


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
