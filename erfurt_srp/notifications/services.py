"""The outbox: every e-mail the platform sends is queued here.

    message_queue(kind="meeting.invitation", recipient="a@b.de", subject=..., body=...,
                  related=meeting, revision=meeting.revision, attachments=[ics])

writes the row in the caller's transaction and enqueues the send on commit: a rolled-back
change queues nothing. For many recipients use message_queue_bulk (constant query count).
Write mails as templates with erfurt_srp.notifications.rendering.render_message.
A mail with a personal link passes the link's token as `link_secret` and LINK_PLACEHOLDER in
its place in the text (see links.py): no table row keeps the link once the mail is sent.
"""

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.core.adminlog import scrub_admin_log
from erfurt_srp.core.errors import DomainError

from .links import has_personal_link, link_reissuer
from .models import AttachmentContent, OutboxAttachment, OutboxMessage

logger = logging.getLogger(__name__)

# Keeps the IN lists of the duplicate look-up within every database's parameter limit.
LOOKUP_CHUNK = 1000


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: bytes


def _related_fields(related) -> dict:
    if related is None:
        return {"related_type": None, "related_id": "", "related_label": ""}
    if related.pk is None:
        raise ValueError("message_queue: the related object must be saved first.")
    return {
        "related_type": ContentType.objects.get_for_model(related, for_concrete_model=False),
        "related_id": str(related.pk),
        "related_label": str(related)[:255],
    }


def _enqueue(message_ids: list[int]) -> None:
    """Have these pending messages sent once the caller's transaction has committed.

    They go out through the debounced drain (tasks.request_drain): in a burst most commits
    find a drain already queued and publish nothing. A broker failure must not turn a
    committed change into an error page: the rows stay pending and the next drain or the beat
    job (outbox_retry_stuck) sends them later.
    """
    if not message_ids:
        return

    def send():
        from .tasks import request_drain

        try:
            request_drain()
        except Exception:
            logger.exception("outbox: enqueue of %d message(s) failed", len(message_ids))

    transaction.on_commit(send)


def _new_message(spec: dict) -> tuple[OutboxMessage, tuple]:
    related = _related_fields(spec.get("related"))
    link_secret = spec.get("link_secret", "") or ""
    html_body = spec.get("html_body", "") or ""
    carries_link = has_personal_link(spec["body"]) or has_personal_link(html_body)
    if carries_link and not link_secret:
        raise ValueError("message_queue: a text with LINK_PLACEHOLDER needs its link_secret.")
    link_secret = link_secret if carries_link else ""
    message = OutboxMessage(
        kind=spec["kind"],
        recipient=spec["recipient"].strip().lower(),
        subject=" ".join(spec["subject"].split())[:255],
        body=spec["body"],
        html_body=html_body,
        link_secret=link_secret,
        revision=str(spec.get("revision", "") or ""),
        **related,
    )
    return message, tuple(spec.get("attachments", ()) or ())


def _key(message: OutboxMessage) -> tuple:
    return (
        message.kind,
        message.related_type_id,
        message.related_id,
        message.recipient,
        message.revision,
    )


def _key_filter(message: OutboxMessage) -> dict:
    return {
        "pruned_at__isnull": True,
        "kind": message.kind,
        "related_type": message.related_type,
        "related_id": message.related_id,
        "recipient": message.recipient,
        "revision": message.revision,
    }


def _stored_contents(attachments) -> dict[str, AttachmentContent]:
    """{sha256: AttachmentContent} for the attachments' bytes: each distinct content is stored
    once, whatever number of messages carry it. One query when every content is stored
    already (the same calendar file or agenda for many messages), three otherwise."""
    contents = {hashlib.sha256(bytes(a.content)).hexdigest(): bytes(a.content) for a in attachments}
    if not contents:
        return {}

    def stored(hashes):
        rows = AttachmentContent.objects.filter(sha256__in=hashes).only("sha256")
        return {row.sha256: row for row in rows}

    found = stored(list(contents))
    missing = [h for h in contents if h not in found]
    if missing:
        AttachmentContent.objects.bulk_create(
            [AttachmentContent(sha256=h, content=contents[h]) for h in missing],
            ignore_conflicts=True,
        )
        found.update(stored(missing))
    return found


