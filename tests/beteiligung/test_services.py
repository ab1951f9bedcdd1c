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
    assert registration.holds_place
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
    register(event, tables[0], email="Erika@Example.org")
    with pytest.raises(DomainError) as error:
        register(event, tables[1], email="erika@example.org")
    assert error.value.code == "duplicate" and error.value.field == "email"
    assert Registration.objects.count() == 1


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
    Registration.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
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


def test_a_group_holds_its_places_together_and_never_overfills(event, tables):
    group = register(event, tables[0], email="g@example.org", places=2)
    assert group.status == S.PENDING
    # table 0 (2 places) is now full: a single person waits
    with pytest.raises(DomainError) as error:
        register(event, tables[0], email="s@example.org")
    assert error.value.code == "table_full"
    # a group of 3 does not fit into the event's remaining 2 places
    big = register(event, tables[1], email="big@example.org", places=3, join_waiting_list=True)
    assert big.status == S.WAITING
    from beteiligung.selectors import held_places

    assert held_places(event_id=event.pk) == (2, {tables[0].pk: 2})


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


def test_a_group_too_big_for_the_free_places_is_told_how_many_are_left(event, tables):
    register(event, tables[0], email="a@example.org")
    with pytest.raises(DomainError) as error:
        register(event, tables[0], email="g@example.org", places=2)
    assert error.value.field == "places"
    assert "noch 1" in str(error.value)


def test_the_count_under_the_lock_agrees_with_the_selector(event, tables):
    """registration_create counts with plain SQL; selectors.held_places is the ORM form."""
    from beteiligung.selectors import held_places

    now = timezone.now()
    event.capacity = 20
    event.save()
    RegistrationFactory(event=event, table=tables[0], status=S.CONFIRMED, places=2)
    RegistrationFactory(
        event=event, table=tables[1], status=S.PENDING, expires_at=now + timedelta(minutes=5)
    )
    RegistrationFactory(
        event=event, table=tables[1], status=S.PENDING, expires_at=now - timedelta(minutes=1)
    )
    RegistrationFactory(event=event, table=tables[0], status=S.WAITING)
    RegistrationFactory(event=event, table=tables[0], status=S.CANCELLED)
    RegistrationFactory(event=event, table=None, status=S.CONFIRMED, places=3)
    RegistrationFactory(table=None, status=S.CONFIRMED)  # another event

    total, per_table, capacity = services._places_under_lock(event_id=event.pk, now=now)
    assert (total, per_table) == held_places(event_id=event.pk, now=now)
    assert (total, per_table) == (6, {tables[0].pk: 2, tables[1].pk: 1})
    assert capacity == {t.pk: t.capacity for t in tables}


def test_registration_decides_on_the_capacity_in_the_database_not_on_the_callers_copy(
    event, tables
):
    """The view passes a cached copy of the event and its tables; the lock re-reads them."""
    stale_event, stale_tables = event, list(tables)  # event 4 places, tables 2 + 2

    def register_with_copy(table, email, **kwargs):
        return services.registration_create(
            event_id=event.pk,
            name="Erika Muster",
            email=email,
            kind=Registration.Kind.CITIZEN,
            consent=True,
            table_id=table.pk,
            event=stale_event,
            tables=stale_tables,
            **kwargs,
        )

    type(tables[0]).objects.filter(pk=tables[0].pk).update(capacity=1)
    assert register_with_copy(tables[0], "a@example.org").status == S.PENDING
    with pytest.raises(DomainError) as error:
        register_with_copy(tables[0], "b@example.org")
    assert error.value.code == "table_full"

    type(event).objects.filter(pk=event.pk).update(capacity=1)
    with pytest.raises(DomainError) as error:
        register_with_copy(tables[1], "c@example.org")
    assert error.value.code == "full"

    # A table deleted after the copy was taken: a clear message, no database error.
    type(event).objects.filter(pk=event.pk).update(capacity=10)
    type(tables[1]).objects.filter(pk=tables[1].pk).delete()
    with pytest.raises(DomainError) as error:
        register_with_copy(tables[1], "d@example.org", join_waiting_list=True)
    assert error.value.field == "table"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("enabled, inside", [(True, "off"), (False, "on")])
