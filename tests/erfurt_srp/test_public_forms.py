"""The public forms: hidden traps are out of the tab order, and bad input keeps what the visitor
typed with the message next to the field, in the visitor's language."""

import re

import pytest
from django.urls import reverse

from tests.beteiligung.factories import EventFactory, EventTableFactory
from tests.leitlinien.factories import RoundFactory, VersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = EventFactory(capacity=4)
    EventTableFactory(event=event, capacity=2)
    return event


@pytest.fixture
def public_round():
    return RoundFactory(version=VersionFactory(), audience="public")


def _honeypot(html):
    return re.search(r'<div class="honeypot" aria-hidden="true">(.*?)</div>', html, re.S).group(1)


def test_the_honeypots_cannot_be_focused(client, event, public_round):
    for url in (
        reverse("beteiligung:event_detail", args=[event.slug]),
        public_round.get_absolute_url(),
    ):
        trap = _honeypot(client.get(url).content.decode())
        assert 'name="website"' in trap
        assert 'tabindex="-1"' in trap and 'autocomplete="off"' in trap


def test_bad_registration_input_is_kept_and_explained_in_english(client, event):
    response = client.post(
        reverse("beteiligung:event_detail", args=[event.slug]),
        {
            "name": "Erika Muster",
            "email": "not-an-email",
            "organisation": "Quartiersverein Nord",
            "kind": "citizen",
            "places": "1",
            "table": str(event.tables.get().pk),
            "website": "",
        },
        headers={"accept-language": "en"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Erika Muster"' in html and 'value="Quartiersverein Nord"' in html
    assert "Please enter a valid e-mail address" in html
    assert 'aria-invalid="true"' in html
    assert "Bitte geben Sie" not in html


def test_bad_public_comment_input_is_kept_and_explained_in_english(client, public_round):
    response = client.post(
        reverse("leitlinien:public_comment", args=[public_round.pk]),
        {
            "anchor": "",
            "name": "Klara Klug",
            "email": "keine-adresse",
            "body": "Mehr Bänke am Anger",
            "website": "",
        },
        headers={"accept-language": "en"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Klara Klug" in html and "Mehr Bänke am Anger" in html
    assert "Enter a valid email address." in html
    assert "This field is required." in html  # the privacy box, next to it
    assert "Bitte gültige" not in html


def test_bad_sign_up_input_is_kept_and_explained_in_english(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": "short", "password2": "other"},
        headers={"accept-language": "en"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="new.person@example.org"' in html
    assert 'aria-invalid="true"' in html
    assert "errorlist" in html and "Dieses Passwort" not in html
