"""Event registrations' part of "my data" (matched by the account's e-mail address)."""

from django.utils.translation import gettext as _

from erfurt_srp.accounts.personal_data import record

from . import services
from .models import Registration


def _registrations(user):
    return Registration.objects.filter(email__iexact=user.email, anonymised_at__isnull=True)


def export_registrations(user) -> list[dict]:
    return [
        record(
            (_("Veranstaltung"), r.event.title),
            (_("Beginn"), r.event.starts_at),
            (_("Status"), r.get_status_display()),
            (_("Name"), r.name),
            (_("E-Mail"), r.email),
            (_("Organisation"), r.organisation),
            (_("Ich komme als"), r.get_kind_display()),
            (_("Thementisch"), r.table.title if r.table_id else ""),
            (_("Plätze"), r.places),
            (_("stufenloser Zugang"), r.needs_step_free),
            (_("Gebärdensprachdolmetschung"), r.needs_sign_language),
            (_("Induktionsschleife"), r.needs_induction_loop),
            (_("Sonstiger Bedarf"), r.needs_other),
            (_("Fassung der Datenschutzhinweise"), r.privacy_version),
            (_("Einwilligung am"), r.consent_at),
            (_("Sprache"), r.get_language_display()),
        )
        for r in _registrations(user).select_related("event", "table").order_by("created_at")
    ]


def erase_registrations(user) -> None:
    """Each registration as if deleted through its personal link: a held place is freed (the
    waiting list moves up), the anonymous row stays for the event's counts."""
    for registration_id in _registrations(user).values_list("pk", flat=True):
        services.registration_delete(registration_id=registration_id)
