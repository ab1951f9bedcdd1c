"""The send task body: sent once, skipped when re-run, retried, finally failed, stuck rows."""

import smtplib
from datetime import timedelta
from email import message_from_bytes
from unittest import mock

import pytest
from django.utils import timezone

from erfurt_srp.notifications import sending, tasks
from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.sending import Result, TransientSendError, send_message

pytestmark = pytest.mark.django_db


def _broken_backend(exc):
    return mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=exc
    )


def test_a_message_is_sent_once_and_a_second_run_is_skipped(
    queue, related, ics_attachment, mailoutbox
):
    message = queue(related=related, html_body="<p>Hallo</p>", attachments=[ics_attachment])

    assert send_message(message_id=message.pk) == Result.SENT
    assert send_message(message_id=message.pk) == Result.SKIPPED

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.subject == "Einladung"
    assert email.to == ["person@example.org"]
    assert email.alternatives[0][0] == "<p>Hallo</p>"
    assert email.attachments[0][0] == "termin.ics"
    assert email.extra_headers["Message-ID"].startswith(f"<srp-outbox-{message.pk}.")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1
    assert message.sent_at is not None
    assert message.sending_since is None


def test_calendar_attachment_keeps_its_method_in_the_mime_part(queue, ics_attachment, mailoutbox):
    message = queue(attachments=[ics_attachment])
    send_message(message_id=message.pk)

    parsed = message_from_bytes(mailoutbox[0].message().as_bytes())
    parts = [p for p in parsed.walk() if p.get_filename() == "termin.ics"]
    assert parts[0].get_content_type() == "text/calendar"
    assert parts[0].get_param("method") == "REQUEST"


def test_a_message_in_flight_elsewhere_is_skipped(queue, mailoutbox):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, sending_since=timezone.now()
    )

    assert send_message(message_id=message.pk) == Result.SKIPPED
    assert mailoutbox == []


def test_unknown_and_cancelled_messages_are_skipped(queue, mailoutbox):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.CANCELLED)

    assert send_message(message_id=message.pk) == Result.SKIPPED
    assert send_message(message_id=message.pk + 1000) == Result.SKIPPED
    assert mailoutbox == []


def test_a_failure_goes_to_retrying_with_the_error_and_a_later_due_time(queue):
    message = queue()
    before = timezone.now()
    with _broken_backend(ConnectionRefusedError("mail server down")):
        with pytest.raises(TransientSendError):
            send_message(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.RETRYING
    assert message.attempts == 1
    assert "mail server down" in message.last_error
    assert message.sending_since is None
    assert message.next_attempt_at >= before + timedelta(seconds=sending.RETRY_BACKOFF)


def test_after_the_last_attempt_the_message_ends_failed(queue, mailoutbox):
    message = queue()
    with _broken_backend(smtplib.SMTPServerDisconnected("gone")):
        for _ in range(sending.MAX_ATTEMPTS - 1):
            with pytest.raises(TransientSendError):
                send_message(message_id=message.pk)
        assert send_message(message_id=message.pk) == Result.FAILED

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == sending.MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in message.last_error
    # Final: a re-run does not try again.
    assert send_message(message_id=message.pk) == Result.SKIPPED
    assert mailoutbox == []


def test_a_retry_that_works_clears_the_error(queue, mailoutbox):
    message = queue()
    with _broken_backend(TimeoutError("slow")), pytest.raises(TransientSendError):
        send_message(message_id=message.pk)

    assert send_message(message_id=message.pk) == Result.SENT
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert len(mailoutbox) == 1


def test_a_refused_recipient_fails_at_once(queue):
    message = queue()
    refused = smtplib.SMTPRecipientsRefused({"person@example.org": (550, b"no such user")})
    with _broken_backend(refused):
        assert send_message(message_id=message.pk) == Result.FAILED

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 1


def test_retry_delay_backs_off_and_is_capped():
    delays = [sending.retry_delay(n) for n in range(1, 8)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == sending.RETRY_BACKOFF_MAX
    assert sending.RETRY_BACKOFF_MAX < 3600  # below Redis' visibility timeout


def test_task_is_idempotent_and_configured_for_redelivery():
    task = tasks.outbox_send
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert task.max_retries == sending.MAX_ATTEMPTS
    assert task.autoretry_for == (TransientSendError,)
    assert task.retry_backoff == sending.RETRY_BACKOFF


def test_eager_task_retries_until_final_failure(queue):
    """The task wires autoretry to the row: eager mode runs all retries at once."""
    message = queue()
    conf = tasks.outbox_send.app.conf
    propagates = conf.task_eager_propagates
    conf.task_eager_propagates = False  # let apply() follow the Retry instead of raising it
    try:
        with _broken_backend(ConnectionResetError("reset")):
            result = tasks.outbox_send.apply(args=(message.pk,))
    finally:
        conf.task_eager_propagates = propagates

    assert result.get() == Result.FAILED

    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == sending.MAX_ATTEMPTS


# --- the beat job: stuck and lost rows -----------------------------------------------------


def test_stuck_row_is_requeued_and_sent_once(queue, mailoutbox):
    message = queue()
    long_ago = timezone.now() - sending.STUCK_AFTER - timedelta(minutes=1)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, sending_since=long_ago, attempts=1
    )

    assert sending.due_message_ids() == [message.pk]
    assert send_message(message_id=message.pk) == Result.SENT
    assert send_message(message_id=message.pk) == Result.SKIPPED

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert len(mailoutbox) == 1


def test_a_recent_sending_row_is_left_alone(queue):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING, sending_since=timezone.now() - timedelta(minutes=1)
    )
    assert sending.due_message_ids() == []
    assert send_message(message_id=message.pk) == Result.SKIPPED


