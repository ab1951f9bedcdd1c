import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STUCK_AFTER = timedelta(minutes=10)


class TransientSendError(Exception):
    """Sending failed in a way that may work on a later try."""


def _claim(message_id: int) -> OutboxMessage | None:
    """Mark the message as in flight; None if it is sent, in flight elsewhere or gone."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(
                pk=message_id,
                status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED],
            )
            .first()
        )
        if message is None:
            return None
        message.status = OutboxMessage.Status.SENDING
        message.sending_since = timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "sending_since", "attempts"])
        return message


def send_message(*, message_id: int, final_attempt: bool = False) -> str:
    message = _claim(message_id)
    if message is None:
        return "skipped"
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"X-SRP-Message-Id": str(message.pk), "Auto-Submitted": "auto-generated"},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    try:
        email.send(fail_silently=False)
    except Exception as exc:  # SMTP and socket errors alike: record and retry
        logger.warning("outbox: sending message %s failed: %s", message.pk, exc)
        give_up = final_attempt or message.attempts >= MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxMessage.Status.FAILED, last_error=str(exc)[:2000], sending_since=None
        )
        if give_up:
            return "failed"
        raise TransientSendError(str(exc)) from exc
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), sending_since=None, last_error=""
    )
    return "sent"


def requeue_stuck() -> int:
    from .tasks import outbox_send

    now = timezone.now()
    stuck = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, sending_since__lt=now - STUCK_AFTER
    )
    stuck.update(status=OutboxMessage.Status.PENDING, sending_since=None)
    pending_ids = list(
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, created_at__lt=now - timedelta(minutes=2)
        ).values_list("pk", flat=True)[:1000]
    )
    for message_id in pending_ids:
        outbox_send.delay(message_id)
    return len(pending_ids)
