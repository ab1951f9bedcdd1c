"""Retention: text and attachments of finished messages are deleted, the record stays."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.notifications import tasks
from erfurt_srp.notifications.models import OutboxAttachment, OutboxMessage
from erfurt_srp.notifications.services import outbox_prune

pytestmark = pytest.mark.django_db


def _age(message, days, status):
    OutboxMessage.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(days=days), status=status
    )


def test_old_finished_messages_lose_text_attachments_and_recipient_but_keep_their_record(
    queue, ics_attachment, related
):
    old_sent = queue(
        recipient="old@example.org",
        attachments=[ics_attachment],
        html_body="<p>",
        related=related,
    )
    old_failed = queue(recipient="failed@example.org")
    old_pending = queue(recipient="pending@example.org", attachments=[ics_attachment])
    recent_sent = queue(recipient="recent@example.org", attachments=[ics_attachment])
    _age(old_sent, 200, "sent")
    _age(old_failed, 200, "failed")
    OutboxMessage.objects.filter(pk=old_failed.pk).update(
        last_error="SMTPRecipientsRefused: failed@example.org unknown"
    )
    _age(old_pending, 200, "pending")
    _age(recent_sent, 10, "sent")

    assert outbox_prune(older_than_days=180) == 2
    assert outbox_prune(older_than_days=180) == 0  # idempotent

    for message in (old_sent, old_failed):
        message.refresh_from_db()
        assert (message.body, message.html_body, message.link_secret) == ("", "", "")
        assert (message.recipient, message.related_label, message.last_error) == ("", "", "")
        assert message.pruned_at is not None
        assert message.subject == "Einladung"  # what kind of message went out stays visible
    assert old_sent.related_id == str(related.pk)
    assert set(OutboxMessage.objects.exclude(recipient="").values_list("recipient", flat=True)) == {
        "pending@example.org",
        "recent@example.org",
    }
    assert set(OutboxAttachment.objects.values_list("message__recipient", flat=True)) == {
        "pending@example.org",
        "recent@example.org",
    }


def test_pruned_rows_of_one_mail_to_many_do_not_collide(queue, related):
    """Without their recipients the rows of one invitation to many would share one key."""
    messages = [queue(recipient=f"m{i}@example.org", related=related) for i in range(3)]
    for message in messages:
        _age(message, 200, "sent")

    assert outbox_prune(older_than_days=180) == 3
    assert set(OutboxMessage.objects.values_list("recipient", flat=True)) == {""}


def test_pruning_clears_the_names_in_the_admin_log(queue, staff_user):
    message = queue(recipient="named@example.org")
    kept = queue(recipient="recent@example.org")
    _age(message, 200, "sent")
    for row in (message, kept):
        LogEntry.objects.log_actions(
            user_id=staff_user.pk, queryset=[row], action_flag=CHANGE, change_message="Status"
        )

    outbox_prune(older_than_days=180)

    entries = {e.object_id: e for e in LogEntry.objects.all()}
    assert (entries[str(message.pk)].object_repr, entries[str(message.pk)].change_message) == (
        "",
        "",
    )
    assert "recent@example.org" in entries[str(kept.pk)].object_repr


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


def test_an_attachment_is_stored_once_and_deleted_with_its_last_message(queue, related):
    from erfurt_srp.notifications.models import AttachmentContent
    from erfurt_srp.notifications.services import Attachment

    pdf = Attachment(filename="tagesordnung.pdf", mimetype="application/pdf", content=b"%PDF-1")
    old = queue(recipient="old@example.org", attachments=[pdf], related=related)
    pending = queue(recipient="pending@example.org", attachments=[pdf], related=related)
    assert AttachmentContent.objects.count() == 1
    assert pending.attachments.get().content == b"%PDF-1"
    _age(old, 200, "sent")

    outbox_prune(older_than_days=180)
    assert AttachmentContent.objects.count() == 1  # the pending message still carries it
    _age(pending, 200, "sent")
    outbox_prune(older_than_days=180)
    assert not AttachmentContent.objects.exists()
