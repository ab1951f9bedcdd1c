"""Invitation purposes: what accepting an invitation does.

Domain apps register a purpose in their AppConfig.ready():

    register_invitation_purpose(InvitationPurpose(
        key="gremium.membership",
        accept=lambda invitation, user: ...,   # runs inside the acceptance transaction
        describe=lambda invitation: "Mitglied für ... im Begleitgremium",
    ))

accounts never imports a domain app; the registry is filled from outside.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class InvitationPurpose:
    key: str
    accept: Callable  # accept(invitation, user) -> None; may raise DomainError
    describe: Callable = lambda invitation: ""  # describe(invitation) -> str, for mail and pages
    landing_url: Callable | None = None  # landing_url(invitation) -> str; default the dashboard


_purposes: dict[str, InvitationPurpose] = {}


def register_invitation_purpose(purpose: InvitationPurpose) -> None:
    _purposes[purpose.key] = purpose


def register_invitation_handler(key: str, handler: Callable, describe: Callable | None = None):
    """Short form: register purpose -> callable(invitation, user)."""
    register_invitation_purpose(
        InvitationPurpose(key=key, accept=handler, describe=describe or (lambda invitation: ""))
    )


def get_purpose(key: str) -> InvitationPurpose | None:
    return _purposes.get(key)


def purposes() -> dict[str, InvitationPurpose]:
    return dict(_purposes)
