"""Retention: text and attachments of finished messages are deleted, the record stays."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.notifications import tasks
from erfurt_srp.notifications.models import OutboxAttachment, OutboxMessage
from erfurt_srp.notifications.services import message_queue, outbox_prune

pytestmark = pytest.mark.django_db


def _age(message, days, status):
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(days=days), status=status
    )


def test_old_finished_messages_lose_text_and_attachments_but_keep_their_record(
    queue, ics_attachment
):
    old_sent = queue(recipient="old@example.org", attachments=[ics_attachment], html_body="<p>")
    old_failed = queue(recipient="failed@example.org")
    old_pending = queue(recipient="pending@example.org", attachments=[ics_attachment])
    recent_sent = queue(recipient="recent@example.org", attachments=[ics_attachment])
    _age(old_sent, 200, "sent")
    _age(old_failed, 200, "failed")
    _age(old_pending, 200, "pending")
    _age(recent_sent, 10, "sent")

    assert outbox_prune(older_than_days=180) == 2
    assert outbox_prune(older_than_days=180) == 0  # idempotent

    rows = {m.recipient: m for m in OutboxMessage.objects.all()}
    for email in ("old@example.org", "failed@example.org"):
        assert (rows[email].body, rows[email].html_body) == ("", "")
        assert rows[email].pruned_at is not None
        assert rows[email].subject == "Einladung"  # who was sent what stays visible
    assert rows["pending@example.org"].body and rows["recent@example.org"].body
    assert set(OutboxAttachment.objects.values_list("message__recipient", flat=True)) == {
        "pending@example.org",
        "recent@example.org",
    }
    # The record still blocks a second send of the same message.
    again = message_queue(
        kind="test.invitation", recipient="old@example.org", subject="Einladung", body="neu"
    )
    assert again.pk == old_sent.pk


def test_a_pruned_failed_message_cannot_be_sent_again(client, staff_user, queue):
    message = queue()
    _age(message, 200, "failed")
    outbox_prune(older_than_days=180)
    client.force_login(staff_user)

    content = client.get(reverse("notifications:outbox_detail", args=[message.pk])).content
    assert b"Aufbewahrungsfrist" in content
    assert b"Erneut senden" not in content
    client.post(reverse("notifications:outbox_resend", args=[message.pk]))
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED


def test_the_beat_job_uses_the_retention_setting(settings, queue):
    settings.OUTBOX_RETENTION_DAYS = 30
    message = queue()
    _age(message, 31, "sent")

    assert tasks.outbox_prune_old.run() == 1
    assert settings.CELERY_BEAT_SCHEDULE["outbox-prune-old"]["task"] == tasks.outbox_prune_old.name
