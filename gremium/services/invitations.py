"""Invitations of committee members (purpose "gremium.membership").

GremiumConfig.ready() registers `accept` and `describe` with accounts' invitation registry.
Payload: {"committee": id, "institution": id, "role": "member" | "deputy"}.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from erfurt_srp.accounts.models import Invitation
from erfurt_srp.accounts.services import invitation_create
from erfurt_srp.core.errors import DomainError

from ..models import Committee, Institution, Membership, Person

PURPOSE = "gremium.membership"


def _payload_objects(payload: dict):
    committee = Committee.objects.filter(pk=payload.get("committee")).first()
    institution = Institution.objects.filter(pk=payload.get("institution")).first()
    role = payload.get("role")
    return committee, institution, role


def describe(invitation: Invitation) -> str:
    committee, institution, role = _payload_objects(invitation.payload)
    if committee is None or institution is None or role not in Membership.Role.values:
        return ""
    return _("Rolle: %(role)s für %(institution)s im Gremium „%(committee)s“.") % {
        "role": Membership.Role(role).label,
        "institution": institution.name,
        "committee": committee.name,
    }


def accept(invitation: Invitation, user) -> None:
    """Link (or create) the gremium Person and start the membership today."""
    committee, institution, role = _payload_objects(invitation.payload)
    if committee is None or institution is None or role not in Membership.Role.values:
        raise DomainError(_("Diese Einladung kann nicht mehr angenommen werden."), code="broken")
    person = Person.objects.select_for_update().filter(email__iexact=invitation.email).first()
    if person is None:
        person = Person.objects.create(
            first_name=user.first_name or "",
            last_name=user.last_name or user.email,
            email=invitation.email,
            user=user,
        )
    elif person.user_id is None:
        person.user = user
        if user.first_name and user.last_name:
            person.first_name, person.last_name = user.first_name, user.last_name
        person.save(update_fields=["user", "first_name", "last_name"])
    elif person.user_id != user.pk:
        raise DomainError(_("Diese Person ist bereits mit einem anderen Konto verknüpft."))
    institution.committees.add(committee)
    already = (
        Membership.objects.active()
        .filter(person=person, committee=committee, institution=institution, role=role)
        .exists()
    )
    if not already:
        Membership.objects.create(
            person=person, committee=committee, institution=institution, role=role
        )


def membership_invitation_create(
    *, email: str, committee: Committee, institution: Institution, role: str, actor
) -> Invitation:
    """Invite a person by e-mail to represent an institution in a committee."""
    email = (email or "").strip().lower()
    if role not in Membership.Role.values:
        raise DomainError(_("Bitte wählen Sie eine Rolle."), field="role")
    with transaction.atomic():
        active = Membership.objects.active().filter(
            person__email__iexact=email, committee=committee, institution=institution, role=role
        )
        if active.exists():
            raise DomainError(
                _("Diese Person ist dort bereits in dieser Rolle Mitglied."), field="email"
            )
        open_invitations = [
            inv
            for inv in Invitation.objects.select_for_update().filter(
                email=email, purpose=PURPOSE, used_at__isnull=True
            )
            if inv.status == Invitation.Status.OPEN
            and inv.payload.get("committee") == committee.pk
            and inv.payload.get("institution") == institution.pk
            and inv.payload.get("role") == role
        ]
        if open_invitations:
            raise DomainError(
                _(
                    "Für diese Person besteht bereits eine offene Einladung in dieser Rolle. "
                    "Sie können sie in der Liste erneut senden."
                ),
                field="email",
            )
        return invitation_create(
            email=email,
            purpose=PURPOSE,
            payload={"committee": committee.pk, "institution": institution.pk, "role": role},
            actor=actor,
        )
