"""Registration e-mails: the personal link is in the sent e-mail only, never in a table row;
sending a failed one again gives the registration a new link and voids the old one."""

import smtplib
from unittest import mock

import pytest
from django.urls import reverse

from beteiligung import services
from beteiligung.models import Registration
from erfurt_srp.notifications.links import LINK_MASK
from erfurt_srp.notifications.models import OutboxMessage
from tests.dbsearch import rows_containing

pytestmark = pytest.mark.django_db


def _register(event, table, capture):
    with capture(execute=True):
        return services.registration_create(
            event_id=event.pk,
            name="Erika Muster",
            email="erika@example.org",
            kind=Registration.Kind.CITIZEN,
            consent=True,
            table_id=table.pk,
        )


def test_sent_opt_in_and_confirmation_leave_no_link_in_any_row(
    client, event, tables, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    registration = _register(event, tables[0], django_capture_on_commit_callbacks)
    token = registration.make_token()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_confirm(registration_id=registration.pk)

    assert [m.to for m in mailoutbox] == [["erika@example.org"]] * 2
    assert registration.get_confirm_url() in mailoutbox[0].body
    assert registration.get_manage_url() in mailoutbox[1].body
    signature = token.rpartition(".")[2]
    assert rows_containing(signature) == []

    client.force_login(staff_user)
    message = OutboxMessage.objects.get(kind="beteiligung.confirmation")
    page = client.get(reverse("notifications:outbox_detail", args=[message.pk])).content.decode()
    assert f"/anmeldung/{LINK_MASK}/" in page and signature not in page


def test_resending_a_failed_registration_mail_voids_the_old_link(
    client, event, tables, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    refused = smtplib.SMTPRecipientsRefused({"erika@example.org": (550, b"unknown")})
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=refused
    ):
        registration = _register(event, tables[0], django_capture_on_commit_callbacks)
    old_manage = reverse("beteiligung:registration_manage", args=[registration.make_token()])
    message = OutboxMessage.objects.get(kind="beteiligung.opt_in")
    assert (message.status, message.link_secret) == (OutboxMessage.Status.FAILED, "")

    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:outbox_resend", args=[message.pk]))

    registration.refresh_from_db()
    new_manage = reverse("beteiligung:registration_manage", args=[registration.make_token()])
    assert new_manage != old_manage
    assert registration.get_confirm_url() in mailoutbox[-1].body
    client.logout()
    assert client.get(old_manage).status_code == 404
    assert client.get(new_manage).status_code == 200
    assert rows_containing(registration.make_token().rpartition(".")[2]) == []
