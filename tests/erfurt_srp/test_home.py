"""The public home page: what the planning is, the next event with its register button, open
rounds, the latest adopted guidelines; a dashboard link for logged-in users."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from leitlinien.models import GuidelineVersion
from tests.beteiligung.factories import EventFactory
from tests.leitlinien.factories import RoundFactory, VersionFactory

pytestmark = pytest.mark.django_db


def _content(n):
    now = timezone.now()
    for i in range(n):
        EventFactory(
            title=f"Werkstatt {i}",
            starts_at=now + timedelta(days=10 + i),
            ends_at=now + timedelta(days=10 + i, hours=3),
        )
        RoundFactory(version=VersionFactory(), audience="public", title=f"Runde {i}")
        VersionFactory(
            state=GuidelineVersion.State.ADOPTED, adopted_on=now.date() - timedelta(days=i)
        )


def test_anonymous_visitor_sees_the_story_the_next_event_rounds_and_adopted_guidelines(client):
    now = timezone.now()
    event = EventFactory(
        title="Werkstatt Nord",
        starts_at=now + timedelta(days=9),
        ends_at=now + timedelta(days=9, hours=2),
    )
    EventFactory(
        title="Nur mit Code",
        access="invitation",
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, hours=2),
    )
    EventFactory(
        title="Vorbei",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=30) + timedelta(hours=2),
        registration_opens_at=now - timedelta(days=60),
        registration_closes_at=now - timedelta(days=31),
    )
    open_round = RoundFactory(version=VersionFactory(), audience="public", title="Offen für alle")
    RoundFactory(version=VersionFactory(), audience="factions", title="Nur Fraktionen")
    RoundFactory(
        version=VersionFactory(),
        audience="public",
        title="Erst nächste Woche",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=14),
    )
    adopted = VersionFactory(state=GuidelineVersion.State.ADOPTED, adopted_on=now.date())
    html = client.get("/").content.decode()
    assert "Sozialstrukturatlas 2020" in html and "28.09.2021" in html
    assert "Werkstatt Nord" in html and f'href="{event.get_absolute_url()}#anmeldung"' in html
    assert "Nur mit Code" not in html and "Vorbei" not in html
    assert open_round.get_absolute_url() in html and "Offen für alle" in html
    assert "Nur Fraktionen" not in html and "Erst nächste Woche" not in html
    assert adopted.get_absolute_url() in html
    assert 'href="/dashboard/"' not in html
    for link in (
        event.get_absolute_url(),
        open_round.get_absolute_url(),
        adopted.get_absolute_url(),
    ):
        assert client.get(link).status_code == 200


def test_logged_in_user_gets_a_link_to_the_dashboard(client, public_user):
    client.force_login(public_user)
    html = client.get("/").content.decode()
    assert "Zu Ihrer Übersicht" in html and 'href="/dashboard/"' in html


def test_home_page_queries_do_not_grow_with_content(django_assert_max_num_queries):
    _content(1)
    client = Client()
    client.get("/")
    with django_assert_max_num_queries(8) as first:
        client.get("/")
    _content(6)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/")


def test_the_next_public_meetings_are_on_the_home_page(client):
    from gremium.models import Meeting
    from tests.gremium.factories import MeetingFactory

    now = timezone.now()
    coming = MeetingFactory(
        start=now + timedelta(days=5), end=now + timedelta(days=5, hours=2), state="published"
    )
    draft = MeetingFactory(
        start=now + timedelta(days=6), end=now + timedelta(days=6, hours=2), state="draft"
    )
    html = client.get("/").content.decode()
    assert "Nächste öffentliche Sitzungen" in html
    assert coming.get_absolute_url() in html and draft.get_absolute_url() not in html
    assert client.get(coming.get_absolute_url()).status_code == 200
    assert Meeting.objects.count() == 2