def _attachments_delete(message_ids) -> None:
    """Delete the messages' attachments, and the contents no other message carries."""
    rows = OutboxAttachment.objects.filter(message_id__in=message_ids)
    stored_ids = set(rows.values_list("stored_id", flat=True))
    rows.delete()
    if stored_ids:
        AttachmentContent.objects.filter(pk__in=stored_ids, attachments__isnull=True).delete()


def _attachment_rows(message: OutboxMessage, attachments, stored=None) -> list[OutboxAttachment]:
    stored = stored if stored is not None else _stored_contents(attachments)
    return [
        OutboxAttachment(
            message=message,
            filename=a.filename,
            mimetype=a.mimetype,
            stored=stored[hashlib.sha256(bytes(a.content)).hexdigest()],
        )
        for a in attachments
    ]


def _queue_one(message: OutboxMessage, attachments) -> tuple[OutboxMessage, bool]:
    existing = OutboxMessage.objects.filter(**_key_filter(message)).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            message.save()
            OutboxAttachment.objects.bulk_create(_attachment_rows(message, attachments))
    except IntegrityError:
        # A concurrent transaction queued the same message and committed first.
        return OutboxMessage.objects.get(**_key_filter(message)), False
    return message, True


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
    link_secret: str = "",
) -> OutboxMessage:
    """Queue one e-mail; return the existing row if this message was queued before.

    link_secret: the token of a personal link that the texts hold as LINK_PLACEHOLDER."""
    message, attachments = _new_message(
        {
            "kind": kind,
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "related": related,
            "revision": revision,
            "html_body": html_body,
            "attachments": attachments,
            "link_secret": link_secret,
        }
    )
    message, created = _queue_one(message, attachments)
    if created:
        _enqueue([message.pk])
    return message


def message_queue_for_new_object(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    related,
    html_body: str = "",
    link_secret: str = "",
) -> OutboxMessage:
    """Queue the first message about an object created in the caller's transaction.

    Its key (kind, the new object, recipient, no revision) cannot exist yet, so the row is
    written with one INSERT, without message_queue's look-up and savepoint; callers that hold
    a hot lock (a registration under the event lock) save those round trips. A duplicate key
    still fails loudly through the unique constraint.
    """
    message, _attachments = _new_message(
        {
            "kind": kind,
            "recipient": recipient,
            "subject": subject,
            "body": body,
            "related": related,
            "html_body": html_body,
            "link_secret": link_secret,
        }
    )
    message.save(force_insert=True)
    _enqueue([message.pk])
    return message


def _existing_keys(messages: list[OutboxMessage]) -> set[tuple]:
    kinds = {m.kind for m in messages}
    recipients = sorted({m.recipient for m in messages})
    keys: set[tuple] = set()
    for start in range(0, len(recipients), LOOKUP_CHUNK):
        keys.update(
            OutboxMessage.objects.filter(
                kind__in=kinds,
                recipient__in=recipients[start : start + LOOKUP_CHUNK],
                pruned_at__isnull=True,
            ).values_list("kind", "related_type_id", "related_id", "recipient", "revision")
        )
    return keys


def message_queue_bulk(messages: list[dict]) -> list[OutboxMessage]:
    """Queue many messages (each dict takes message_queue's arguments) in a bounded number of
    queries; messages queued before (or twice in the list) are skipped.

    Return the newly queued messages. On commit the drain sends them in batch tasks.
    """
    rows: list[tuple[OutboxMessage, tuple]] = []
    seen: set[tuple] = set()
    for spec in messages:
        message, attachments = _new_message(spec)
        if _key(message) in seen:
            continue
        seen.add(_key(message))
        rows.append((message, attachments))
    if not rows:
        return []
    existing = _existing_keys([m for m, _a in rows])
    rows = [(m, a) for m, a in rows if _key(m) not in existing]
    try:
        with transaction.atomic():
            created = OutboxMessage.objects.bulk_create([m for m, _a in rows], batch_size=500)
            stored = _stored_contents([att for _m, a in rows for att in a])
            OutboxAttachment.objects.bulk_create(
                [att for m, a in rows for att in _attachment_rows(m, a, stored)], batch_size=500
            )
    except IntegrityError:
        # Lost a race with a concurrent queueing of some of these messages: go one by one.
        created = []
        for message, attachments in rows:
            message.pk = None
            message._state.adding = True
            stored, was_created = _queue_one(message, attachments)
            if was_created:
                created.append(stored)
    _enqueue([m.pk for m in created])
    return created


