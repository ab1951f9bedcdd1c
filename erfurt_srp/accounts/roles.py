"""Roles of the platform and the one place that derives them.

The role "member" is derived from gremium's membership rule, not from a second one: accounts
must not import gremium (every app depends on erfurt_srp, never the reverse; see
docs/architecture.md), so GremiumConfig.ready() registers gremium's own predicate
(gremium.permissions.user_has_active_membership) with `register_member_check`, and
`is_committee_member` asks the registered checks. Whether a user is a member of one committee is
gremium.permissions.is_committee_member(user, committee_id).
"""

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.errors import DomainError


class Role(models.TextChoices):
    ADMIN = "admin", _("Administration")
    STAFF = "staff", _("Geschäftsstelle")
    MEMBER = "member", _("Gremiumsmitglied")
    PUBLIC = "public", _("Registrierte Person")
    ANONYMOUS = "anonymous", _("Nicht angemeldet")


_member_checks: list[Callable] = []


def register_member_check(check: Callable) -> None:
    """Register a callable(user) -> bool that says whether a user holds an active membership."""
    if check not in _member_checks:
        _member_checks.append(check)


def is_committee_member(user) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_srp_is_member", None)
    if cached is None:
        cached = any(check(user) for check in _member_checks)
        user._srp_is_member = cached
    return cached


def is_staff(user) -> bool:
    """Staff of the Geschäftsstelle or admin: may prepare meetings, rounds, events."""
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser) and user.is_active)


def require_staff(actor) -> None:
    """The check every staff-only service makes first (views use the staff_required decorator)."""
    if actor is None or not is_staff(actor):
        raise DomainError(_("Nur die Geschäftsstelle darf das."), code="forbidden")


def role_of(user) -> Role:
    if not user.is_authenticated:
        return Role.ANONYMOUS
    if user.is_superuser:
        return Role.ADMIN
    if user.is_staff:
        return Role.STAFF
    if is_committee_member(user):
        return Role.MEMBER
    return Role.PUBLIC
