from datetime import timedelta

import pytest
from django.utils import timezone

from beteiligung import services
from beteiligung.models import Registration
from beteiligung.privacy import privacy_version
from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.models import OutboxMessage
from tests.beteiligung.factories import EventFactory, InvitationCodeFactory, RegistrationFactory
from tests.outbox import sent_body

S = Registration.Status
pytestmark = pytest.mark.django_db


def register(event, table=None, **kwargs):
    data = {
        "event_id": event.pk,
        "name": "Erika Muster",
        "email": "erika@example.org",
        "kind": Registration.Kind.CITIZEN,
        "consent": True,
        "table_id": table.pk if table else None,
    }
    data.update(kwargs)
    return services.registration_create(**data)


def test_registration_holds_a_place_until_confirmed_and_stores_consent_version(event, tables):
    registration = register(event, tables[0], needs_sign_language=True)
    assert registration.status == S.PENDING
    assert Registration.objects.holding(timezone.now()).filter(pk=registration.pk).exists()
    assert registration.privacy_version == privacy_version()
    assert registration.expires_at > timezone.now()
    message = OutboxMessage.objects.get(kind="beteiligung.opt_in")
    assert message.recipient == "erika@example.org"
    assert registration.get_confirm_url() in sent_body(message)

    confirmed, changed = services.registration_confirm(registration_id=registration.pk)
    assert changed and confirmed.status == S.CONFIRMED
    mail = OutboxMessage.objects.get(kind="beteiligung.confirmation")
    assert mail.attachments.get().filename.endswith(".ics")
    assert b"BEGIN:VEVENT" in bytes(mail.attachments.get().content)
    assert registration.get_manage_url() in sent_body(mail)


def test_confirming_twice_changes_nothing_the_second_time(event, tables):
    registration = register(event, tables[0])
    services.registration_confirm(registration_id=registration.pk)
    again, changed = services.registration_confirm(registration_id=registration.pk)
    assert not changed and again.status == S.CONFIRMED
    assert OutboxMessage.objects.filter(kind="beteiligung.confirmation").count() == 1


def test_full_table_is_refused_without_waiting_list_and_queued_with_it(event, tables):
    register(event, tables[0], email="a@example.org")
    register(event, tables[0], email="b@example.org")
    with pytest.raises(DomainError) as error:
        register(event, tables[0], email="c@example.org")
    assert error.value.field == "table" and error.value.code == "table_full"
    waiting = register(event, tables[0], email="c@example.org", join_waiting_list=True)
    assert waiting.status == S.WAITING
    # the other table still has room
    assert register(event, tables[1], email="d@example.org").status == S.PENDING


def test_full_event_is_refused_without_waiting_list(event, tables):
    for i, table in enumerate([tables[0], tables[0], tables[1], tables[1]]):
        register(event, table, email=f"p{i}@example.org")
    with pytest.raises(DomainError) as error:
        register(event, tables[1], email="late@example.org")
    assert error.value.code == "full"


def test_closed_and_not_yet_open_windows_are_refused(event, tables):
    event.registration_closes_at = timezone.now() - timedelta(minutes=1)
    event.registration_opens_at = timezone.now() - timedelta(days=3)
    event.save()
    with pytest.raises(DomainError) as error:
        register(event, tables[0])
    assert error.value.code == "closed"
    event.registration_opens_at = timezone.now() + timedelta(days=1)
    event.registration_closes_at = timezone.now() + timedelta(days=2)
    event.save()
    with pytest.raises(DomainError, match="noch nicht geöffnet"):
        register(event, tables[0])


def test_same_email_cannot_hold_two_registrations_even_in_other_case(event, tables):
    first = register(event, tables[0], email="Erika@Example.org")
    again = register(event, tables[1], email="erika@example.org")
    assert again.pk is None and again.status == S.PENDING
    assert list(Registration.objects.values_list("pk", flat=True)) == [first.pk]


