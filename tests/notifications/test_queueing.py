"""message_queue / message_queue_bulk: unique, in the caller's transaction, enqueued on commit."""

from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction

from erfurt_srp.notifications import sending, tasks
from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.services import (
    Attachment,
    message_queue_bulk,
    messages_cancel_for_object,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued():
    """Record what gets published instead of running it: (drain, send, batch)."""
    with (
        mock.patch.object(tasks.outbox_drain, "apply_async") as drain,
        mock.patch.object(tasks.outbox_send, "apply_async") as send,
        mock.patch.object(tasks.outbox_send_batch, "apply_async") as batch,
    ):
        yield drain, send, batch


def test_queue_writes_a_pending_row_with_its_object_and_attachments(queue, related, ics_attachment):
    message = queue(
        related=related, revision=3, attachments=[ics_attachment], recipient=" Person@Example.org "
    )

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.recipient == "person@example.org"
    assert message.related == related
    assert message.related_label == str(related)
    assert message.revision == "3"
    assert message.attempts == 0
    assert [(a.filename, bytes(a.content)) for a in message.attachments.all()] == [
        ("termin.ics", b"BEGIN:VCALENDAR\r\n")
    ]


def test_the_same_message_queued_twice_is_one_row(queue, related, ics_attachment):
    first = queue(related=related, revision="1", attachments=[ics_attachment])
    second = queue(related=related, revision="1", attachments=[ics_attachment], subject="Anders")

    assert second.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert first.attachments.count() == 1


def test_a_content_stored_before_is_found_with_one_query(
    queue, related, ics_attachment, django_assert_num_queries
):
    from erfurt_srp.notifications.models import AttachmentContent

    first = queue(related=related, revision="1", attachments=[ics_attachment])
    # look-up, savepoint, message, the stored content, the attachment row, release
    with django_assert_num_queries(6):
        second = queue(related=related, revision="2", attachments=[ics_attachment])
    other = Attachment("anders.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nX\r\n")
    with django_assert_num_queries(8):  # a new content: looked up, stored, read back
        third = queue(related=related, revision="3", attachments=[other])
    assert second.attachments.get().stored_id == first.attachments.get().stored_id
    assert bytes(third.attachments.get().content) == b"BEGIN:VCALENDAR\r\nX\r\n"
    assert AttachmentContent.objects.count() == 2


def test_a_new_revision_or_recipient_or_kind_is_a_new_message(queue, related):
    queue(related=related, revision="1")
    queue(related=related, revision="2")
    queue(related=related, revision="1", recipient="other@example.org")
    queue(related=related, revision="1", kind="test.reminder")

    assert OutboxMessage.objects.count() == 4


def test_messages_without_an_object_are_unique_too(queue):
    """NULL related_type must not defeat the unique constraint (NULLs are distinct in SQL)."""
    first = queue(kind="account.welcome")
    second = queue(kind="account.welcome")

    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_database_refuses_a_duplicate_without_an_object(queue):
    from django.db import IntegrityError

    queue(kind="account.welcome")
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            kind="account.welcome", recipient="person@example.org", subject="x", body="y"
        )


def test_send_is_enqueued_only_on_commit(
    queue, related, enqueued, django_capture_on_commit_callbacks
):
    drain, send, batch = enqueued
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue(related=related)
        assert drain.call_count == 0  # not before the commit

    assert len(callbacks) == 1
    drain.assert_called_once_with()  # the drain sends every pending message, this one too
    assert sending.pending_message_ids() == [message.pk]
    assert send.call_count == batch.call_count == 0


def test_a_duplicate_enqueues_nothing(queue, related, enqueued, django_capture_on_commit_callbacks):
    queue(related=related)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queue(related=related)

    assert callbacks == []


def test_a_rolled_back_change_queues_and_enqueues_nothing(
    queue, related, enqueued, django_capture_on_commit_callbacks
):
    drain, send, _batch = enqueued

    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            queue(related=related)
            raise Boom

    assert OutboxMessage.objects.count() == 0
    assert callbacks == []
    assert drain.call_count == send.call_count == 0
    assert cache.get(tasks.DRAIN_FLAG) is None


def test_a_broker_failure_after_commit_does_not_raise(
    queue, related, django_capture_on_commit_callbacks
):
    """The change is committed; the row stays pending for the next drain or the beat job."""
    with mock.patch.object(
        tasks.outbox_drain, "apply_async", side_effect=ConnectionError("down")
    ) as drain:
        with django_capture_on_commit_callbacks(execute=True):
            message = queue(related=related)
        # The flag of the failed publish is gone: the next message tries again at once.
        assert cache.get(tasks.DRAIN_FLAG) is None
        with django_capture_on_commit_callbacks(execute=True):
            queue(related=related, recipient="next@example.org")

    assert drain.call_count == 2
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING


def test_eager_mode_sends_on_commit(queue, related, mailoutbox, django_capture_on_commit_callbacks):
    """Tests and `make run` run tasks eagerly: the mail goes out right after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(related=related)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["person@example.org"]


def _specs(n, related, **extra):
    return [
        {
            "kind": "event.invitation",
            "recipient": f"guest{i}@example.org",
            "subject": "Einladung zur Veranstaltung",
            "body": f"Hallo Gast {i}",
            "related": related,
            "revision": 1,
            **extra,
        }
        for i in range(n)
    ]


def test_bulk_queues_each_message_once(related, enqueued, django_capture_on_commit_callbacks):
    attachment = Attachment("termin.ics", "text/calendar; method=REQUEST", b"ICS")
    specs = _specs(5, related, attachments=[attachment])
    with django_capture_on_commit_callbacks(execute=True):
        created = message_queue_bulk(specs + specs[:2])  # duplicates inside the list too

    assert len(created) == 5
    assert OutboxMessage.objects.count() == 5
    assert all(m.attachments.count() == 1 for m in OutboxMessage.objects.all())
    drain, send, batch = enqueued
    drain.assert_called_once_with()
    assert send.call_count == batch.call_count == 0
    # The drain finds exactly these and sends them itself (a handful: no batch task).
    assert sending.pending_message_ids() == sorted(m.pk for m in created)
    assert tasks.outbox_drain.run() == 5
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}

    again = message_queue_bulk(_specs(7, related))
    assert [m.recipient for m in again] == ["guest5@example.org", "guest6@example.org"]
    assert OutboxMessage.objects.count() == 7


@pytest.mark.parametrize("size", [10, 2000])
def test_bulk_queueing_takes_a_bounded_number_of_queries(
    size, related, enqueued, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """Loomio timed out inviting 2,303 people; here 2,000 invitations are a handful of queries."""
    ContentType.objects.get_for_model(related)  # warm the content type cache
    attachment = Attachment("termin.ics", "text/calendar; method=REQUEST", b"ICS")
    with django_assert_max_num_queries(40):
        with django_capture_on_commit_callbacks(execute=True):
            created = message_queue_bulk(_specs(size, related, attachments=[attachment]))

    assert len(created) == size
    drain, send, batch = enqueued
    drain.assert_called_once_with()  # the request publishes one task, whatever the size
    assert send.call_count == batch.call_count == 0

    # The drain sends the first BATCH_SIZE itself and publishes the rest as a few batch tasks,
    # not one broker message per recipient.
    assert tasks.outbox_drain.run() == size
    ids = sorted(m.pk for m in created)
    assert [c.args[0][0] for c in batch.call_args_list] == [
        ids[start : start + tasks.BATCH_SIZE]
        for start in range(tasks.BATCH_SIZE, size, tasks.BATCH_SIZE)
    ]
    assert send.call_count == 0
    assert OutboxMessage.objects.filter(status="sent").count() == min(size, tasks.BATCH_SIZE)
    # A full page (2,000): a follow-up drain continues behind it.
    follow_up = [mock.call(kwargs={"after": ids[-1]})] if size == tasks.DRAIN_PAGE else []
    assert drain.call_args_list == [mock.call(), *follow_up]


def test_bulk_falls_back_to_one_by_one_when_it_loses_a_race(related, enqueued):
    specs = _specs(3, related)
    message_queue_bulk(specs[:1])
    # Simulate a concurrent transaction: the duplicate look-up misses the existing row.
    with mock.patch("erfurt_srp.notifications.services._existing_keys", return_value=set()):
        created = message_queue_bulk(specs)

    assert [m.recipient for m in created] == ["guest1@example.org", "guest2@example.org"]
    assert OutboxMessage.objects.count() == 3


def test_cancel_for_object_withdraws_only_unsent_messages(queue, related):
    pending = queue(related=related)
    sent = queue(related=related, recipient="sent@example.org")
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT)
    other_kind = queue(related=related, kind="test.other")

    assert messages_cancel_for_object(related=related, kind="test.invitation") == 1

    statuses = dict(OutboxMessage.objects.values_list("pk", "status"))
    assert statuses[pending.pk] == OutboxMessage.Status.CANCELLED
    assert statuses[sent.pk] == OutboxMessage.Status.SENT
    assert statuses[other_kind.pk] == OutboxMessage.Status.PENDING


def test_a_message_about_a_new_object_is_one_insert_and_is_sent_on_commit(
    db, django_capture_on_commit_callbacks, django_assert_max_num_queries, staff_user
):
    from django.core import mail

    from erfurt_srp.notifications.models import OutboxMessage
    from erfurt_srp.notifications.services import message_queue_for_new_object

    with django_capture_on_commit_callbacks(execute=True):
        with django_assert_max_num_queries(2):  # content type (unless cached) + the INSERT
            message = message_queue_for_new_object(
                kind="test.new",
                recipient=" New@Example.org ",
                subject="Hallo",
                body="Text",
                related=staff_user,
            )
    message.refresh_from_db()
    assert message.recipient == "new@example.org"
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1