def message_resend(*, message_id: int, actor=None) -> OutboxMessage:
    """Send a failed message again (staff action): a fresh set of attempts, enqueued on commit.

    A message with a personal link gets a new one from its kind's reissuer (the old link stops
    working); without a reissuer it cannot be sent again.
    """
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            raise DomainError(_("Diese Nachricht gibt es nicht."), code="not_found")
        if not message.can_resend:
            raise DomainError(
                _("Nur fehlgeschlagene Nachrichten können erneut gesendet werden."),
                code="not_failed",
            )
        if has_personal_link(message.body) or has_personal_link(message.html_body):
            reissue = link_reissuer(message.kind)
            if reissue is None:
                raise DomainError(
                    _(
                        "Diese Nachricht enthält einen persönlichen Link, der nicht neu "
                        "ausgestellt werden kann. Bitte lösen Sie den Versand dort neu aus, wo "
                        "er entstanden ist."
                    ),
                    code="no_reissue",
                )
            message.link_secret = reissue(message)
        message.status = OutboxMessage.Status.PENDING
        message.attempts = 0
        message.resend_count += 1
        message.next_attempt_at = timezone.now()
        message.sending_since = None
        message.save(
            update_fields=[
                "status",
                "attempts",
                "resend_count",
                "next_attempt_at",
                "sending_since",
                "link_secret",
            ]
        )
        logger.info("outbox: message %s queued again by %s", message.pk, actor)
        _enqueue([message.pk])
    return message


def messages_cancel_for_object(*, related, kind: str | None = None) -> int:
    """Withdraw the not yet sent messages about an object (e.g. a cancelled registration).

    Messages already handed to a worker ("sending") are left alone. Return how many were
    cancelled.
    """
    related_fields = _related_fields(related)
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update().filter(
            related_type=related_fields["related_type"],
            related_id=related_fields["related_id"],
            status__in=OutboxMessage.SENDABLE,
        )
        if kind:
            rows = rows.filter(kind=kind)
        ids = list(rows.values_list("pk", flat=True))
        return OutboxMessage.objects.filter(pk__in=ids).update(
            status=OutboxMessage.Status.CANCELLED, link_secret=""
        )


def messages_delete_for_objects(*, model, pks) -> int:
    """Delete every message about these objects of `model` and their admin log entries' names.

    For retention jobs that delete the objects themselves (an unconfirmed comment): its mails
    go with it, recipient address included. Return how many messages were deleted.
    """
    related_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    object_ids = [str(pk) for pk in pks]
    if not object_ids:
        return 0
    rows = OutboxMessage.objects.filter(related_type=related_type, related_id__in=object_ids)
    ids = list(rows.values_list("pk", flat=True))
    scrub_admin_log(OutboxMessage, ids)
    _attachments_delete(ids)
    return OutboxMessage.objects.filter(pk__in=ids).delete()[1].get(OutboxMessage._meta.label, 0)


PRUNE_BATCH = 1000


def outbox_prune(*, older_than_days: int, now=None) -> int:
    """Delete text, attachments and recipient of finished messages older than the retention.

    Finished: sent, failed or cancelled. The row (kind, object type and id, status, times)
    stays as a count of what was sent; the recipient address, the object's label (often a
    name), the last error (it may quote the address) and the names in the admin log go.
    A pruned row no longer keeps the same message from being queued again.
    Return how many messages were pruned.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=older_than_days)
    finished = [
        OutboxMessage.Status.SENT,
        OutboxMessage.Status.FAILED,
        OutboxMessage.Status.CANCELLED,
    ]
    pruned = 0
    while True:
        with transaction.atomic():
            ids = list(
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(status__in=finished, created_at__lt=cutoff, pruned_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:PRUNE_BATCH]
            )
            if not ids:
                # contents left by messages deleted elsewhere (an erased account's mails)
                AttachmentContent.objects.filter(
                    attachments__isnull=True, created_at__lt=cutoff
                ).delete()
                return pruned
            _attachments_delete(ids)
            pruned += OutboxMessage.objects.filter(pk__in=ids).update(
                body="",
                html_body="",
                link_secret="",
                recipient="",
                related_label="",
                last_error="",
                pruned_at=now,
            )
            scrub_admin_log(OutboxMessage, ids)
