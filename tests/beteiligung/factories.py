from datetime import timedelta

import factory
from django.utils import timezone

from beteiligung.models import Event, EventTable, InvitationCode, ProgrammeItem, Registration
from beteiligung.privacy import privacy_version


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Beteiligungsveranstaltung {n}")
    slug = factory.Sequence(lambda n: f"veranstaltung-{n}")
    summary = "Informieren und mitreden"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=4))
    venue = "Rathaus Erfurt, Festsaal"
    address = "Fischmarkt 1, 99084 Erfurt"
    accessibility_notes = "Stufenloser Zugang über den Seiteneingang"
    capacity = 10
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(lambda o: o.starts_at - timedelta(days=1))
    published = True


class EventTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventTable

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Thementisch {n}")
    capacity = 5


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    event = factory.SubFactory(EventFactory)
    starts_at = "09:00"
    ends_at = "09:30"
    title = factory.Sequence(lambda n: f"Programmpunkt {n}")


class InvitationCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvitationCode

    event = factory.SubFactory(EventFactory, access=Event.Access.INVITED)
    code = factory.Sequence(lambda n: f"CODE{n:04d}")
    label = "Stadtliga"
    max_uses = 1


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration (the common case for staff pages)."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    status = Registration.Status.CONFIRMED
    name = factory.Faker("name", locale="de_DE")
    email = factory.Sequence(lambda n: f"teilnahme{n}@example.org")
    kind = Registration.Kind.CITIZEN
    privacy_version = factory.LazyFunction(privacy_version)
    consent_at = factory.LazyFunction(timezone.now)
    public_id = factory.Sequence(lambda n: f"pid{n:08d}")
    email_confirmed_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)
