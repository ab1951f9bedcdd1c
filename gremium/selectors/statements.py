"""Reads for statement rounds: lists, the round of a subject, completeness."""

from dataclasses import dataclass

from django.db.models import Count

from erfurt_srp.accounts.roles import is_staff

from ..models import Institution, Membership, Statement, StatementRound
from ..permissions import (
    can_view_round,
    user_committee_ids,
)
from .common import subject_filter, visible_page


def statement_round_for_subject(subject, committee=None) -> StatementRound | None:
    qs = StatementRound.objects.filter(**subject_filter(subject)).select_related("committee")
    if committee is not None:
        qs = qs.filter(committee=committee)
    return qs.first()


def statement_round_list_for_user(user, *, status: str | None = None):
    qs = StatementRound.objects.select_related("committee").annotate(
        given_count=Count("statements", distinct=True),
        asked_count=Count("committee__institutions", distinct=True),
    )
    if status:
        qs = qs.filter(status=status)
    if not is_staff(user):
        qs = qs.filter(committee_id__in=user_committee_ids(user))
    return qs.order_by("-opened_at", "-id")


def visible_rounds(user, objects) -> list:
    return visible_page(user, objects, can_view_round)


@dataclass
class CompletenessRow:
    institution: Institution
    statement: Statement | None
    members: list[str]


def statement_completeness(statement_round: StatementRound) -> list[CompletenessRow]:
    """Every institution of the committee with its statement (or None) and its representatives."""
    institutions = list(statement_round.committee.institutions.order_by("name"))
    statements = {
        s.institution_id: s
        for s in Statement.objects.filter(round=statement_round).select_related("author")
    }
    people: dict[int, list[str]] = {}
    for membership in (
        Membership.objects.active()
        .filter(committee_id=statement_round.committee_id)
        .select_related("person")
        .order_by("-role", "person__last_name")  # member before deputy
    ):
        people.setdefault(membership.institution_id, []).append(
            f"{membership.person} ({membership.get_role_display()})"
        )
    return [
        CompletenessRow(institution=i, statement=statements.get(i.pk), members=people.get(i.pk, []))
        for i in institutions
    ]
