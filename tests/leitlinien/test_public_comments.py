"""Comments from the public without an account: published after the e-mail is confirmed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.core.errors import DomainError
from erfurt_srp.discussion.models import Comment
from erfurt_srp.notifications.models import OutboxMessage
from leitlinien import services
from leitlinien.models import ConsultationRound, PendingPublicComment
from tests.outbox import sent_body

pytestmark = pytest.mark.django_db


def _submit(client, consultation_round, **data):
    payload = {
        "anchor": "1",
        "name": "Klara Klug",
        "email": "klara@example.org",
        "body": "Mehr <em>Sitzbänke</em> <script>alert(1)</script>",
        "privacy": "on",
        "website": "",
        **data,
    }
    return client.post(reverse("leitlinien:public_comment", args=[consultation_round.pk]), payload)


def _confirm_url():
    body = sent_body(OutboxMessage.objects.get(kind="leitlinien.comment_confirmation"))
    return (
        "/leitlinien/kommentar/bestaetigen/"
        + body.split("/kommentar/bestaetigen/")[1].split("/")[0]
        + "/"
    )


def test_anonymous_comment_is_published_after_confirmation(client, public_round):
    page = client.get(public_round.get_absolute_url()).content.decode()
    assert "Kommentar schreiben (ohne Konto)" in page
    response = _submit(client, public_round)
    assert response.status_code == 200 and "klara@example.org" in response.content.decode()
    assert not Comment.objects.exists()
    assert "Sitzbänke" not in client.get(public_round.get_absolute_url()).content.decode()
    url = _confirm_url()
    assert PendingPublicComment.objects.get().token_hash not in url
    # opening the link (e.g. by a mail scanner) publishes nothing
    assert client.get(url).status_code == 200 and not Comment.objects.exists()
    response = client.post(url)
    comment = Comment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#kommentar-{comment.pk}")
    assert comment.author_name == "Klara Klug" and comment.author_email == "klara@example.org"
    assert "<script>" not in comment.body and "<em>Sitzbänke</em>" in comment.body
    html = client.get(public_round.get_absolute_url()).content.decode()
    assert "Klara Klug" in html and "klara@example.org" not in html
    # confirming twice publishes once
    client.post(url)
    assert Comment.objects.count() == 1


def test_form_errors_keep_the_input(client, public_round):
    response = _submit(client, public_round, email="keine-adresse", privacy="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bitte gültige E-Mail-Adresse eingeben." in html
    assert "Sitzbänke" in html and "Klara Klug" in html
    response = _submit(client, public_round, anchor="77")
    assert "Absatz 77 gibt es in Fassung 1 nicht" in response.content.decode()
    assert not PendingPublicComment.objects.exists()


def test_honeypot_blocks_bots(client, public_round):
    assert _submit(client, public_round, website="http://spam").status_code == 400
    assert not PendingPublicComment.objects.exists()


def test_confirmation_after_round_end_or_expiry_publishes_nothing(client, public_round):
    _submit(client, public_round)
    url = _confirm_url()
    PendingPublicComment.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(url)
    assert response.status_code == 410 and "abgelaufen" in response.content.decode()
    ConsultationRound.objects.update(ends_at=timezone.now() - timedelta(seconds=1))
    response = client.post(url)
    assert response.status_code == 410 and "beendet" in response.content.decode()
    assert not Comment.objects.exists()
    assert client.post("/leitlinien/kommentar/bestaetigen/falsch/").status_code == 404


def test_only_public_open_rounds_take_anonymous_comments(factions_round, ended_round):
    with pytest.raises(DomainError):
        services.public_comment_submit(
            consultation_round=factions_round, name="A", email="a@example.org", body="x"
        )
    with pytest.raises(DomainError):
        services.public_comment_submit(
            consultation_round=ended_round, name="A", email="a@example.org", body="x"
        )


def test_purge_removes_expired_personal_data(public_round):
    services.public_comment_submit(
        consultation_round=public_round, name="A", email="a@example.org", body="x"
    )
    assert services.pending_public_comments_purge() == 0
    assert services.pending_public_comments_purge(now=timezone.now() + timedelta(days=3)) == 1
    assert not PendingPublicComment.objects.exists()


def test_the_confirmation_mail_holds_no_text_the_visitor_typed(client, public_round):
    """The address is whatever the visitor typed: the mail must not carry their name or
    comment, or the form would relay a message from the city to a stranger."""
    message = "Gewinn abholen auf https://betrug.example/preis"
    response = _submit(client, public_round, name=message, body=message)
    assert response.status_code == 200
    mail = OutboxMessage.objects.get(kind="leitlinien.comment_confirmation")
    for text in (mail.subject, mail.body, mail.html_body, sent_body(mail)):
        assert "betrug.example" not in text and "Gewinn" not in text
