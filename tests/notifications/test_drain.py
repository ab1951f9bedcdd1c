"""The debounced drain: new messages publish one outbox_drain while one is queued, the drain
sends every pending message, and no message committed around a running drain is left behind.

Each `with django_capture_on_commit_callbacks(execute=True)` block stands for one request's
committed transaction.
"""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from erfurt_srp.notifications import sending, tasks
from erfurt_srp.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """Publishes of the drain, recorded instead of run (a queued drain the worker has not
    started yet)."""
    with mock.patch.object(tasks.outbox_drain, "apply_async") as drain:
        yield drain


def _commit(queue, django_capture_on_commit_callbacks, **spec) -> OutboxMessage:
    with django_capture_on_commit_callbacks(execute=True):
        return queue(**spec)


def test_pending_message_ids_lists_due_new_messages_by_id(queue):
    first, second, later, retrying, sent = (queue(recipient=f"r{i}@example.org") for i in range(5))
    OutboxMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    OutboxMessage.objects.filter(pk=retrying.pk).update(status=OutboxMessage.Status.RETRYING)
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT)

    assert sending.pending_message_ids() == [first.pk, second.pk]
    assert sending.pending_message_ids(limit=1) == [first.pk]
    assert sending.pending_message_ids(after=first.pk) == [second.pk]
    assert sending.pending_message_ids(now=timezone.now() + timedelta(minutes=2)) == [
        first.pk,
        second.pk,
        later.pk,
    ]


def test_a_burst_publishes_one_drain_and_every_message_is_sent_once(
    queue, published, mailoutbox, django_capture_on_commit_callbacks
):
    messages = [
        _commit(queue, django_capture_on_commit_callbacks, recipient=f"p{i}@example.org")
        for i in range(20)
    ]

    published.assert_called_once_with()  # the other 19 found the drain queued
    assert cache.get(tasks.DRAIN_FLAG) == 1

    assert tasks.outbox_drain.run() == 20  # the queued drain runs
    assert tasks.outbox_drain.run() == 0  # a second (duplicate) one finds nothing left

    assert sorted(m.to[0] for m in mailoutbox) == sorted(m.recipient for m in messages)
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}
    # The drain cleared the flag: the next message queues the next drain.
    assert cache.get(tasks.DRAIN_FLAG) is None
    _commit(queue, django_capture_on_commit_callbacks, recipient="late@example.org")
    assert published.call_count == 2


def test_the_flag_is_cleared_before_the_drain_reads(
    queue, published, mailoutbox, django_capture_on_commit_callbacks
):
    """A message committed while the drain runs, after its read, is sent by the next drain."""
    first = _commit(queue, django_capture_on_commit_callbacks, recipient="first@example.org")
    # Committed while the drain is queued: finds the flag, publishes nothing, is sent by it.
    queued = _commit(queue, django_capture_on_commit_callbacks, recipient="queued@example.org")
    assert published.call_count == 1
    read_pending = sending.pending_message_ids
    late = []

    def read_then_another_request_commits(**kwargs):
        assert cache.get(tasks.DRAIN_FLAG) is None  # deleted before the read
        ids = read_pending(**kwargs)
        late.append(
            _commit(queue, django_capture_on_commit_callbacks, recipient="late@example.org")
        )
        return ids

    with mock.patch.object(
        sending, "pending_message_ids", side_effect=read_then_another_request_commits
    ):
        assert tasks.outbox_drain.run() == 2

    assert [m.to for m in mailoutbox] == [[first.recipient], [queued.recipient]]
    # The late message found no flag and queued the next drain, which sends it.
    assert published.call_count == 2
    assert sending.pending_message_ids() == [late[0].pk]
    assert tasks.outbox_drain.run() == 1
    assert [m.to for m in mailoutbox][-1] == ["late@example.org"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_without_a_working_cache_every_message_publishes_a_drain(
    queue, mailoutbox, django_capture_on_commit_callbacks
):
    broken = mock.Mock()
    broken.add.side_effect = ConnectionError("cache down")
    broken.delete.side_effect = ConnectionError("cache down")
    with (
        mock.patch.object(tasks, "cache", broken),
        mock.patch.object(
            tasks.outbox_drain, "apply_async", wraps=tasks.outbox_drain.apply_async
        ) as drain,
    ):
        for i in range(2):  # eager: each published drain runs right away
            _commit(queue, django_capture_on_commit_callbacks, recipient=f"p{i}@example.org")

    assert broken.add.call_count == 2
    assert drain.call_count == 2
    assert sorted(m.to[0] for m in mailoutbox) == ["p0@example.org", "p1@example.org"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_the_drain_fans_out_batches_and_continues_past_a_page(queue, published, monkeypatch):
    monkeypatch.setattr(tasks, "BATCH_SIZE", 2)
    monkeypatch.setattr(tasks, "DRAIN_PAGE", 5)
    ids = [queue(recipient=f"p{i}@example.org").pk for i in range(7)]

    with mock.patch.object(tasks.outbox_send_batch, "apply_async") as batch:
        assert tasks.outbox_drain.run() == 5
        # A full page: the follow-up drain continues behind it (and leaves the flag alone).
        published.assert_called_once_with(kwargs={"after": ids[4]})
        cache.set(tasks.DRAIN_FLAG, 1)
        assert tasks.outbox_drain.run(after=ids[4]) == 2

    assert cache.get(tasks.DRAIN_FLAG) == 1
    # Each drain sent its first BATCH_SIZE itself and published the rest in batches.
    assert [c.args[0][0] for c in batch.call_args_list] == [ids[2:4], ids[4:5]]
    sent = set(OutboxMessage.objects.filter(status="sent").values_list("pk", flat=True))
    assert sent == {*ids[0:2], *ids[5:7]}


def test_a_failed_send_in_the_drain_is_retried_on_its_own(queue, published):
    message = queue()
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionRefusedError("down"),
        ),
        mock.patch.object(tasks.outbox_send, "apply_async") as send,
    ):
        assert tasks.outbox_drain.run() == 1

    send.assert_called_once_with((message.pk,), countdown=sending.RETRY_BACKOFF)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.RETRYING


@pytest.mark.parametrize(
    "task", [tasks.outbox_send, tasks.outbox_send_batch, tasks.outbox_drain], ids=lambda t: t.name
)
def test_a_send_task_is_redelivered_and_killed_before_its_rows_count_as_stuck(task):
    # acks_late + reject_on_worker_lost: a killed worker's task is delivered again (safe, every
    # send is claimed).
    assert (task.acks_late, task.reject_on_worker_lost, task.ignore_result) == (True, True, True)
    assert 0 < task.soft_time_limit < task.time_limit
    # A row stays "sending" while its task runs; the beat job hands it to another worker only
    # after STUCK_AFTER. The hard time limit must end the first task before that, or both send.
    assert task.time_limit < sending.STUCK_AFTER.total_seconds()
    assert task.app.amqp.router.route({}, task.name)["queue"].name == "mail"


@pytest.mark.parametrize(
    "task", [tasks.outbox_send_batch, tasks.outbox_drain], ids=lambda t: t.name
)
def test_a_batch_task_has_at_least_a_second_per_message_of_its_batch(task):
    assert task.soft_time_limit >= tasks.BATCH_SIZE
