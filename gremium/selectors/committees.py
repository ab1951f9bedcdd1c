"""Reads for committees and memberships."""

from ..models import (
    Committee,
    Membership,
)


def membership_for_user(user, committee_id: int) -> Membership | None:
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.active()
        .filter(person__user=user, committee_id=committee_id)
        .select_related("institution")
        .first()
    )


def committee_members(committee: Committee, *, include_ended: bool = False):
    qs = committee.memberships.select_related("person", "institution").order_by(
        "institution__name", "role", "-start_date"
    )
    if not include_ended:
        qs = qs.active()
    return qs
