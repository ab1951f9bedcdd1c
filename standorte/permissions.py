"""Who may see and change what in standorte. Views call these first; selectors filter alike."""

from django.core.exceptions import PermissionDenied

from erfurt_srp.accounts.roles import is_staff


def can_manage(user) -> bool:
    """Staff and admins import data, edit projects, record decisions and export."""
    return is_staff(user)


def member_committee_ids(user) -> frozenset[int]:
    """Committees the user is an active member or deputy of: gremium's rule, query and
    per-request cache (no membership query of its own)."""
    from gremium.permissions import user_committee_ids

    return user_committee_ids(user)


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
