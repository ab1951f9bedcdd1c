"""After self-deletion or the shredder, no table names or identifies the registrant; counts stay."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone

from beteiligung import services
from beteiligung.models import Registration
from tests.beteiligung.factories import EventTableFactory, InvitationCodeFactory
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def rows_mentioning(*needles) -> list[tuple[str, object, str]]:
    """(table, pk, field) of every row of every model whose text holds one of the needles."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for field in fields:
            value = Cast(field.attname, models.TextField())
            condition = Q()
            for needle in needles:
                condition |= Q(_text__icontains=needle)
            rows = model._base_manager.annotate(_text=value).filter(condition)
            found += [
                (model._meta.db_table, pk, field.name) for pk in rows.values_list("pk", flat=True)
            ]
    return found


def register_and_use(event, table, name, email, code=""):
    registration = services.registration_create(
        event_id=event.pk,
        name=name,
        email=email,
        organisation=f"Verein von {name}",
        kind="citizen",
        consent=True,
        table_id=table.pk,
        needs_sign_language=True,
        needs_step_free=True,
        needs_other=f"{name} braucht einen Platz nahe der Tür",
        invitation_code=code,
        client="192.0.2.7",
    )
    services.registration_confirm(registration_id=registration.pk)
    services.registration_check_in(registration_id=registration.pk, event_id=event.pk, present=True)
    staff = make_user(f"staff-{registration.pk}@example.org")
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(Registration),
        object_id=str(registration.pk),
        object_repr=str(Registration.objects.get(pk=registration.pk)),
        action_flag=CHANGE,
        change_message=f"Telefonisch: {name} kommt später",
    )
    return Registration.objects.get(pk=registration.pk)


@pytest.fixture
def invited_event(db):
    code = InvitationCodeFactory(label="Einladung für Wilhelmine Quastenberg", max_uses=5)
    table = EventTableFactory(event=code.event, capacity=5)
    return code.event, table, code.code


def test_self_deletion_leaves_nothing_that_names_the_person(invited_event):
    event, table, code = invited_event
    name, email = "Theodor Krummhübel", "theo.krummhuebel@example.org"
    registration = register_and_use(event, table, name, email, code)
    assert rows_mentioning(name, email)  # the search finds the person before

    services.registration_delete(registration_id=registration.pk)

    assert rows_mentioning(name, email) == []
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED and registration.places == 1
    assert not (registration.needs_sign_language or registration.needs_step_free)
    assert registration.checked_in_at is None and registration.invitation_id is None
    assert registration.client_key == "" and registration.public_id is None


def test_shredder_leaves_nothing_that_names_the_person_and_keeps_the_counts(invited_event):
    event, table, code = invited_event
    name, email = "Wilhelmine Quastenberg", "w.quastenberg@example.org"
    registration = register_and_use(event, table, name, email, code)
    assert rows_mentioning(name, email)

    log = services.registrants_shred(event_id=event.pk, now=event.ends_at + timedelta(days=1))

    assert rows_mentioning(name, email) == []
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert not (registration.needs_sign_language or registration.needs_step_free)
    assert registration.checked_in_at is None and registration.invitation_id is None
    assert log.counts["confirmed"] == 1 and log.counts["present"] == 1
    assert log.counts["sign_language"] == 1 and log.counts["step_free"] == 1
    assert log.counts["other"] == 1
    assert timezone.now() < event.ends_at  # the shredder ran as if after the event
