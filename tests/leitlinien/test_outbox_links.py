"""Personal round links and comment confirmation links: in the sent e-mail only, never in a
table row; sending a failed e-mail again issues a new link and voids the old one."""

import re
import smtplib
from unittest import mock

import pytest
from django.urls import reverse

from erfurt_srp.notifications.links import LINK_MASK
from erfurt_srp.notifications.models import OutboxMessage
from leitlinien import services
from tests.dbsearch import rows_containing

pytestmark = pytest.mark.django_db

REFUSED = smtplib.SMTPRecipientsRefused({"nord@example.org": (550, b"unknown")})


def _refused():
    return mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=REFUSED
    )


def _path(pattern, mail_body):
    return re.search(pattern, mail_body).group(0)


def _invite(consultation_round, staff_user, capture):
    with capture(execute=True):
        services.round_invite(
            consultation_round=consultation_round,
            recipients=[{"name": "OBM Nord", "email": "nord@example.org", "group": "Nord"}],
            actor=staff_user,
        )


def test_a_sent_round_invitation_leaves_its_link_in_no_row(
    client, factions_round, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(factions_round, staff_user, django_capture_on_commit_callbacks)
    link = _path(r"/leitlinien/link/[\w-]+/", mailoutbox[0].body)
    token = link.split("/")[-2]

    assert rows_containing(token) == []
    assert client.get(link).status_code == 200
    client.force_login(staff_user)
    message = OutboxMessage.objects.get(kind=services.ROUND_INVITATION_MAIL_KIND)
    page = client.get(reverse("notifications:outbox_detail", args=[message.pk])).content.decode()
    assert f"/leitlinien/link/{LINK_MASK}/" in page and token not in page


def test_resending_a_failed_round_invitation_voids_the_old_link(
    client, factions_round, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    tokens = []
    real_token = services.secrets.token_urlsafe

    def remember(n):
        tokens.append(real_token(n))
        return tokens[-1]

    with mock.patch.object(services.secrets, "token_urlsafe", side_effect=remember):
        with _refused():
            _invite(factions_round, staff_user, django_capture_on_commit_callbacks)
        message = OutboxMessage.objects.get(kind=services.ROUND_INVITATION_MAIL_KIND)
        assert (message.status, message.link_secret) == (OutboxMessage.Status.FAILED, "")
        client.force_login(staff_user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("notifications:outbox_resend", args=[message.pk]))
    client.logout()

    old, new = (reverse("leitlinien:invitation", args=[t]) for t in tokens)
    assert new in mailoutbox[-1].body
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert rows_containing(tokens[1]) == []


def _submit(client, consultation_round, email="nord@example.org"):
    return client.post(
        reverse("leitlinien:public_comment", args=[consultation_round.pk]),
        {
            "anchor": "1",
            "name": "Eve <a href='https://evil.example'>klick</a>",
            "email": email,
            "body": "Besuchen Sie https://evil.example/gewinn jetzt",
            "privacy": "on",
            "website": "",
        },
    )


def test_the_confirmation_mail_carries_no_visitor_text_and_no_row_its_link(
    client, public_round, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _submit(client, public_round).status_code == 200
    [mail] = mailoutbox
    assert mail.to == ["nord@example.org"]
    for typed in ("Eve", "evil.example", "gewinn", "klick"):
        assert typed not in mail.subject and typed not in mail.body
    token = _path(r"/kommentar/bestaetigen/[\w-]+/", mail.body).split("/")[-2]
    assert rows_containing(token) == []


def test_resending_a_failed_confirmation_voids_the_old_link(
    client, public_round, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    with _refused(), django_capture_on_commit_callbacks(execute=True):
        _submit(client, public_round)
    message = OutboxMessage.objects.get(kind=services.COMMENT_CONFIRMATION_MAIL_KIND)
    assert message.status == OutboxMessage.Status.FAILED
    pending = public_round.pending_comments.get()
    old_hash = pending.token_hash

    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:outbox_resend", args=[message.pk]))
    client.logout()

    pending.refresh_from_db()
    assert pending.token_hash != old_hash
    new = _path(r"/leitlinien/kommentar/bestaetigen/[\w-]+/", mailoutbox[-1].body)
    assert services.hash_token(new.split("/")[-2]) == pending.token_hash
    assert client.post(new).status_code == 302


def test_expiry_of_an_unconfirmed_comment_deletes_its_e_mail_and_admin_log_names(
    client, public_round, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.contrib.admin.models import CHANGE, LogEntry
    from django.utils import timezone

    from leitlinien.models import PendingPublicComment

    with django_capture_on_commit_callbacks(execute=True):
        _submit(client, public_round, email="gone@example.org")
        _submit(client, public_round, email="stays@example.org")
    gone, stays = (
        PendingPublicComment.objects.get(email=e) for e in ("gone@example.org", "stays@example.org")
    )
    PendingPublicComment.objects.filter(pk=stays.pk).update(
        expires_at=timezone.now() + timedelta(days=30)
    )
    LogEntry.objects.log_actions(
        user_id=staff_user.pk, queryset=[gone], action_flag=CHANGE, change_message="geprüft"
    )

    assert services.pending_public_comments_purge(now=timezone.now() + timedelta(days=3)) == 1

    assert rows_containing("gone@example.org") == []
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == ["stays@example.org"]
