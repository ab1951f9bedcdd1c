from django import template

from .. import selectors
from ..kinds import kind_label as _kind_label

register = template.Library()


@register.inclusion_tag("notifications/_object_outbox.html", takes_context=True)
def object_outbox(context, obj, kind=None):
    """{% object_outbox meeting %}: who was sent what about obj, when, and which sends failed."""
    return {
        "outbox_messages": selectors.outbox_for_object(obj, kind=kind),
        "request": context.get("request"),
        "user": context.get("user"),
    }


@register.filter
def outbox_counts(messages) -> list[tuple[str, int]]:
    """[(status label, count)] of the given messages, in life-cycle order, without zeros."""
    from ..models import OutboxMessage

    counts: dict[str, int] = {}
    for message in messages:
        counts[message.status] = counts.get(message.status, 0) + 1
    return [
        (label, counts[value]) for value, label in OutboxMessage.Status.choices if counts.get(value)
    ]


@register.filter
def kind_label(kind: str) -> str:
    """The human name of a message kind ("Absage einer Sitzung" for gremium.meeting.cancel)."""
    return _kind_label(kind)
