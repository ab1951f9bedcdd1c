"""The committee's part of "my data": the person record linked to the account, its memberships,
statements and ballots. They are part of the committee's record (minutes, OParl) and stay when an
account is deleted; deleting the account only unlinks the person (Person.user is set to NULL)."""

from django.utils.translation import gettext as _

from erfurt_srp.accounts.personal_data import record

from .models import Ballot, Membership, Person, Statement


def export_person(user) -> list[dict]:
    person = Person.objects.filter(user=user).first()
    if person is None:
        return []
    items = [
        record(
            (_("Vorname"), person.first_name),
            (_("Nachname"), person.last_name),
            (_("E-Mail-Adresse"), person.email),
        )
    ]
    for membership in Membership.objects.filter(person=person).select_related(
        "committee", "institution"
    ):
        items.append(
            record(
                (_("Gremium"), membership.committee.name),
                (_("Institution"), membership.institution.name),
                (_("Rolle"), membership.get_role_display()),
                (_("Beginn"), membership.start_date),
                (_("Ende"), membership.end_date),
            )
        )
    for statement in Statement.objects.filter(author=person).order_by("created_at"):
        items.append(
            record(
                (_("Stellungnahme"), statement.text),
                (_("abgegeben am"), statement.created_at),
            )
        )
    for ballot in Ballot.objects.filter(person=person).select_related("vote"):
        items.append(record((_("Abstimmung"), ballot.vote.question)))
    return items


def erase_person(user) -> None:
    """Nothing to erase: the person's committee record stays (see the module docstring)."""
