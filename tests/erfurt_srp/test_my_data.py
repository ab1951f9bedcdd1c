"""My data: a registered person downloads what the platform holds about them and deletes their
account; an answered comment stays under "deleted account", everything else goes."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.accounts.models import Invitation, User
from erfurt_srp.discussion.models import Comment
from leitlinien import services as leitlinien_services
from leitlinien.models import PendingPublicComment, RoundInvitation
from tests.beteiligung.factories import EventFactory, EventTableFactory
from tests.conftest import PASSWORD, make_user
from tests.leitlinien.factories import RoundFactory, VersionFactory

pytestmark = pytest.mark.django_db

NAME = "Bertilde"
SURNAME = "Quastenflosser"
EMAIL = "bertilde.quasten@example.org"


@pytest.fixture
def person():
    user = make_user(EMAIL, first_name=NAME, last_name=SURNAME)
    # an established account: a new one's public comments wait for staff review (hidden)
    user.date_joined = timezone.now() - timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


@pytest.fixture
def footprint(client, person, staff_user):
    """The person's traces in every app, made through the real services and pages."""
    consultation_round = RoundFactory(version=VersionFactory(), audience="public")
    answered = leitlinien_services.round_comment_create(
        consultation_round=consultation_round,
        actor=person,
        body="Mehr Bänke im Park, bitte.",
        anchor="1",
    )
    leitlinien_services.disposition_set(
        comment=answered, decision="accepted", reason="Wird aufgenommen.", actor=staff_user
    )
    leitlinien_services.round_comment_create(
        consultation_round=consultation_round, actor=person, body="Noch eine Idee."
    )
    leitlinien_services.public_comment_submit(
        consultation_round=consultation_round,
        name=f"{NAME} {SURNAME}",
        email=EMAIL,
        body="Ohne Konto geschrieben.",
    )
    RoundInvitation.objects.create(
        round=consultation_round,
        name=f"{NAME} {SURNAME}",
        email=EMAIL,
        token_hash="x" * 64,
        expires_at=timezone.now() + timedelta(days=3),
    )
    Invitation.objects.create(
        email=EMAIL,
        token_hash="y" * 64,
        purpose="test",
        expires_at=timezone.now() + timedelta(days=3),
    )
    event = EventFactory(capacity=4)
    table = EventTableFactory(event=event, capacity=2)
    client.post(
        reverse("beteiligung:event_detail", args=[event.slug]),
        {
            "name": f"{NAME} {SURNAME}",
            "email": EMAIL,
            "organisation": f"Verein {SURNAME}",
            "kind": "citizen",
            "places": "1",
            "table": str(table.pk),
            "consent": "on",
            "website": "",
        },
    )
    assert event.registrations.filter(email=EMAIL).exists()
    return {"round": consultation_round, "answered": answered, "event": event}


def _rows_naming(*needles):
    """Every model field whose stored text (char, text and JSON fields) contains a needle."""
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                for stored in model._default_manager.values_list(field.name, flat=True):
                    text = json.dumps(stored, ensure_ascii=False).lower()
                    found += [
                        f"{model._meta.label}.{field.name}: {n}"
                        for n in needles
                        if n.lower() in text
                    ]
            elif isinstance(field, models.CharField | models.TextField):
                for needle in needles:
                    if model._default_manager.filter(
                        **{f"{field.name}__icontains": needle}
                    ).exists():
                        found.append(f"{model._meta.label}.{field.name}: {needle}")
    return found


def test_my_data_page_and_download_show_what_the_platform_holds(client, person, footprint):
    client.force_login(person)
    html = client.get(reverse("accounts:my_data")).content.decode()
    for text in (EMAIL, footprint["event"].title, "Mehr Bänke im Park", "Ohne Konto geschrieben"):
        assert text in html
    response = client.get(reverse("accounts:my_data_download"))
    assert response["Content-Disposition"] == 'attachment; filename="meine-daten.json"'
    data = json.loads(response.content)
    keys = {section["key"] for section in data["sections"]}
    assert {"accounts", "beteiligung", "leitlinien", "discussion", "notifications"} <= keys
    assert data["account"] == EMAIL


def test_deleting_the_account_leaves_no_table_naming_the_person(client, person, footprint):
    assert _rows_naming(SURNAME, EMAIL)  # the search finds the traces before
    client.force_login(person)
    response = client.post(reverse("accounts:account_delete"), {"password": "falsch"})
    assert response.status_code == 400 and "Das Passwort stimmt nicht." in response.content.decode()
    assert User.objects.filter(pk=person.pk).exists()

    response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(pk=person.pk).exists()
    assert _rows_naming(SURNAME, EMAIL) == []

    # the answered comment stays as part of the disposition table, the rest is gone
    kept = Comment.objects.get(pk=footprint["answered"].pk)
    assert kept.author_deleted and kept.author_id is None
    assert not Comment.objects.filter(body__contains="Noch eine Idee").exists()
    assert not PendingPublicComment.objects.exists() and not RoundInvitation.objects.exists()
    registration = footprint["event"].registrations.get()
    assert registration.status == "cancelled" and registration.anonymised_at
    page = client.get(footprint["round"].get_absolute_url()).content.decode()
    assert "gelöschtes Konto" in page and "Mehr Bänke im Park" in page


def test_members_and_staff_cannot_delete_their_own_account(client, member_user, staff_user):
    for user in (member_user, staff_user):
        client.force_login(user)
        page = client.get(reverse("accounts:account_delete")).content.decode()
        assert "löscht die Geschäftsstelle" in page and 'type="password"' not in page
        response = client.post(reverse("accounts:account_delete"), {"password": PASSWORD})
        assert response.status_code == 403
        assert User.objects.filter(pk=user.pk).exists()


def test_my_data_needs_a_login(client):
    for name in ("accounts:my_data", "accounts:my_data_download", "accounts:account_delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_member_sees_their_committee_record_in_my_data(client, member_user):
    client.force_login(member_user)
    data = json.loads(client.get(reverse("accounts:my_data_download")).content)
    gremium = next(s for s in data["sections"] if s["key"] == "gremium")
    text = json.dumps(gremium, ensure_ascii=False)
    assert member_user.email in text and "Begleitgremium Test" in text
