"""A registrant reads every e-mail about the registration in the language of the page they
registered on, whoever's action (or which background job) sends it."""

from django.utils import translation

from beteiligung import services
from beteiligung.models import Registration
from erfurt_srp.notifications.models import OutboxMessage


def _register(event, table, email, language):
    with translation.override(language):
        return services.registration_create(
            event_id=event.pk,
            name="Erika Muster",
            email=email,
            kind=Registration.Kind.CITIZEN,
            consent=True,
            table_id=table.pk,
        )


def test_each_registrant_reads_the_language_they_registered_in(event, tables):
    english = _register(event, tables[0], "erika@example.org", "en")
    german = _register(event, tables[0], "max@example.org", "de")
    assert english.language == "en" and german.language == "de"

    opt_in = {m.recipient: m for m in OutboxMessage.objects.filter(kind="beteiligung.opt_in")}
    assert opt_in["erika@example.org"].subject.startswith("Please confirm your registration: ")
    assert opt_in["max@example.org"].subject.startswith("Bitte bestätigen Sie Ihre Anmeldung: ")

    # Confirmed later, from a page in the other language: the mail keeps the registrant's.
    with translation.override("de"):
        services.registration_confirm(registration_id=english.pk)
    with translation.override("en"):
        services.registration_confirm(registration_id=german.pk)
    confirmation = {
        m.recipient: m for m in OutboxMessage.objects.filter(kind="beteiligung.confirmation")
    }
    assert confirmation["erika@example.org"].subject.startswith("Registration confirmed: ")
    assert "Anmeldung" not in confirmation["erika@example.org"].body
    assert confirmation["max@example.org"].subject.startswith("Anmeldung bestätigt: ")
