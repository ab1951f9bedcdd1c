"""Impressum, versioned privacy notice and accessibility statement, linked from every page."""

import re

import pytest
from django.urls import reverse

from erfurt_srp.core import legal
from erfurt_srp.discussion.models import Comment
from erfurt_srp.notifications.models import OutboxMessage
from tests.beteiligung.factories import EventFactory, EventTableFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/", "/leitlinien/", "/beteiligung/", "/gibt-es-nicht/"])
def test_every_page_links_the_three_legal_pages_in_its_footer(client, path):
    html = client.get(path).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    for name in ("impressum", "privacy", "accessibility"):
        assert f'href="{reverse(name)}"' in footer


def test_the_legal_pages_answer_in_german_and_english(client):
    for name, german, english in [
        ("impressum", "Herausgeberin", "Publisher"),
        ("privacy", "Datenschutzerklärung", "Privacy notice"),
        ("accessibility", "Erklärung zur Barrierefreiheit", "Accessibility statement"),
    ]:
        assert german in client.get(reverse(name)).content.decode()
        english_page = client.get(reverse(name), headers={"accept-language": "en"})
        assert english in english_page.content.decode()


def test_the_privacy_notice_states_the_retention_periods_in_force(client, settings):
    settings.OUTBOX_RETENTION_DAYS = 123
    settings.BETEILIGUNG_RETENTION_DAYS = 77
    settings.LOG_RETENTION_DAYS = 9
    settings.PUBLIC_COMMENT_CONFIRMATION_HOURS = 36
    settings.INVITATION_VALID_DAYS = 21
    html = client.get(reverse("privacy")).content.decode()
    for phrase in (
        "bleiben 123 Tage gespeichert",
        "77 Tage nach der Veranstaltung",
        "nach 9 Tagen",
        "nach 36 Stunden",
        "der 21 Tage gilt",
    ):
        assert phrase in html
    for processing in (
        "Benutzerkonten",
        "Kommentare in Beteiligungsrunden",
        "Persönliche Beteiligungslinks",
        "Anmeldung zu Veranstaltungen",
        "E-Mails (Postausgang)",
        "Server-Protokolle",
        "TLfDI",
    ):
        assert processing in html


def test_every_privacy_notice_version_stays_readable_and_unknown_ones_are_404(client):
    for version in legal.PRIVACY_NOTICE_VERSIONS:
        response = client.get(reverse("privacy_version", args=[version]))
        assert response.status_code == 200
        assert f"Fassung {version}" in response.content.decode()
    assert (
        "Frühere Fassung"
        in client.get(
            reverse("privacy_version", args=[legal.PRIVACY_NOTICE_VERSIONS[0]])
        ).content.decode()
    )
    assert client.get(reverse("privacy_version", args=["1999-01-01"])).status_code == 404


def test_a_registration_records_the_privacy_notice_version_it_was_shown(client):
    event = EventFactory(capacity=4)
    table = EventTableFactory(event=event, capacity=2)
    page = client.get(reverse("beteiligung:event_detail", args=[event.slug])).content.decode()
    assert reverse("privacy") in page
    client.post(
        reverse("beteiligung:event_detail", args=[event.slug]),
        {
            "name": "Erika Muster",
            "email": "erika@example.org",
            "kind": "citizen",
            "places": "1",
            "table": str(table.pk),
            "consent": "on",
            "website": "",
        },
    )
    version = event.registrations.get().privacy_version
    assert legal.notice_version_of(version) == legal.PRIVACY_NOTICE_VERSION
    url = reverse("privacy_version", args=[legal.notice_version_of(version)])
    assert client.get(url).status_code == 200


def test_a_public_comment_records_the_privacy_notice_version_it_was_shown(client):
    from tests.leitlinien.factories import RoundFactory, VersionFactory

    consultation_round = RoundFactory(version=VersionFactory(), audience="public")
    client.post(
        reverse("leitlinien:public_comment", args=[consultation_round.pk]),
        {
            "anchor": "",
            "name": "Klara Klug",
            "email": "klara@example.org",
            "body": "Mehr Bänke",
            "privacy": "on",
            "website": "",
        },
    )
    # the queued mail keeps its link as a placeholder; the token waits in link_secret until sent
    message = OutboxMessage.objects.get(kind="leitlinien.comment_confirmation")
    assert re.search(r"/kommentar/bestaetigen/([^/]+)/", message.body)
    token = message.link_secret
    client.post(reverse("leitlinien:public_comment_confirm", args=[token]))
    assert Comment.objects.get().privacy_version == legal.PRIVACY_NOTICE_VERSION


def test_the_accessibility_statement_names_the_state_gaps_feedback_and_enforcement(client):
    html = client.get(reverse("accessibility")).content.decode()
    assert "BITV 2.0" in html and "teilweise vereinbar" in html
    assert "Nicht barrierefreie Inhalte" in html and "Leichter Sprache" in html
    assert "mailto:sozialraumplanung@erfurt.de" in html
    assert "Durchsetzungsstelle" in html and "Menschen mit Behinderungen" in html


def test_the_impressum_names_publisher_contact_and_phone_when_set(client, settings):
    html = client.get(reverse("impressum")).content.decode()
    assert "§ 5 Digitale-Dienste-Gesetz" in html and "Oberbürgermeister" in html
    assert "mailto:sozialraumplanung@erfurt.de" in html and "tel:" not in html
    settings.LEGAL_CONTACT_PHONE = "0361 655-0"
    assert 'href="tel:0361655-0"' in client.get(reverse("impressum")).content.decode()
