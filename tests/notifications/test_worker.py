"""Integration: a REAL Celery worker (in-process thread pool) against the REAL Redis.

The data must be committed for the worker's own database connections to see it, hence
transaction=True. The worker consumes the `default` and `mail` queues of REDIS_URL's database.
"""

import contextlib
import os
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connections
from django.utils import timezone

from erfurt_srp.celery import app
from erfurt_srp.notifications import sending, tasks
from erfurt_srp.notifications.links import LINK_PLACEHOLDER
from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.services import message_queue, message_queue_bulk
from tests.dbsearch import rows_containing

# available_apps: the flush after each test truncates only the outbox tables. That is fast and
# leaves content types and permissions alone for the transactional tests that follow.
pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, available_apps=["erfurt_srp.notifications"]),
]

WAIT_SECONDS = 15


def _queues() -> tuple[str, str]:
    """("default", "mail"); under pytest-xdist one mail queue per test process, so that
    parallel test processes sharing one Redis database never take each other's tasks."""
    suffix = os.environ.get("PYTEST_XDIST_WORKER")
    return ("default", f"mail-{suffix}" if suffix else "mail")


class TaskLog:
    """Collect (task name, args, return value) of every task the worker finished."""

    def __init__(self):
        self.lock = threading.Lock()
        self.runs: list[tuple[str, tuple, object]] = []

    def __call__(self, sender=None, args=None, retval=None, **kwargs):
        # The worker keeps connections for reuse; close this worker thread's ones so none
        # outlives the test (the test database could not be dropped at the end).
        connections.close_all()
        with self.lock:
            self.runs.append((sender.name, tuple(args or ()), retval))

    def results(self, task, *args):
        with self.lock:
            return [r for name, a, r in self.runs if name == task.name and a == args]

    def wait_for(self, task, *args, count: int) -> list:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            found = self.results(task, *args)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        pytest.fail(
            f"worker ran {task.name}{args} {len(self.results(task, *args))}x, expected {count}x"
        )


WORKER_CONF = ("task_always_eager", "broker_url", "worker_hijack_root_logger", "task_routes")


@contextlib.contextmanager
def running_worker(monkeypatch):
    """Switch the app to the real broker, start a worker, restore the eager set-up afterwards."""
    broker = settings.REDIS_URL
    if not broker:
        pytest.fail("The worker tests need Redis: set REDIS_URL (make test and CI do).")
    queues = _queues()
    saved = {key: app.conf[key] for key in WORKER_CONF}
    # Real broker, no eager shortcut; keep pytest's log handlers on the root logger.
    app.conf.update(task_always_eager=False, broker_url=broker, worker_hijack_root_logger=False)
    if queues[1] != "mail":
        app.conf.update(task_routes={"erfurt_srp.notifications.tasks.*": {"queue": queues[1]}})
    # The Django fixup would run all system checks at worker start (manage.py check does that).
    monkeypatch.setenv("CELERY_SKIP_CHECKS", "1")
    log = TaskLog()
    task_postrun.connect(log, weak=False)
    try:
        with app.connection_for_write() as connection:
            for queue in queues:  # messages a crashed earlier run may have left behind
                connection.default_channel.queue_purge(queue)
        with start_worker(
            app,
            pool="threads",
            concurrency=2,
            perform_ping_check=False,
            queues=list(queues),
            shutdown_timeout=10,
        ):
            yield log
    finally:
        task_postrun.disconnect(log)
        app.conf.update(saved)


@pytest.fixture
def live_worker(monkeypatch):
    with running_worker(monkeypatch) as log:
        yield log


def test_a_message_delivered_twice_is_sent_exactly_once(live_worker):
    with mock.patch("erfurt_srp.notifications.services._enqueue"):  # no drain: send tasks only
        message = message_queue(
            kind="test.invitation",
            recipient="member@example.org",
            subject="Einladung zur Sitzung",
            body="Hallo",
        )
    tasks.enqueue_sends([message.pk])  # published to Redis at once (as the beat job does) ...
    tasks.enqueue_sends([message.pk])  # ... and the duplicate delivery

    results = live_worker.wait_for(tasks.outbox_send, message.pk, count=2)

    assert sorted(results) == ["sent", "skipped"]
    assert [m.subject for m in mail.outbox] == ["Einladung zur Sitzung"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1


def test_a_message_whose_worker_died_mid_send_is_requeued_and_sent_once(live_worker):
    with mock.patch("erfurt_srp.notifications.services._enqueue"):  # its first delivery ...
        message = message_queue(
            kind="test.reminder", recipient="member@example.org", subject="Erinnerung", body="x"
        )
    # ... died mid-send: the row was claimed long ago and never finished.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENDING,
        sending_since=timezone.now() - sending.STUCK_AFTER - timedelta(minutes=1),
        attempts=1,
    )

    tasks.outbox_retry_stuck.apply_async()  # the beat job finds it and enqueues a send
    assert live_worker.wait_for(tasks.outbox_retry_stuck, count=1) == [1]
    tasks.outbox_send.apply_async((message.pk,))  # and the broker redelivers the original

    results = live_worker.wait_for(tasks.outbox_send, message.pk, count=2)

    assert sorted(results) == ["sent", "skipped"]
    assert [m.subject for m in mail.outbox] == ["Erinnerung"]
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 2
    assert message.sending_since is None


