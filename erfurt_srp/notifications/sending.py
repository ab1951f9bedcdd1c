"""Sending one outbox message, exactly once, and finding messages whose send got lost.

The task body lives here so that it can be tested without Celery (tasks.py stays thin).

Exactly once: a send first *claims* the row in a short transaction (row lock with
SKIP LOCKED, status pending/retrying -> sending, attempts + 1) and sends only if it won the
claim. A duplicate delivery of the same task finds the row locked, sending or sent and skips.
The one gap no outbox can close: a worker killed after the mail server accepted the message but
before the row says "sent". Such a row stays in "sending"; after STUCK_AFTER a later delivery may
claim it again. The stable Message-ID header lets the receiving side drop that duplicate.

A personal link (links.py) is put into the text only here, in memory; the UPDATE that records
the final outcome (sent, failed) also clears the row's link_secret.
"""

import logging
import smtplib
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .links import fill_link
from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Celery retry backoff (seconds): 30, 60, 120, 240 ... capped well below Redis'
# visibility timeout (1 h), so a waiting retry is never redelivered early.
RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 600
# A row in "sending" for longer than this lost its worker (the task's hard time limit is 3 min).
STUCK_AFTER = timedelta(minutes=10)
# An open row whose next try is this much overdue lost its task message: enqueue it again.
LOST_AFTER = timedelta(minutes=5)
REQUEUE_BATCH = 2000


class Result:
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


class TransientSendError(Exception):
    """Sending failed in a way that may work on a later try (`attempts` so far on the row)."""

    attempts = 0


def retry_delay(attempts: int) -> int:
    """Return the seconds to wait after the given number of failed attempts."""
    return min(RETRY_BACKOFF_MAX, RETRY_BACKOFF * 2 ** max(attempts - 1, 0))


def _claimable(now) -> Q:
    stuck = Q(status=OutboxMessage.Status.SENDING, sending_since__lt=now - STUCK_AFTER)
    return Q(status__in=OutboxMessage.SENDABLE) | stuck


def claim(message_id: int) -> OutboxMessage | None:
    """Mark the message as in flight and return it; None if someone else has or had it."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(_claimable(now), pk=message_id)
            .first()
        )
        if message is None:
            return None
        if message.attempts >= MAX_ATTEMPTS:
            # Only a stuck row gets here: its worker died on the last allowed try.
            message.status = OutboxMessage.Status.FAILED
            message.sending_since = None
            message.last_error = message.last_error or "Worker lost while sending."
            message.link_secret = ""
            message.save(update_fields=["status", "sending_since", "last_error", "link_secret"])
            return None
        message.status = OutboxMessage.Status.SENDING
        message.sending_since = now
        message.attempts += 1
        message.save(update_fields=["status", "sending_since", "attempts"])
        return message


def _message_id_header(message: OutboxMessage) -> str:
    _, _, domain = settings.DEFAULT_FROM_EMAIL.rstrip(">").rpartition("@")
    return f"<srp-outbox-{message.pk}.{message.resend_count}@{domain or 'localhost'}>"


def build_email(message: OutboxMessage, connection=None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        connection=connection,
        subject=message.subject,
        body=fill_link(message.body, message.link_secret),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={
            "Message-ID": _message_id_header(message),
            "X-SRP-Message-Id": str(message.pk),
            "Auto-Submitted": "auto-generated",
        },
    )
    if message.html_body:
        email.attach_alternative(fill_link(message.html_body, message.link_secret), "text/html")
    for attachment in message.attachments.select_related("stored"):
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    return email


def is_permanent(exc: Exception) -> bool:
    """A failure that no retry will fix: refused recipient, 5xx answer, malformed message."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused | BadHeaderError | ValueError):
        return True
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def send_message(*, message_id: int, connection=None) -> str:
    """Send one message if nobody else has; record the outcome on the row.

    Return "sent" or "skipped" or "failed" (final); raise TransientSendError when the caller
    should try again later (the row then says "retrying"). `connection`: a mail backend
    connection to reuse (see send_messages).
    """
    message = claim(message_id)
    if message is None:
        return Result.SKIPPED
    in_flight = OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.SENDING)
    try:
        build_email(message, connection).send(fail_silently=False)
    except Exception as exc:  # SMTP, socket and backend errors alike: record, then decide
        error = f"{type(exc).__name__}: {exc}"[:2000]
        final = is_permanent(exc) or message.attempts >= MAX_ATTEMPTS
        logger.warning(
            "outbox: message %s attempt %s failed (%s): %s",
            message.pk,
            message.attempts,
            "final" if final else "will retry",
            error,
        )
        outcome = {"status": OutboxMessage.Status.RETRYING}
        if final:  # a resend reissues the link (services.message_resend)
            outcome = {"status": OutboxMessage.Status.FAILED, "link_secret": ""}
        in_flight.update(
            last_error=error,
            sending_since=None,
            next_attempt_at=timezone.now() + timedelta(seconds=retry_delay(message.attempts)),
            **outcome,
        )
        if isinstance(exc, SoftTimeLimitExceeded):
            raise  # the task is out of time: stop here, the row says what happened
        if final:
            return Result.FAILED
        transient = TransientSendError(error)
        transient.attempts = message.attempts
        raise transient from exc
    in_flight.update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        sending_since=None,
        last_error="",
        link_secret="",
    )
    return Result.SENT


def send_messages(message_ids: list[int], *, on_retry) -> dict[str, int]:
    """Send many messages over one mail server connection (no TLS handshake per message).

    Each message is claimed and recorded on its own, exactly as send_message does. A message
    that should be tried again is handed to on_retry(message_id, delay_seconds). After a
    failure the connection is closed, so the next message opens a fresh one.
    Return how many were sent, skipped, failed and left for a retry.
    """
    counts = {Result.SENT: 0, Result.SKIPPED: 0, Result.FAILED: 0, "retrying": 0}
    connection = get_connection(fail_silently=False)
    try:
        for message_id in message_ids:
            try:
                result = send_message(message_id=message_id, connection=connection)
            except TransientSendError as exc:
                counts["retrying"] += 1
                connection.close()
                on_retry(message_id, retry_delay(exc.attempts))
                continue
            if result == Result.FAILED:
                connection.close()
            counts[result] += 1
    finally:
        connection.close()
    return counts


def due_message_ids(*, now=None, limit: int = REQUEUE_BATCH) -> list[int]:
    """Return ids of messages whose send got lost and mark them as just enqueued.

    Lost: pending or retrying rows whose next try is more than LOST_AFTER overdue (the enqueue
    after commit or the retry message went missing), and rows stuck in "sending" (worker killed
    mid-send). The caller enqueues a send task for each; the claim decides who sends.
    """
    now = now or timezone.now()
    lost = Q(status__in=OutboxMessage.SENDABLE, next_attempt_at__lt=now - LOST_AFTER)
    stuck = Q(status=OutboxMessage.Status.SENDING, sending_since__lt=now - STUCK_AFTER)
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(lost | stuck)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        # Not again on the next beat run unless this enqueue gets lost too.
        OutboxMessage.objects.filter(pk__in=ids, status__in=OutboxMessage.SENDABLE).update(
            next_attempt_at=now
        )
    return ids


def pending_message_ids(*, now=None, limit: int = REQUEUE_BATCH, after: int = 0) -> list[int]:
    """Return ids of new messages waiting for their first send (pending and due), by id.

    `after`: only ids above it, to page through more than `limit` messages.
    """
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now, pk__gt=after
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
