"""Writes for committees: memberships (member, deputy) and the persons who hold them."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError

from ..models import (
    Committee,
    Institution,
    Membership,
    Person,
)
from .common import with_history


def institution_for_member(
    *, actor, person: Person, institution: Institution | None = None, name: str = "", kind: str = ""
) -> Institution:
    """What a new member represents: a listed institution, a new office, faction or organisation
    (name and kind), or themselves (kind "individual")."""
    if institution is not None:
        return institution
    if kind == Institution.Kind.INDIVIDUAL:
        return _personal_institution(actor, person)
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(
            _(
                "Bitte wählen Sie aus der Liste oder nennen Sie die neue Fraktion, das Amt oder die Organisation."
            ),
            field="new_institution_name",
        )
    if kind not in Institution.Kind.values:
        raise DomainError(_("Bitte wählen Sie die Art."), field="new_institution_kind")
    existing = Institution.objects.filter(name__iexact=name).first()
    if existing is not None:
        if existing.kind != kind:
            raise DomainError(
                _("„%(name)s“ gibt es bereits (Art: %(kind)s). Bitte wählen Sie es aus der Liste.")
                % {"name": existing.name, "kind": existing.get_kind_display()},
                field="new_institution_name",
            )
        return existing
    institution = with_history(Institution(name=name, kind=kind), actor)
    institution.full_clean()
    institution.save()
    return institution


def _personal_institution(actor, person: Person) -> Institution:
    """The person's own entry for memberships in which they represent only themselves."""
    own = (
        Institution.objects.filter(kind=Institution.Kind.INDIVIDUAL, memberships__person=person)
        .distinct()
        .first()
    )
    if own is not None:
        return own
    base = str(person)
    name, n = base, 1
    while Institution.objects.filter(name__iexact=name).exists():
        n += 1
        name = f"{base} ({n})"
    institution = with_history(
        Institution(name=name, short_name=base[:60], kind=Institution.Kind.INDIVIDUAL), actor
    )
    institution.save()
    return institution


def membership_create(
    *,
    actor,
    committee: Committee,
    person: Person,
    role: str,
    institution: Institution | None = None,
    institution_name: str = "",
    institution_kind: str = "",
    function: str = "",
    start_date: date | None = None,
) -> Membership:
    """Add a person to a committee for what they represent: a listed institution, or a new
    office, faction or organisation (`institution_name`, `institution_kind`), or themselves
    (`institution_kind="individual"`). Access starts on start_date."""
    start_date = start_date or timezone.localdate()
    with transaction.atomic():
        Committee.objects.select_for_update().get(pk=committee.pk)
        institution = institution_for_member(
            actor=actor,
            person=person,
            institution=institution,
            name=institution_name,
            kind=institution_kind,
        )
        clash = (
            Membership.objects.active(on=start_date)
            .filter(committee=committee, institution=institution, role=role)
            .exclude(person=person)
            .exists()
        )
        if clash:
            raise DomainError(
                _(
                    "„%(institution)s“ hat in diesem Gremium bereits eine aktive "
                    "Mitgliedschaft in dieser Rolle. Beenden oder ersetzen Sie sie zuerst."
                )
                % {"institution": institution.name},
                field="role",
            )
        if (
            Membership.objects.active(on=start_date)
            .filter(committee=committee, person=person)
            .exists()
        ):
            raise DomainError(
                _("Diese Person ist bereits Mitglied dieses Gremiums."), field="email"
            )
        membership = with_history(
            Membership(
                committee=committee,
                institution=institution,
                person=person,
                role=role,
                function=function.strip()[:200],
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
                % {"start": date_format(membership.start_date, "SHORT_DATE_FORMAT")},
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
        old = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("institution")
            .get(pk=membership.pk)
        )
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
                # a person who represented only themselves is replaced by one who does too
                institution_id=(
                    _personal_institution(actor, person).pk
                    if old.institution.is_individual
                    else old.institution_id
                ),
                person=person,
                role=old.role,
                function="" if old.institution.is_individual else old.function,
                start_date=start_date,
            ),
            actor,
        )
        new.full_clean()
        new.save()
        new.institution.committees.add(old.committee_id)
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
