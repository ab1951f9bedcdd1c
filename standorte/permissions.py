"""Who may see and change what in standorte. Views call these first; selectors filter alike."""

from django.core.exceptions import PermissionDenied

from erfurt_srp.accounts.roles import is_staff


def can_manage(user) -> bool:
    """Staff and admins import data, edit projects, record decisions and export."""
    return is_staff(user)


def member_committee_ids(user) -> set[int]:
    """Committees the user is an active member or deputy of (cached on the user object)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_standorte_committee_ids", None)
    if cached is None:
        from gremium.models import Membership

        cached = set(
            Membership.objects.active()
            .filter(person__user=user)
            .values_list("committee_id", flat=True)
        )
        user._standorte_committee_ids = cached
    return cached


def can_see_project(user, project) -> bool:
    return (
        project.is_public or can_manage(user) or project.committee_id in member_committee_ids(user)
    )


def can_deliberate(user, project) -> bool:
    """Members of the project's committee and staff see the deliberation."""
    return can_manage(user) or project.committee_id in member_committee_ids(user)


def can_see_deliberation(user, deliberation) -> bool:
    return can_deliberate(user, deliberation.project)


def can_see_recommendation(user, recommendation) -> bool:
    if can_manage(user):
        return True
    if recommendation.public and recommendation.project.is_public:
        return True
    return recommendation.project.committee_id in member_committee_ids(user)


def require_manage(user) -> None:
    """Views wrap this in login_required, so anonymous users are sent to the login first."""
    if not can_manage(user):
        raise PermissionDenied
