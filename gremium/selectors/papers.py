"""Reads for papers (Drucksachen) and their consultations."""

from django.db.models import Q

from ..models import (
    AgendaItem,
    Consultation,
    Paper,
    PaperNumberSequence,
)
from ..permissions import (
    agenda_item_visibility_q,
    paper_visibility_q,
)


def paper_list_for_user(user, *, query: str = ""):
    qs = Paper.objects.select_related("committee")
    visible = paper_visibility_q(user)
    if visible is not None:
        qs = qs.filter(visible)
    if query:
        qs = qs.filter(Q(reference__icontains=query) | Q(name__icontains=query))
    return qs.order_by("-date", "-id")


def paper_consultations_for_user(user, paper: Paper) -> list[Consultation]:
    """The Beratungsfolge; links to agenda items only where the user may see the item."""
    consultations = list(
        paper.consultations.select_related(
            "committee", "meeting__committee", "agenda_item"
        ).order_by("position", "date", "id")
    )
    item_q = agenda_item_visibility_q(user)
    visible_items = None
    if item_q is not None:
        ids = [c.agenda_item_id for c in consultations if c.agenda_item_id]
        visible_items = set(
            AgendaItem.objects.filter(item_q, pk__in=ids).values_list("pk", flat=True)
        )
    for c in consultations:
        c.visible_item = (
            c.agenda_item
            if (c.agenda_item_id and (visible_items is None or c.agenda_item_id in visible_items))
            else None
        )
    return consultations


def paper_number_sequences():
    """Each year's Drucksache number sequence, newest year first."""
    return list(PaperNumberSequence.objects.order_by("-year"))