def test_pending_rows_whose_enqueue_was_lost_are_requeued_once_per_period(queue):
    lost = queue(recipient="lost@example.org")
    fresh = queue(recipient="fresh@example.org")
    OutboxMessage.objects.filter(pk=lost.pk).update(
        next_attempt_at=timezone.now() - sending.LOST_AFTER - timedelta(minutes=1)
    )

    assert sending.due_message_ids() == [lost.pk]
    assert fresh.pk not in sending.due_message_ids()
    # Marked as just enqueued: the next beat run leaves it alone.
    assert sending.due_message_ids() == []


def test_overdue_retrying_rows_are_requeued(queue):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.RETRYING,
        attempts=2,
        next_attempt_at=timezone.now() - sending.LOST_AFTER - timedelta(seconds=1),
    )
    assert sending.due_message_ids() == [message.pk]


def test_a_stuck_row_on_its_last_attempt_ends_failed(queue, mailoutbox):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING,
        sending_since=timezone.now() - sending.STUCK_AFTER - timedelta(minutes=1),
        attempts=sending.MAX_ATTEMPTS,
    )
    assert send_message(message_id=message.pk) == Result.SKIPPED
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert "Worker lost" in message.last_error
    assert mailoutbox == []


def test_beat_task_enqueues_what_is_due(queue):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - sending.LOST_AFTER - timedelta(minutes=1)
    )
    with mock.patch.object(tasks.outbox_send, "apply_async") as send:
        assert tasks.outbox_retry_stuck.run() == 1
    send.assert_called_once_with((message.pk,))


def test_beat_schedule_runs_the_requeue_job(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["outbox-retry-stuck"]
    assert entry["task"] == tasks.outbox_retry_stuck.name
    assert settings.CELERY_TASK_ROUTES["erfurt_srp.notifications.tasks.*"]["queue"] == "mail"


@pytest.mark.parametrize(
    "task",
    [tasks.outbox_send, tasks.outbox_send_batch, tasks.outbox_drain, tasks.outbox_retry_stuck],
)
def test_outbox_tasks_go_to_the_mail_queue(task):
    """A slow mail server must not hold up the default queue (make worker: -Q default,mail)."""
    route = task.app.amqp.router.route({}, task.name)
    assert route["queue"].name == "mail"


# --- batches over one connection -----------------------------------------------------------


def _three(queue):
    return [queue(recipient=f"r{i}@example.org") for i in range(3)]


def test_a_batch_is_sent_over_one_connection(queue, mailoutbox):
    from django.core.mail.backends.locmem import EmailBackend

    messages = _three(queue)
    OutboxMessage.objects.filter(pk=messages[0].pk).update(status=OutboxMessage.Status.SENT)
    used = []
    original = EmailBackend.send_messages

    def spy(self, email_messages):
        used.append(id(self))
        return original(self, email_messages)

    retries = []
    with mock.patch.object(EmailBackend, "send_messages", spy):
        counts = sending.send_messages(
            [m.pk for m in messages], on_retry=lambda *a: retries.append(a)
        )

    assert counts == {"sent": 2, "skipped": 1, "failed": 0, "retrying": 0}
    assert len(set(used)) == 1  # one backend connection for the whole batch
    assert [m.to for m in mailoutbox] == [["r1@example.org"], ["r2@example.org"]]
    assert retries == []


def test_a_failure_in_a_batch_retries_that_message_alone(queue, mailoutbox):
    from django.core.mail.backends.locmem import EmailBackend

    messages = _three(queue)
    original = EmailBackend.send_messages

    def flaky(self, email_messages):
        if email_messages[0].to == ["r1@example.org"]:
            raise smtplib.SMTPServerDisconnected("dropped")
        return original(self, email_messages)

    retries = []
    with mock.patch.object(EmailBackend, "send_messages", flaky):
        counts = sending.send_messages(
            [m.pk for m in messages], on_retry=lambda *a: retries.append(a)
        )

    assert counts == {"sent": 2, "skipped": 0, "failed": 0, "retrying": 1}
    assert retries == [(messages[1].pk, sending.RETRY_BACKOFF)]
    assert [m.to for m in mailoutbox] == [["r0@example.org"], ["r2@example.org"]]
    assert OutboxMessage.objects.get(pk=messages[1].pk).status == OutboxMessage.Status.RETRYING


def test_batch_task_schedules_the_retry_as_a_single_send(queue, mailoutbox):
    messages = _three(queue)
    with (
        _broken_backend(ConnectionRefusedError("down")),
        mock.patch.object(tasks.outbox_send, "apply_async") as send,
    ):
        counts = tasks.outbox_send_batch.run([m.pk for m in messages])

    assert counts["retrying"] == 3
    assert send.call_args_list == [
        mock.call((m.pk,), countdown=sending.RETRY_BACKOFF) for m in messages
    ]


def test_a_large_bulk_goes_out_through_batch_tasks(
    related, mailoutbox, django_capture_on_commit_callbacks
):
    from erfurt_srp.notifications.services import message_queue_bulk

    specs = [
        {"kind": "bulk", "recipient": f"g{i}@example.org", "subject": "S", "body": "B"}
        for i in range(tasks.BATCH_SIZE * 2 + 10)
    ]
    with (
        mock.patch.object(
            tasks.outbox_send_batch, "apply_async", wraps=tasks.outbox_send_batch.apply_async
        ) as batch,
        django_capture_on_commit_callbacks(execute=True),
    ):
        message_queue_bulk(specs)

    # The drain sent the first BATCH_SIZE itself and the rest in two batch tasks (eager).
    assert [len(c.args[0][0]) for c in batch.call_args_list] == [tasks.BATCH_SIZE, 10]
    assert len(mailoutbox) == len(specs)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