def test_an_address_freed_in_between_registers_afresh_with_a_fresh_decision(
    event, tables, monkeypatch
):
    """The unique constraint refuses the second registration of an address; if that address's
    registration is cancelled before the owner is looked up, the new one is decided again."""
    first = register(event, tables[0], email="erika@example.org")
    register(event, tables[0], email="max@example.org")  # the table is full now
    look_up = services._active_registration

    def cancelled_in_between(event_id, email):
        monkeypatch.setattr(services, "_active_registration", look_up)
        services.registration_cancel(registration_id=first.pk)
        return look_up(event_id, email)

    monkeypatch.setattr(services, "_active_registration", cancelled_in_between)
    again = register(event, tables[0], email="Erika@example.org", join_waiting_list=True)
    assert again.pk is not None and again.table == tables[0]
    assert again.status == S.PENDING and again.held_until and again.waiting_since is None
    assert not OutboxMessage.objects.filter(kind="beteiligung.already_registered").exists()
    assert OutboxMessage.objects.filter(kind="beteiligung.opt_in", related_id=str(again.pk))


def test_database_constraint_rejects_a_second_active_registration(event):
    from django.db import IntegrityError, transaction

    RegistrationFactory(event=event, email="x@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(event=event, email="X@example.org")
    # a cancelled registration does not block a new one
    RegistrationFactory(event=event, email="y@example.org", status=S.CANCELLED)
    RegistrationFactory(event=event, email="y@example.org")


def test_consent_is_required(event, tables):
    with pytest.raises(DomainError) as error:
        register(event, tables[0], consent=False)
    assert error.value.field == "consent"


def test_table_is_required_when_the_event_has_tables(event):
    with pytest.raises(DomainError) as error:
        register(event, None)
    assert error.value.field == "table"


def test_invited_only_event_needs_a_valid_unused_code(db):
    code = InvitationCodeFactory(max_uses=1)
    event = code.event
    with pytest.raises(DomainError) as error:
        register(event, invitation_code="WRONG")
    assert error.value.field == "invitation_code"
    registration = register(event, invitation_code=code.code.lower())
    assert registration.invitation == code
    with pytest.raises(DomainError, match="bereits"):
        register(event, email="other@example.org", invitation_code=code.code)


def test_cancellation_moves_the_first_confirmed_waiting_person_up_and_tells_them(event, tables):
    holders = [register(event, tables[0], email=f"h{i}@example.org") for i in range(2)]
    for h in holders:
        services.registration_confirm(registration_id=h.pk)
    first = register(event, tables[0], email="w1@example.org", join_waiting_list=True)
    second = register(event, tables[0], email="w2@example.org", join_waiting_list=True)
    unconfirmed = register(event, tables[0], email="w0@example.org", join_waiting_list=True)
    services.registration_confirm(registration_id=first.pk)
    services.registration_confirm(registration_id=second.pk)
    assert OutboxMessage.objects.filter(kind="beteiligung.waiting").count() == 2

    services.registration_cancel(registration_id=holders[0].pk)

    first.refresh_from_db()
    second.refresh_from_db()
    unconfirmed.refresh_from_db()
    assert first.status == S.CONFIRMED
    assert second.status == S.WAITING and unconfirmed.status == S.WAITING
    promoted = OutboxMessage.objects.get(kind="beteiligung.promoted")
    assert promoted.recipient == "w1@example.org"
    assert promoted.attachments.exists()
    assert OutboxMessage.objects.filter(kind="beteiligung.cancellation").count() == 1


def test_waiting_person_for_a_full_table_is_skipped_for_one_that_fits(event, tables):
    for i, table in enumerate([tables[0], tables[0], tables[1]]):
        r = register(event, table, email=f"h{i}@example.org")
        services.registration_confirm(registration_id=r.pk)
    last = register(event, tables[1], email="h3@example.org")
    services.registration_confirm(registration_id=last.pk)
    wants_full = register(event, tables[0], email="w1@example.org", join_waiting_list=True)
    wants_other = register(event, tables[1], email="w2@example.org", join_waiting_list=True)
    services.registration_confirm(registration_id=wants_full.pk)
    services.registration_confirm(registration_id=wants_other.pk)
    services.registration_cancel(registration_id=last.pk)  # frees a place at table 2
    wants_full.refresh_from_db()
    wants_other.refresh_from_db()
    assert wants_full.status == S.WAITING
    assert wants_other.status == S.CONFIRMED


def test_late_confirmation_after_hold_expired_queues_behind_the_waiting_list(event, tables):
    late = register(event, tables[0], email="late@example.org")
    Registration.objects.filter(pk=late.pk).update(held_until=timezone.now() - timedelta(seconds=1))
    other = register(event, tables[0], email="o@example.org")
    services.registration_confirm(registration_id=other.pk)
    # table 0 has one place left (late's hold ran out): late confirms and gets it
    late, changed = services.registration_confirm(registration_id=late.pk)
    assert changed and late.status == S.CONFIRMED


def test_expired_unconfirmed_registrations_are_anonymised_and_free_their_place(event, tables):
    holder = register(event, tables[0], email="h@example.org")
    register(event, tables[0], email="h2@example.org")
    waiter = register(event, tables[0], email="w@example.org", join_waiting_list=True)
    services.registration_confirm(registration_id=waiter.pk)
    Registration.objects.filter(pk=holder.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    assert services.registrations_expire() == 1

    holder.refresh_from_db()
    waiter.refresh_from_db()
    assert holder.status == S.EXPIRED and holder.email == "" and holder.public_id is None
    assert waiter.status == S.CONFIRMED
    assert not OutboxMessage.objects.filter(recipient="h@example.org").exists()
    with pytest.raises(DomainError) as error:
        services.registration_confirm(registration_id=holder.pk)
    assert error.value.code == "expired"


def test_change_table_checks_capacity_and_frees_the_old_seat(event, tables):
    a = register(event, tables[0], email="a@example.org")
    b = register(event, tables[1], email="b@example.org")
    c = register(event, tables[1], email="c@example.org")
    for r in (a, b, c):
        services.registration_confirm(registration_id=r.pk)
    with pytest.raises(DomainError) as error:
        services.registration_change_table(registration_id=a.pk, table_id=tables[1].pk)
    assert error.value.field == "table"
    services.registration_change_table(registration_id=b.pk, table_id=tables[0].pk)
    b.refresh_from_db()
    assert b.table == tables[0]
    assert OutboxMessage.objects.filter(kind="beteiligung.table_changed").count() == 1


def test_registrant_deletion_anonymises_frees_the_place_and_revokes_the_link(event, tables):
    a = register(event, tables[0], email="a@example.org", organisation="Träger e.V.")
    services.registration_confirm(registration_id=a.pk)
    token = a.make_token()
    services.registration_delete(registration_id=a.pk)
    a.refresh_from_db()
    assert (a.name, a.email, a.organisation, a.public_id) == ("", "", "", None)
    assert a.status == S.CANCELLED and a.anonymised_at
    assert not OutboxMessage.objects.filter(recipient="a@example.org").exists()
    from beteiligung.selectors import registration_by_token

    assert registration_by_token(token) is None


def test_more_places_on_save_move_the_waiting_list_up(event, tables):
    from beteiligung.forms import EventForm, ProgrammeFormSet, TableFormSet

    for i in range(2):
        r = register(event, tables[0], email=f"h{i}@example.org")
        services.registration_confirm(registration_id=r.pk)
    waiter = register(event, tables[0], email="w@example.org", join_waiting_list=True)
    services.registration_confirm(registration_id=waiter.pk)
    tables[0].capacity = 3
    tables[0].save()
    services.waiting_list_promote(event_id=event.pk)
    waiter.refresh_from_db()
    assert waiter.status == S.CONFIRMED
    assert EventForm and ProgrammeFormSet and TableFormSet


def test_signature_protects_personal_links(event):
    from beteiligung.selectors import registration_by_token

    registration = RegistrationFactory(event=event)
    token = registration.make_token()
    assert registration_by_token(token) == registration
    assert registration_by_token(registration.public_id + ".0000") is None
    assert registration_by_token("") is None
    assert registration_by_token("nonsense") is None


def test_event_without_published_flag_takes_no_registrations(db):
    event = EventFactory(published=False)
    with pytest.raises(DomainError):
        register(event)


def test_an_unconfirmed_group_holds_one_place_and_takes_the_rest_when_it_confirms(event, tables):
    group = register(event, tables[0], email="g@example.org", places=2)
    assert group.status == S.PENDING
    assert Registration.objects.filter(event=event).held_places(timezone.now()) == (
        1,
        {tables[0].pk: 1},
    )
    # a group of 4 does not fit into the event's remaining 3 places
    big = register(event, tables[1], email="big@example.org", places=4, join_waiting_list=True)
    assert big.status == S.WAITING
    group, _changed = services.registration_confirm(registration_id=group.pk)
    assert group.status == S.CONFIRMED
    assert Registration.objects.filter(event=event).held_places(timezone.now()) == (
        2,
        {tables[0].pk: 2},
    )


def test_a_group_that_no_longer_fits_when_it_confirms_joins_the_waiting_list(event, tables):
    group = register(event, tables[0], email="g@example.org", places=2)
    single = register(event, tables[0], email="s@example.org")  # the table's second place
    services.registration_confirm(registration_id=single.pk)
    group, _changed = services.registration_confirm(registration_id=group.pk)
    assert group.status == S.WAITING and group.email_confirmed_at
    assert OutboxMessage.objects.filter(kind="beteiligung.waiting", recipient="g@example.org")


def test_move_up_skips_a_group_that_does_not_fit_for_one_that_does(event, tables):
    event.capacity = 3
    event.save()
    tables[1].capacity = 3
    tables[1].save()
    holder = register(event, tables[0], email="h@example.org", places=2)
    other = register(event, tables[1], email="o@example.org")
    for r in (holder, other):
        services.registration_confirm(registration_id=r.pk)
    group = register(event, tables[1], email="g@example.org", places=2, join_waiting_list=True)
    single = register(event, tables[1], email="s@example.org", join_waiting_list=True)
    services.registration_confirm(registration_id=group.pk)
    services.registration_confirm(registration_id=single.pk)
    services.registration_cancel(registration_id=other.pk)  # frees 1 place at table 1
    group.refresh_from_db()
    single.refresh_from_db()
    assert group.status == S.WAITING and single.status == S.CONFIRMED
    services.registration_cancel(registration_id=holder.pk)  # frees 2 more: the group fits
    group.refresh_from_db()
    assert group.status == S.CONFIRMED


def test_counts_are_in_places(event, tables):
    from beteiligung.selectors import registration_counts

    RegistrationFactory(event=event, table=tables[0], places=2, checked_in_at=timezone.now())
    RegistrationFactory(event=event, table=tables[1], status=S.WAITING, places=3)
    counts = registration_counts(event=event)
    assert counts["confirmed"] == 2 and counts["present"] == 2 and counts["waiting"] == 3
    assert [t.n_confirmed for t in counts["tables"]] == [2, 0]


def test_counts_add_up_every_figure_per_status_kind_table_and_need(event, tables):
    from beteiligung.selectors import registration_counts

    now = timezone.now()
    K = Registration.Kind
    wohnen, bildung = tables
    RegistrationFactory(event=event, table=wohnen, places=2, checked_in_at=now, kind=K.PRESS)
    RegistrationFactory(event=event, table=wohnen, needs_step_free=True, needs_other="Begleithund")
    RegistrationFactory(event=event, table=bildung, places=3, needs_sign_language=True)
    RegistrationFactory(event=event, table=None, kind=K.PROVIDER, needs_induction_loop=True)
    RegistrationFactory(event=event, table=None, kind=K.PROVIDER, checked_in_at=now)
    RegistrationFactory(
        event=event, table=bildung, status=S.WAITING, places=4, needs_step_free=True
    )
    RegistrationFactory(event=event, table=None, status=S.WAITING, places=2)
    RegistrationFactory(event=event, table=wohnen, status=S.PENDING, places=2)
    RegistrationFactory(event=event, status=S.PENDING, kind=K.PRESS)
    RegistrationFactory(event=event, table=wohnen, status=S.CANCELLED, places=5)
    RegistrationFactory(event=event, status=S.CANCELLED, needs_step_free=True)
    RegistrationFactory(event=event, table=bildung, status=S.EXPIRED, places=2)
    RegistrationFactory(event=EventFactory(), places=7, needs_step_free=True, checked_in_at=now)

    counts = registration_counts(event=event)

    assert {key: counts[key] for key in ("confirmed", "pending", "waiting", "present")} == {
        "confirmed": 8,
        "pending": 3,
        "waiting": 6,
        "present": 3,
    }
    # Cancelled and expired registrations are counted as registrations, not places.
    assert (counts["cancelled"], counts["expired"]) == (2, 1)
    # Needs count confirmed registrations only.
    assert [(key, n) for key, _label, n in counts["needs"]] == [
        ("step_free", 1),
        ("sign_language", 1),
        ("induction_loop", 1),
        ("other", 1),
    ]
    assert [(str(label), n) for label, n in counts["by_kind"]] == [
        (str(K.CITIZEN.label), 4),
        (str(K.PROVIDER.label), 2),
        (str(K.INSTITUTION.label), 0),
        (str(K.ADMINISTRATION.label), 0),
        (str(K.COUNCIL.label), 0),
        (str(K.PRESS.label), 2),
    ]
    assert [
        (t.title, t.capacity, t.n_confirmed, t.n_waiting, t.n_present) for t in counts["tables"]
    ] == [("Wohnen", 2, 3, 0, 2), ("Bildung", 2, 3, 4, 0)]
    assert counts["attendance_rate"] == 38


def test_a_group_too_big_for_the_free_places_is_told_how_many_are_left(event, tables):
    register(event, tables[0], email="a@example.org")
    with pytest.raises(DomainError) as error:
        register(event, tables[0], email="g@example.org", places=2)
    assert error.value.field == "places"
    assert "noch 1" in str(error.value)


def test_the_one_rule_counts_confirmed_groups_and_one_place_per_running_hold(event, tables):
    now = timezone.now()
    event.capacity = 20
    event.save()
    RegistrationFactory(event=event, table=tables[0], status=S.CONFIRMED, places=2)
    RegistrationFactory(
        event=event,
        table=tables[1],
        status=S.PENDING,
        places=3,
        held_until=now + timedelta(minutes=5),
    )
    RegistrationFactory(
        event=event, table=tables[1], status=S.PENDING, held_until=now - timedelta(minutes=1)
    )
    RegistrationFactory(event=event, table=tables[1], status=S.PENDING, held_until=None)
    RegistrationFactory(event=event, table=tables[0], status=S.WAITING)
    RegistrationFactory(event=event, table=tables[0], status=S.CANCELLED)
    RegistrationFactory(event=event, table=None, status=S.CONFIRMED, places=3)
    RegistrationFactory(table=None, status=S.CONFIRMED)  # another event

    held = Registration.objects.filter(event=event).held_places(now)
    assert held == (6, {tables[0].pk: 2, tables[1].pk: 1})
    from beteiligung.selectors import event_availability, event_list_public

    assert event_availability(event=event, now=now)[0] == 20 - 6
    assert event_list_public(now=now).get(pk=event.pk).held == 6
    from beteiligung.selectors import event_list_staff

    assert event_list_staff().get(pk=event.pk).n_held == 6
    # An event whose registrations hold no place (here: only a waiting one) holds 0.
    waiting_only = RegistrationFactory(table=None, status=S.WAITING).event
    assert event_list_staff().get(pk=waiting_only.pk).n_held == 0


def test_registration_commits_durably(event, tables, monkeypatch):
    """A registration the visitor is told about survives a database crash."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL (synchronous_commit).")
    seen = []

    def show():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(services, "_after_capacity_check", show)
    register(event, tables[0])
    assert seen == ["on"]


def test_a_refused_registration_leaves_neither_row_nor_e_mail(event, tables):
    register(event, tables[0], email="a@example.org", places=2)
    services.registration_confirm(registration_id=Registration.objects.get().pk)
    with pytest.raises(DomainError) as error:
        register(event, tables[0], email="b@example.org")
    assert error.value.code == "table_full"
    assert not Registration.objects.filter(email="b@example.org").exists()
    assert not OutboxMessage.objects.filter(recipient="b@example.org").exists()
