"""The demo tells the seed's story at its real dates and still works today: the 2022 event as
held, and a coming event whose registration journey works through the e-mail link."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from beteiligung.models import Event, Registration
from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.sending import build_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    return out.getvalue()


def _link(kind, email, path):
    """The link as the recipient gets it: the sender puts the personal link into the body."""
    message = OutboxMessage.objects.filter(kind=kind, recipient=email).latest("created_at")
    body = build_email(message).body
    return re.search(rf"https?://[^/\s]+({path}[^\s]*)", body).group(1)


def test_seed_demo_prints_one_line_per_login_and_runs_twice(demo):
    lines = demo.strip().splitlines()
    assert lines and all(len(line.split("  ")) == 3 for line in lines)
    roles = [line.split("  ")[0] for line in lines]
    assert {"admin", "staff", "public", "member", "deputy"} <= set(roles)
    again = StringIO()
    call_command("seed_demo", stdout=again, stderr=StringIO())
    assert again.getvalue() == demo


def test_the_2022_event_as_held(client, demo):
    event = Event.objects.get(slug="auftakt-sozialraumplanung-2022")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Rückblick" in html and "86 Plätze waren verbindlich angemeldet; 71 Personen" in html
    assert "Quartiersarbeit und Beteiligung" in html and "Ankommen und Anmeldung" in html
    assert "Dokumentation der Veranstaltung" in html
    assert not Registration.objects.filter(event=event).exclude(email="").exists()


def test_the_registration_journey_works_on_the_demo_today(client, demo):
    home = client.get("/").content.decode()
    event = Event.objects.filter(registration_closes_at__gt=timezone.now()).get()
    assert f"{event.get_absolute_url()}#anmeldung" in home
    tables = list(event.tables.order_by("position"))
    email = "neu.dabei@example.org"
    response = client.post(
        event.get_absolute_url(),
        {
            "name": "Neu Dabei",
            "email": email,
            "kind": "citizen",
            "places": "1",
            "table": str(tables[0].pk),
            "consent": "on",
            "website": "",
        },
    )
    assert response.status_code == 302
    confirm = _link("beteiligung.opt_in", email, "/beteiligung/anmeldung/")
    response = client.post(confirm, follow=True)
    assert "Ihre Anmeldung ist bestätigt" in response.content.decode()
    registration = Registration.objects.get(email=email)
    assert registration.status == Registration.Status.CONFIRMED
    token = registration.make_token()
    response = client.post(
        reverse("beteiligung:registration_change_table", args=[token]), {"table": tables[1].pk}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.table_id == tables[1].pk
    response = client.post(
        reverse("beteiligung:registration_cancel", args=[token]), {"cancel-confirm": "on"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED


def test_the_next_meetings_and_an_open_round_are_counted_from_today(client, demo):
    from gremium.models import Meeting
    from leitlinien.selectors import open_public_round

    coming = Meeting.objects.filter(committee__slug="begleitgremium", start__gt=timezone.now())
    assert coming.count() == 2
    consultation_round = open_public_round()
    assert consultation_round is not None
    assert client.get(consultation_round.get_absolute_url()).status_code == 200
    assert consultation_round.get_absolute_url() in client.get("/").content.decode()
