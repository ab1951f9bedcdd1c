"""Two transactions queue the same message at the same time: one row, both get it.

Needs PostgreSQL (the second insert waits on the unique index until the first commits).
"""

import threading

import pytest
from django.db import connection, connections, transaction

from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.services import message_queue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, available_apps=["erfurt_srp.notifications"]),
]


def test_concurrent_queueing_of_one_message_makes_one_row(mailoutbox):
    assert connection.vendor == "postgresql"
    first_inserted = threading.Event()
    results: dict[str, int] = {}
    errors: list[BaseException] = []

    def queue(name: str, hold: bool):
        try:
            with transaction.atomic():
                if not hold:
                    first_inserted.wait(5)
                message = message_queue(
                    kind="test.race",
                    recipient="same@example.org",
                    subject=f"von {name}",
                    body="x",
                    revision="1",
                )
                results[name] = message.pk
                if hold:
                    first_inserted.set()
                    # Keep the transaction open while the other one tries to insert.
                    threading.Event().wait(0.5)
        except BaseException as exc:  # surfaced in the main thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=queue, args=("a", True)),
        threading.Thread(target=queue, args=("b", False)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)

    assert errors == []
    assert results["a"] == results["b"]
    assert list(OutboxMessage.objects.values_list("subject", flat=True)) == ["von a"]
    # Only the transaction that created the row enqueued a send (eager here): one mail.
    assert len(mailoutbox) == 1
