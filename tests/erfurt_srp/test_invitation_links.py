"""The invitation e-mail's personal link lives only in the sent e-mail, never in a table row;
sending a failed invitation e-mail again issues a new link and voids the old one."""

import smtplib
from unittest import mock

import pytest
from django.urls import reverse

from erfurt_srp.accounts import invitations, services
from erfurt_srp.notifications.links import LINK_MASK, LINK_PLACEHOLDER
from erfurt_srp.notifications.models import OutboxMessage
from tests.dbsearch import rows_containing

pytestmark = pytest.mark.django_db

PURPOSE = "test.links"


@pytest.fixture(autouse=True)
def _purpose(monkeypatch):
    """A purpose of our own: these tests are about the link, not about what accepting does."""
    monkeypatch.setitem(
        invitations._purposes,
        PURPOSE,
        invitations.InvitationPurpose(key=PURPOSE, accept=lambda invitation, user: None),
    )


@pytest.fixture
def tokens(monkeypatch):
    """Every raw token the invitation service issues, in order."""
    issued = []
    original = services._new_token

    def capture():
        token, token_hash = original()
        issued.append(token)
        return token, token_hash

    monkeypatch.setattr(services, "_new_token", capture)
    return issued


def _invite(staff_user, capture):
    with capture(execute=True):
        return services.invitation_create(
            email="neu@example.org", purpose=PURPOSE, actor=staff_user
        )


def _accept_path(token):
    return reverse("accounts:invitation_accept", kwargs={"token": token})


def test_after_sending_no_row_holds_the_link_and_staff_see_it_masked(
    client, staff_user, tokens, mailoutbox, django_capture_on_commit_callbacks
):
    _invite(staff_user, django_capture_on_commit_callbacks)
    [token] = tokens
    assert _accept_path(token) in mailoutbox[0].body

    assert rows_containing(token) == []
    message = OutboxMessage.objects.get(kind=services.INVITATION_MAIL_KIND)
    assert message.status == OutboxMessage.Status.SENT
    assert (message.link_secret, LINK_PLACEHOLDER in message.body) == ("", True)

    client.force_login(staff_user)
    page = client.get(reverse("notifications:outbox_detail", args=[message.pk])).content.decode()
    assert "/konto/einladung/" + LINK_MASK in page
    assert token not in page
    admin = client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))
    assert token not in admin.content.decode()


def test_before_sending_only_the_hidden_field_holds_the_token(
    staff_user, tokens, django_capture_on_commit_callbacks
):
    with mock.patch("erfurt_srp.notifications.services._enqueue"):  # not sent yet
        _invite(staff_user, django_capture_on_commit_callbacks)
    [token] = tokens
    assert rows_containing(token) == ["notifications.OutboxMessage.link_secret"]


def test_resending_a_failed_invitation_mail_voids_the_old_link(
    client, staff_user, tokens, mailoutbox, django_capture_on_commit_callbacks
):
    refused = smtplib.SMTPRecipientsRefused({"neu@example.org": (550, b"mailbox full")})
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused
    ):
        _invite(staff_user, django_capture_on_commit_callbacks)
    message = OutboxMessage.objects.get(kind=services.INVITATION_MAIL_KIND)
    assert (message.status, message.link_secret) == (OutboxMessage.Status.FAILED, "")
    [old_token] = tokens

    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:outbox_resend", args=[message.pk]))
    assert response.status_code == 302

    [new_token] = tokens[1:]
    assert [m.to for m in mailoutbox] == [["neu@example.org"]]
    assert _accept_path(new_token) in mailoutbox[0].body
    assert old_token not in mailoutbox[0].body
    client.logout()
    assert client.get(_accept_path(old_token)).status_code == 404
    assert client.get(_accept_path(new_token)).status_code == 200
    assert rows_containing(new_token) == []


def test_a_failed_mail_of_an_invitation_sent_again_since_is_not_reissued(
    client, staff_user, tokens, mailoutbox, django_capture_on_commit_callbacks
):
    """Sending the old e-mail again would void the newer link: refused with a message."""
    refused = smtplib.SMTPRecipientsRefused({"neu@example.org": (550, b"mailbox full")})
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused
    ):
        invitation = _invite(staff_user, django_capture_on_commit_callbacks)
    failed = OutboxMessage.objects.get(kind=services.INVITATION_MAIL_KIND)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation_id=invitation.pk, actor=staff_user)
    newer_token = tokens[-1]

    client.force_login(staff_user)
    client.post(reverse("notifications:outbox_resend", args=[failed.pk]))

    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.FAILED
    client.logout()
    assert client.get(_accept_path(newer_token)).status_code == 200
