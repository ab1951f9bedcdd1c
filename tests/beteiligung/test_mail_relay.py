"""A registration's e-mails before the address is confirmed carry no text the visitor typed:
whoever types a stranger's address cannot send that stranger a message from the city."""

import pytest

from beteiligung import services
from beteiligung.models import Registration
from erfurt_srp.notifications.models import OutboxMessage
from tests.outbox import sent_body

pytestmark = pytest.mark.django_db

MESSAGE = "Gewinn abholen auf https://betrug.example/preis"


def _register(event, table, **kwargs):
    data = {
        "event_id": event.pk,
        "name": MESSAGE,
        "email": "fremde@example.org",
        "kind": Registration.Kind.CITIZEN,
        "consent": True,
        "table_id": table.pk,
        "organisation": "Verein " + MESSAGE,
        "needs_other": "Bitte melden: " + MESSAGE,
    }
    data.update(kwargs)
    return services.registration_create(**data)


def _texts(kind: str) -> str:
    message = OutboxMessage.objects.filter(kind=kind).latest("created_at")
    return "\n".join([message.subject, message.body, message.html_body, sent_body(message)])


def test_the_opt_in_mail_greets_neutrally_and_holds_none_of_the_typed_text(event, tables):
    _register(event, tables[0])
    texts = _texts("beteiligung.opt_in")
    assert "Guten Tag," in texts
    assert "betrug.example" not in texts and "Gewinn" not in texts


def test_already_registered_mail_names_nobody_until_the_address_is_confirmed(event, tables):
    _register(event, tables[0])
    _register(event, tables[1], name="Noch einmal " + MESSAGE)
    texts = _texts("beteiligung.already_registered")
    assert "Guten Tag," in texts and "betrug.example" not in texts and "Gewinn" not in texts


def test_a_confirmed_registrant_is_greeted_by_name(event, tables):
    registration = _register(event, tables[0], name="Erika Muster")
    services.registration_confirm(registration_id=registration.pk)
    _register(event, tables[1], name="Jemand anders")
    texts = _texts("beteiligung.already_registered")
    assert "Guten Tag Erika Muster," in texts and "Jemand anders" not in texts
