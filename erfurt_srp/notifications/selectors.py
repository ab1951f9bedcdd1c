"""Read queries of the outbox. Lists never load bodies or attachment contents."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Length

from .models import OutboxAttachment, OutboxMessage

LIST_DEFERRED = ("body", "html_body", "link_secret")


def outbox_list(
    *,
    status: str = "",
    kind: str = "",
    related_type_id: int | None = None,
    related_id: str = "",
    recipient: str = "",
) -> QuerySet[OutboxMessage]:
    """Return outbox messages, newest first, filtered by the given criteria."""
    rows = OutboxMessage.objects.select_related("related_type").defer(*LIST_DEFERRED)
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if related_type_id:
        rows = rows.filter(related_type_id=related_type_id)
    if related_id:
        rows = rows.filter(related_id=related_id)
    if recipient:
        rows = rows.filter(recipient__icontains=recipient.strip())
    return rows.order_by("-created_at", "-id")


def outbox_get(*, message_id: int) -> OutboxMessage | None:
    """Return one message with its attachments' names and sizes (not their contents)."""
    attachments = (
        OutboxAttachment.objects.only("id", "message_id", "filename", "mimetype")
        .annotate(size=Length("stored__content"))
        .order_by("id")
    )
    return (
        OutboxMessage.objects.select_related("related_type")
        .defer("link_secret")
        .prefetch_related(Prefetch("attachments", queryset=attachments))
        .filter(pk=message_id)
        .first()
    )


def outbox_kinds() -> list[str]:
    return list(OutboxMessage.objects.order_by("kind").values_list("kind", flat=True).distinct())


def outbox_related_types() -> list[ContentType]:
    """Return the content types that have messages, for the object filter."""
    return list(
        ContentType.objects.filter(
            pk__in=OutboxMessage.objects.filter(related_type__isnull=False).values(
                "related_type_id"
            )
        ).order_by("app_label", "model")
    )


def _object_filter(obj) -> Q:
    related_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return Q(related_type=related_type, related_id=str(obj.pk))


def outbox_for_object(obj, *, kind: str | None = None) -> list[OutboxMessage]:
    """Return the messages about one object (who was sent what, when, which failed).

    Ordered by recipient, then newest first. Render with notifications/_object_outbox.html.
    """
    rows = OutboxMessage.objects.filter(_object_filter(obj)).defer(*LIST_DEFERRED)
    if kind:
        rows = rows.filter(kind=kind)
    return list(rows.order_by("recipient", "-created_at", "-id"))


def outbox_status_counts(obj=None) -> dict[str, int]:
    """Return {status: count} for one object, or for the whole outbox."""
    rows = OutboxMessage.objects.all()
    if obj is not None:
        rows = rows.filter(_object_filter(obj))
    counts = dict.fromkeys(OutboxMessage.Status.values, 0)
    for row in rows.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def outbox_problem_counts() -> dict[str, int]:
    """{"failed": n, "retrying": n}: only the rows in those states are read (status index)."""
    problems = (OutboxMessage.Status.FAILED, OutboxMessage.Status.RETRYING)
    counts = dict.fromkeys(problems, 0)
    rows = OutboxMessage.objects.filter(status__in=problems).values("status")
    for row in rows.annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def outbox_status_summary(obj=None) -> list[tuple[str, str, int]]:
    """Return [(status, label, count)] in life-cycle order, leaving out empty states."""
    counts = outbox_status_counts(obj)
    return [
        (value, label, counts[value])
        for value, label in OutboxMessage.Status.choices
        if counts[value]
    ]
