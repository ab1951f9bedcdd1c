"""Two transactions queue the same message at the same time: one row, both get it.

Needs PostgreSQL: the second insert waits on the unique index until the first commits. The
first transaction commits only once PostgreSQL reports the second one waiting for that lock, so
the test always takes the branch it is about (the duplicate insert), never the plain look-up.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from erfurt_srp.notifications import services
from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.services import message_queue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, available_apps=["erfurt_srp.notifications"]),
]

WAIT_SECONDS = 15


def _wait_until_blocked_on_a_lock(backend_pid: int) -> bool:
    """Poll pg_stat_activity (own connection) until that backend waits for a lock."""
    deadline = time.monotonic() + WAIT_SECONDS
    with connections["default"].temporary_connection() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [backend_pid]
            )
            row = cursor.fetchone()
            if row and row[0] == "Lock":
                return True
    return False


def test_concurrent_queueing_of_one_message_makes_one_row(mailoutbox, monkeypatch):
    assert connection.vendor == "postgresql"
    first_inserted = threading.Event()
    second_pid: list[int] = []
    second_ready = threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []
    blocked: list[bool] = []
    lost_races: list[str] = []
    original_get = OutboxMessage.objects.get

    def counting_get(*args, **kwargs):  # the IntegrityError branch of services._queue_one
        lost_races.append(threading.current_thread().name)
        return original_get(*args, **kwargs)

    monkeypatch.setattr(services.OutboxMessage.objects, "get", counting_get)

    def queue(name: str):
        try:
            with transaction.atomic():
                if name == "b":
                    first_inserted.wait(WAIT_SECONDS)
                    second_pid.append(connection.connection.info.backend_pid)
                    second_ready.set()
                message = message_queue(
                    kind="test.race",
                    recipient="same@example.org",
                    subject=f"von {name}",
                    body="x",
                    revision="1",
                )
                results[name] = message.pk
                if name == "a":
                    first_inserted.set()
                    second_ready.wait(WAIT_SECONDS)
                    # Commit only once b's insert is waiting on a's uncommitted row.
                    blocked.append(_wait_until_blocked_on_a_lock(second_pid[0]))
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=queue, args=(n,), name=n) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS * 2)

    assert errors == []
    assert blocked == [True]
    assert lost_races == ["b"]  # b's insert failed on the unique index and read a's row
    assert results["a"] == results["b"]
    assert list(OutboxMessage.objects.values_list("subject", flat=True)) == ["von a"]
    # Only the transaction that created the row enqueued a send (eager here): one mail.
    assert len(mailoutbox) == 1
