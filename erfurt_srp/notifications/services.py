"""The outbox: every e-mail the platform sends is queued here.

    message_queue(kind="meeting.invitation", recipient="a@b.de", subject=..., body=...,
                  related=meeting, revision=meeting.revision, attachments=[ics])

writes the row in the caller's transaction and enqueues the send on commit.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from .models import OutboxAttachment, OutboxMessage


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes


def _related_fields(related) -> dict:
    if related is None:
        return {"related_type": None, "related_id": "", "related_label": ""}
    return {
        "related_type": ContentType.objects.get_for_model(related, for_concrete_model=False),
        "related_id": str(related.pk),
        "related_label": str(related)[:255],
    }


def _enqueue(message_ids: list[int]) -> None:
    from .tasks import outbox_send as outbox_send_task

    def send():
        for message_id in message_ids:
            outbox_send_task.delay(message_id)

    transaction.on_commit(send)


def message_queue(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    related=None,
    revision: str | int = "",
    html_body: str = "",
    attachments: list[Attachment] | tuple = (),
) -> OutboxMessage:
    """Queue one e-mail; return the existing row if this message was queued before."""
    key = {
        "kind": kind,
        "recipient": recipient.lower(),
        "revision": str(revision),
        **_related_fields(related),
    }
    label = key.pop("related_label")
    existing = OutboxMessage.objects.filter(**key).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                **key, related_label=label, subject=subject[:255], body=body, html_body=html_body
            )
            OutboxAttachment.objects.bulk_create(
                OutboxAttachment(
                    message=message, filename=a.filename, mimetype=a.mimetype, content=a.content
                )
                for a in attachments
            )
    except IntegrityError:
        return OutboxMessage.objects.get(**key)
    _enqueue([message.pk])
    return message


def message_queue_bulk(messages: list[dict]) -> list[OutboxMessage]:
    """Queue many messages (same arguments as message_queue) with a constant number of queries
    per message batch; duplicates of already queued messages are skipped."""
    created: list[OutboxMessage] = []
    rows = []
    for spec in messages:
        related_fields = _related_fields(spec.get("related"))
        rows.append(
            (
                OutboxMessage(
                    kind=spec["kind"],
                    recipient=spec["recipient"].lower(),
                    subject=spec["subject"][:255],
                    body=spec["body"],
                    html_body=spec.get("html_body", ""),
                    revision=str(spec.get("revision", "")),
                    **related_fields,
                ),
                spec.get("attachments", ()),
            )
        )
    with transaction.atomic():
        objs = OutboxMessage.objects.bulk_create([r[0] for r in rows], ignore_conflicts=True)
        # ignore_conflicts leaves pk unset on some backends: look the rows up again.
        for message, attachments in rows:
            stored = OutboxMessage.objects.filter(
                kind=message.kind,
                related_type=message.related_type,
                related_id=message.related_id,
                recipient=message.recipient,
                revision=message.revision,
            ).first()
            if (
                stored is None
                or stored.attachments.exists()
                or stored.status != OutboxMessage.Status.PENDING
            ):
                continue
            OutboxAttachment.objects.bulk_create(
                OutboxAttachment(
                    message=stored, filename=a.filename, mimetype=a.mimetype, content=a.content
                )
                for a in attachments
            )
            created.append(stored)
        del objs
    _enqueue([m.pk for m in created])
    return created
