"""Personal links in outbox messages (notifications.links): the token is filled in only when
the e-mail is built, and cleared from the row with the final outcome; staff see it masked;
sending again needs the owning app's reissuer."""

import smtplib
from unittest import mock

import pytest
from django.urls import reverse

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications import links
from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.sending import Result, TransientSendError, send_message
from erfurt_srp.notifications.services import (
    message_resend,
    messages_cancel_for_object,
)

pytestmark = pytest.mark.django_db

SECRET = "s3cret-Token_value"
BODY = f"Ihr Link: https://example.org/link/{links.LINK_PLACEHOLDER}/"
HTML = f'<a href="https://example.org/link/{links.LINK_PLACEHOLDER}/">Link</a>'


@pytest.fixture
def linked(queue, related):
    return queue(kind="test.link", body=BODY, html_body=HTML, link_secret=SECRET, related=related)


def _broken(exc):
    return mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=exc
    )


def _refresh(message):
    message.refresh_from_db()
    return message


def test_the_sent_e_mail_holds_the_link_and_the_row_no_longer(linked, mailoutbox):
    assert _refresh(linked).link_secret == SECRET  # until it is sent

    assert send_message(message_id=linked.pk) == Result.SENT

    [mail] = mailoutbox
    assert mail.body == f"Ihr Link: https://example.org/link/{SECRET}/"
    assert f"https://example.org/link/{SECRET}/" in mail.alternatives[0][0]
    row = _refresh(linked)
    assert (row.status, row.link_secret) == (OutboxMessage.Status.SENT, "")
    assert SECRET not in row.body + row.html_body


def test_a_retry_keeps_the_link_for_the_next_attempt(linked, mailoutbox):
    with _broken(TimeoutError("slow")), pytest.raises(TransientSendError):
        send_message(message_id=linked.pk)
    assert _refresh(linked).link_secret == SECRET

    assert send_message(message_id=linked.pk) == Result.SENT
    assert SECRET in mailoutbox[0].body
    assert _refresh(linked).link_secret == ""


def test_a_final_failure_and_a_withdrawal_clear_the_link(linked, queue, related):
    refused = smtplib.SMTPRecipientsRefused({"person@example.org": (550, b"no")})
    with _broken(refused):
        assert send_message(message_id=linked.pk) == Result.FAILED
    assert _refresh(linked).link_secret == ""

    other = queue(
        kind="test.link", recipient="b@example.org", body=BODY, link_secret=SECRET, related=related
    )
    assert messages_cancel_for_object(related=related) == 1
    assert (_refresh(other).status, _refresh(other).link_secret) == ("cancelled", "")


def test_a_text_with_the_placeholder_needs_its_secret(queue):
    with pytest.raises(ValueError):
        queue(body=BODY)


def test_staff_see_the_link_masked(client, staff_user, linked):
    client.force_login(staff_user)
    page = client.get(reverse("notifications:outbox_detail", args=[linked.pk])).content.decode()
    assert f"https://example.org/link/{links.LINK_MASK}/" in page
    assert SECRET not in page and links.LINK_PLACEHOLDER not in page


def test_a_failed_message_with_a_link_is_sent_again_with_a_reissued_link(
    linked, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    OutboxMessage.objects.filter(pk=linked.pk).update(status="failed", link_secret="")
    reissued = []
    monkeypatch.setitem(links._reissuers, "test.link", lambda m: reissued.append(m.pk) or "neu")

    with django_capture_on_commit_callbacks(execute=True):
        message_resend(message_id=linked.pk)

    assert reissued == [linked.pk]
    assert mailoutbox[0].body == "Ihr Link: https://example.org/link/neu/"
    assert _refresh(linked).link_secret == ""


def test_without_a_reissuer_a_failed_message_with_a_link_is_not_sent_again(
    client, staff_user, linked, mailoutbox
):
    OutboxMessage.objects.filter(pk=linked.pk).update(status="failed", link_secret="")
    with pytest.raises(DomainError):
        message_resend(message_id=linked.pk)

    client.force_login(staff_user)
    response = client.post(reverse("notifications:outbox_resend", args=[linked.pk]), follow=True)
    assert "nicht neu ausgestellt" in response.content.decode()
    assert _refresh(linked).status == OutboxMessage.Status.FAILED
    assert mailoutbox == []


def test_each_app_registers_its_reissuers_in_its_app_config():
    from beteiligung import outbox_links as registration_links
    from erfurt_srp.accounts import services as account_services
    from leitlinien import services as leitlinien_services

    expected = {
        account_services.INVITATION_MAIL_KIND: account_services.invitation_link_reissue,
        leitlinien_services.ROUND_INVITATION_MAIL_KIND: (
            leitlinien_services.round_invitation_link_reissue
        ),
        leitlinien_services.COMMENT_CONFIRMATION_MAIL_KIND: (
            leitlinien_services.comment_confirmation_link_reissue
        ),
        **dict.fromkeys(
            registration_links.REGISTRATION_MAIL_KINDS,
            registration_links.registration_link_reissue,
        ),
    }
    assert {kind: links.link_reissuer(kind) for kind in expected} == expected


def test_importing_a_module_registers_no_reissuer(monkeypatch):
    import importlib
    import sys

    monkeypatch.setattr(links, "_reissuers", {})
    monkeypatch.delitem(sys.modules, "beteiligung.outbox_links")
    importlib.import_module("beteiligung.outbox_links")  # a fresh copy of the module
    assert links._reissuers == {}