def test_a_new_registration_commits_without_waiting_for_the_disk_flush(
    settings, monkeypatch, enabled, inside
):
    from django.db import connection, transaction

    from tests.beteiligung.factories import EventTableFactory

    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is a PostgreSQL setting")
    event = EventFactory(capacity=4)
    tables = [EventTableFactory(event=event, capacity=2)]
    settings.BETEILIGUNG_REGISTRATION_ASYNC_COMMIT = enabled
    seen = []

    def show():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(services, "_after_capacity_check", show)
    register(event, tables[0])
    show()  # SET LOCAL ends with the registration's transaction
    assert seen == [inside, "on"]
    # The confirmation, which makes the place count, commits synchronously.
    registration = Registration.objects.get()
    monkeypatch.setattr(services, "_lock_event", lambda *a, **k: show())
    services.registration_confirm(registration_id=registration.pk)
    assert seen[-1] == "on"
    # Inside a caller's transaction the setting would outlive the registration: not used.
    monkeypatch.setattr(services, "_after_capacity_check", show)
    with transaction.atomic():
        register(event, tables[0], email="other@example.org")
    assert seen[-1] == "on"


@pytest.mark.parametrize("guess", [True, False])
def test_a_wrong_guess_before_the_lock_is_corrected_in_row_and_e_mail(
    event, tables, monkeypatch, guess
):
    """The row and its e-mail are written before the lock with the likely outcome; the
    decision under the lock corrects both when the guess was wrong."""
    monkeypatch.setattr(services, "_places_look_free", lambda *args: guess)
    register(event, tables[0], email="a@example.org", join_waiting_list=True)
    register(event, tables[0], email="b@example.org", join_waiting_list=True)
    third = register(event, tables[0], email="c@example.org", join_waiting_list=True)
    statuses = dict(Registration.objects.filter(event=event).values_list("email", "status"))
    assert statuses == {
        "a@example.org": S.PENDING,
        "b@example.org": S.PENDING,
        "c@example.org": S.WAITING,  # table 0 has 2 places
    }
    assert third.status == S.WAITING and third.waiting_since is not None
    bodies = dict(
        OutboxMessage.objects.filter(kind="beteiligung.opt_in").values_list("recipient", "body")
    )
    waiting_text = "Zurzeit ist kein Platz frei"
    assert waiting_text in bodies["c@example.org"]
    assert waiting_text not in bodies["a@example.org"] + bodies["b@example.org"]
    for email in ("a@example.org", "b@example.org"):
        assert Registration.objects.get(email=email).waiting_since is None


def test_a_refused_registration_leaves_neither_row_nor_e_mail(event, tables, monkeypatch):
    monkeypatch.setattr(services, "_places_look_free", lambda *args: True)
    register(event, tables[0], email="a@example.org", places=2)
    with pytest.raises(DomainError) as error:
        register(event, tables[0], email="b@example.org")
    assert error.value.code == "table_full"
    assert not Registration.objects.filter(email="b@example.org").exists()
    assert not OutboxMessage.objects.filter(recipient="b@example.org").exists()


def test_the_guess_follows_the_last_outcome_at_the_same_table(event, tables, monkeypatch):
    from beteiligung import selectors

    services._last_outcome.clear()
    register(event, tables[0], email="a@example.org", places=2)
    third = register(event, tables[0], email="c@example.org", join_waiting_list=True)
    assert third.status == S.WAITING

    def no_cache_read(**kwargs):
        raise AssertionError("the last outcome is known: no count needed")

    monkeypatch.setattr(selectors, "event_availability", no_cache_read)
    now = timezone.now()
    assert services._places_look_free(event, tables[0], 1, now) is False
    # A group, or a table without a known outcome, asks the page's count instead.
    with pytest.raises(AssertionError):
        services._places_look_free(event, tables[1], 1, now)
