"""Writes for committees: memberships (member, deputy) and the persons who hold them."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError

from ..models import (
    Committee,
    Institution,
    Membership,
    Person,
)
from .common import with_history


def membership_create(
    *,
    actor,
    committee: Committee,
    institution: Institution,
    person: Person,
    role: str,
    start_date: date | None = None,
) -> Membership:
    """Add a person to a committee for an institution. Access starts on start_date."""
    start_date = start_date or timezone.localdate()
    with transaction.atomic():
        Committee.objects.select_for_update().get(pk=committee.pk)
        clash = (
            Membership.objects.active(on=start_date)
            .filter(committee=committee, institution=institution, role=role)
            .exclude(person=person)
            .exists()
        )
        if clash:
            raise DomainError(
                _(
                    "Diese Institution hat in diesem Gremium bereits eine aktive "
                    "Mitgliedschaft in dieser Rolle. Beenden oder ersetzen Sie sie zuerst."
                ),
                field="role",
            )
        if (
            Membership.objects.active(on=start_date)
            .filter(committee=committee, person=person)
            .exists()
        ):
            raise DomainError(
                _("Diese Person ist bereits Mitglied dieses Gremiums."), field="person"
            )
        membership = with_history(
            Membership(
                committee=committee,
                institution=institution,
                person=person,
                role=role,
                start_date=start_date,
            ),
            actor,
        )
        membership.full_clean()
        membership.save()
        institution.committees.add(committee)
    return membership


def membership_end(*, actor, membership: Membership, end_date: date | None = None) -> Membership:
    """End a membership. From end_date on the person no longer sees internal items."""
    end_date = end_date or timezone.localdate()
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.end_date is not None and membership.end_date <= timezone.localdate():
            raise DomainError(_("Diese Mitgliedschaft ist bereits beendet."), field="end_date")
        if end_date < membership.start_date:
            raise DomainError(
                _("Das Ende darf nicht vor dem Beginn (%(start)s) liegen.")
                % {"start": membership.start_date.strftime("%d.%m.%Y")},
                field="end_date",
            )
        membership.end_date = end_date
        with_history(membership, actor).save(update_fields=["end_date"])
    return membership


def membership_replace(
    *, actor, membership: Membership, person: Person, start_date: date | None = None
) -> Membership:
    """Replace a member or deputy: the old membership ends the day the new one starts."""
    start_date = start_date or timezone.localdate()
    with transaction.atomic():
        old = Membership.objects.select_for_update().get(pk=membership.pk)
        if old.person_id == person.pk:
            raise DomainError(
                _("Bitte wählen Sie eine andere Person als die bisherige."), field="person"
            )
        if not old.is_active(on=start_date) and old.end_date is not None:
            raise DomainError(_("Diese Mitgliedschaft ist bereits beendet."), field="start_date")
        if start_date < old.start_date:
            raise DomainError(
                _("Die neue Mitgliedschaft kann nicht vor der bisherigen beginnen."),
                field="start_date",
            )
        old.end_date = start_date
        with_history(old, actor).save(update_fields=["end_date"])
        new = with_history(
            Membership(
                committee_id=old.committee_id,
                institution_id=old.institution_id,
                person=person,
                role=old.role,
                start_date=start_date,
            ),
            actor,
        )
        new.full_clean()
        new.save()
    return new


def person_get_or_create(*, actor, first_name: str, last_name: str, email: str) -> Person:
    email = email.strip().lower()
    person = Person.objects.filter(email__iexact=email).first()
    if person:
        return person
    person = with_history(
        Person(first_name=first_name.strip(), last_name=last_name.strip(), email=email), actor
    )
    person.full_clean()
    person.save()
    return person