def test_a_bulk_batch_delivered_twice_sends_each_message_once(live_worker):
    count = tasks.DIRECT_ENQUEUE_LIMIT + 10
    with mock.patch("erfurt_srp.notifications.services._enqueue"):  # no drain: batches only
        created = message_queue_bulk(
            [
                {"kind": "test.bulk", "recipient": f"g{i}@example.org", "subject": "S", "body": "B"}
                for i in range(count)
            ]
        )
    ids = [m.pk for m in created]
    tasks.outbox_send_batch.apply_async((ids,))  # a batch ...
    tasks.outbox_send_batch.apply_async((ids,))  # ... delivered a second time

    runs = live_worker.wait_for(tasks.outbox_send_batch, ids, count=2)

    # The two deliveries may run side by side and share the work; together they send each
    # message once and skip it once.
    assert sum(r["sent"] for r in runs) == count
    assert sum(r["skipped"] for r in runs) == count
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"g{i}@example.org" for i in range(count))
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}


def test_a_burst_of_messages_in_separate_transactions_is_drained_exactly_once(live_worker):
    """50 requests queue a message each: a few drains (not 50 sends) send every message once.

    The drain flag lives in the default cache, locmem under pytest: the worker runs as threads
    of this process, so the queueing code and the worker see the same flag (in production
    both use Redis).
    """
    count = 50
    release = threading.Event()
    read_pending = sending.pending_message_ids

    def busy_worker(**kwargs):
        # Hold each drain after it cleared the flag until the whole burst is committed, as a
        # busy worker would: the burst must then not publish a drain per message.
        release.wait(WAIT_SECONDS)
        return read_pending(**kwargs)

    with (
        mock.patch.object(sending, "pending_message_ids", side_effect=busy_worker),
        mock.patch.object(
            tasks.outbox_drain, "apply_async", wraps=tasks.outbox_drain.apply_async
        ) as drain,
    ):
        for i in range(count):  # autocommit: one transaction and one on_commit per message
            message_queue(kind="test.burst", recipient=f"p{i}@example.org", subject="S", body="B")
        published = drain.call_count
        release.set()
        deadline = time.monotonic() + WAIT_SECONDS
        while len(live_worker.results(tasks.outbox_drain)) < drain.call_count:
            if time.monotonic() > deadline:
                pytest.fail(f"{drain.call_count} drains published, not all of them ran")
            time.sleep(0.05)

    # The first drain, the one queued after it cleared the flag, the one queued after the
    # second cleared it; every later message found a queued drain. 2 worker threads.
    assert 1 <= published <= 3
    assert drain.call_count == published  # the drains themselves published no follow-up
    assert sum(live_worker.results(tasks.outbox_drain)) >= count  # they found every message
    assert live_worker.results(tasks.outbox_send) == []  # no per-message task
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{i}@example.org" for i in range(count))
    assert set(OutboxMessage.objects.values_list("status", "attempts")) == {("sent", 1)}
    assert cache.get(tasks.DRAIN_FLAG) is None


def test_a_personal_link_is_sent_once_and_then_gone_from_the_row(live_worker):
    secret = "Tok3n-only-in-the-mail"
    with mock.patch("erfurt_srp.notifications.services._enqueue"):
        message = message_queue(
            kind="test.invitation",
            recipient="member@example.org",
            subject="Ihr Link",
            body=f"Bitte hier entlang: https://example.org/link/{LINK_PLACEHOLDER}/",
            link_secret=secret,
        )
    tasks.enqueue_sends([message.pk])
    tasks.enqueue_sends([message.pk])

    assert sorted(live_worker.wait_for(tasks.outbox_send, message.pk, count=2)) == [
        "sent",
        "skipped",
    ]
    assert [m.body for m in mail.outbox] == [
        f"Bitte hier entlang: https://example.org/link/{secret}/"
    ]
    message.refresh_from_db()
    assert (message.status, message.link_secret) == (OutboxMessage.Status.SENT, "")
    assert rows_containing(secret) == []


def test_the_worker_set_up_is_undone_afterwards(monkeypatch):
    """The other tests switch the app to the real broker; the tests after them need it eager."""
    before = {key: app.conf[key] for key in WORKER_CONF}

    with running_worker(monkeypatch):
        assert (app.conf.task_always_eager, app.conf.broker_url) == (False, settings.REDIS_URL)

    assert {key: app.conf[key] for key in WORKER_CONF} == before
