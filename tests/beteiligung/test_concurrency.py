"""Concurrent registrations against PostgreSQL: never more confirmed places than capacity.

Each thread has its own database connection and runs the real service. A sleep between the
availability check and the write widens the race window; the control test switches the lock
off and shows that the same load then overbooks, so these tests can fail.
"""

import threading
import time

import pytest
from django.db import connection, connections

from beteiligung import services
from beteiligung.models import Event, Registration
from tests.beteiligung.factories import EventFactory, EventTableFactory

S = Registration.Status
THREADS = 16

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite has none)"
    ),
]


def run_concurrently(funcs):
    barrier = threading.Barrier(len(funcs))
    errors = []

    def worker(func):
        try:
            barrier.wait()
            func()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(f,)) for f in funcs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def register_all(event, tables, n, places=1):
    def make(i):
        return lambda: services.registration_create(
            event_id=event.pk,
            name=f"Person {i}",
            email=f"person{i}@example.org",
            kind=Registration.Kind.CITIZEN,
            consent=True,
            table_id=tables[i % len(tables)].pk if tables else None,
            join_waiting_list=True,
            places=places,
        )

    return run_concurrently([make(i) for i in range(n)])


def confirm_all(event):
    ids = list(Registration.objects.filter(event=event).values_list("id", flat=True))
    return run_concurrently(
        [lambda pk=pk: services.registration_confirm(registration_id=pk) for pk in ids]
    )


@pytest.fixture
def slow_check(monkeypatch):
    monkeypatch.setattr(services, "_after_capacity_check", lambda: time.sleep(0.02))


def _counts(event):
    per_table = {}
    for table in event.tables.all():
        per_table[table.title] = (
            Registration.objects.filter(table=table, status=S.CONFIRMED).count(),
            table.capacity,
        )
    confirmed = Registration.objects.filter(event=event, status=S.CONFIRMED).count()
    waiting = Registration.objects.filter(event=event, status=S.WAITING).count()
    return confirmed, waiting, per_table


def test_concurrent_registrations_fill_event_and_tables_exactly_to_capacity(slow_check):
    # One test, two events (a transactional test's flush is the slow part).
    # Event-bound: 5 places, tables with room for 8.
    event = EventFactory(capacity=5)
    tables = [
        EventTableFactory(event=event, title="A", capacity=4),
        EventTableFactory(event=event, title="B", capacity=4),
    ]
    # Table-bound: tables with 3 and 2 places, the event has room for 50.
    event2 = EventFactory(capacity=50)
    tables2 = [
        EventTableFactory(event=event2, title="A", capacity=3),
        EventTableFactory(event=event2, title="B", capacity=2),
    ]
    assert register_all(event, tables, THREADS) == []
    assert Registration.objects.filter(event=event, status=S.PENDING).count() == 5
    assert register_all(event2, tables2, THREADS) == []
    assert confirm_all(event) == []
    assert confirm_all(event2) == []

    confirmed, waiting, per_table = _counts(event)
    assert confirmed == 5
    assert waiting == THREADS - 5
    assert all(n <= cap for n, cap in per_table.values())

    confirmed, waiting, per_table = _counts(event2)
    assert per_table == {"A": (3, 3), "B": (2, 2)}
    assert confirmed == 5 and waiting == THREADS - 5


def test_concurrent_group_confirmations_never_overfill(slow_check):
    """Unconfirmed groups hold one place each and take the rest when they confirm: the
    confirmations decide under the lock too."""
    event = EventFactory(capacity=7)
    assert register_all(event, [], THREADS, places=2) == []
    # A group is held while 2 places are free: 6 holds of one place each, 1 place left.
    assert Registration.objects.filter(event=event, status=S.PENDING).count() == 6
    assert confirm_all(event) == []
    confirmed = Registration.objects.filter(event=event, status=S.CONFIRMED)
    assert sum(confirmed.values_list("places", flat=True)) == 6  # three groups; 1 place left


def test_concurrent_registrations_of_one_address_store_one(slow_check):
    """Nothing looks the address up beforehand: the unique constraint refuses every second
    registration, and the owner gets one e-mail about them."""
    from erfurt_srp.notifications.models import OutboxMessage

    event = EventFactory(capacity=5)

    def make(i):
        return lambda: services.registration_create(
            event_id=event.pk,
            name=f"Person {i}",
            email="Erika@Example.org" if i % 2 else "erika@example.org",
            kind=Registration.Kind.CITIZEN,
            consent=True,
            join_waiting_list=True,
        )

    assert run_concurrently([make(i) for i in range(8)]) == []
    assert Registration.objects.filter(event=event).count() == 1
    kinds = list(OutboxMessage.objects.values_list("kind", flat=True).order_by("kind"))
    assert kinds == ["beteiligung.already_registered", "beteiligung.opt_in"]


def test_control_without_the_lock_the_same_load_overbooks(slow_check, monkeypatch):
    """Proves the tests above can fail: with the lock switched off, places are overbooked."""

    def read_without_lock(event_id, **_kwargs):
        return Event.objects.filter(pk=event_id).first()

    monkeypatch.setattr(services, "_lock_event", read_without_lock)
    event = EventFactory(capacity=5)
    tables = [
        EventTableFactory(event=event, title="A", capacity=4),
        EventTableFactory(event=event, title="B", capacity=4),
    ]
    assert register_all(event, tables, THREADS) == []
    holding = Registration.objects.filter(event=event, status=S.PENDING).count()
    assert holding > event.capacity
