"""Outbox benchmark: bulk-queue N invitations in one request, then let a real worker send them.

    .venv/bin/python bench/outbox.py [--messages 2000] [--concurrency 2] [--pool prefork]

Needs PostgreSQL and Redis: BENCH_DATABASE_URL (default: its own database srp_bench_outbox on
127.0.0.1:5432, created and migrated if missing) and BENCH_REDIS_URL or REDIS_URL (default
redis://127.0.0.1:6379/0, as `make test`). It removes its own rows (kind "bench.*") before each
run, so it can be rerun. Mail goes to Django's locmem backend in the worker process: nothing
leaves the machine. Prints one line per figure and writes bench/out/outbox.json.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/srp_bench_outbox"
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
os.environ["REDIS_URL"] = os.environ.get(
    "BENCH_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erfurt_srp.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"


def _ensure_database(url: str) -> None:
    from urllib.parse import urlsplit

    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(scheme="postgresql", path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--pool", default="prefork", choices=["prefork", "threads", "solo"])
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    _ensure_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from erfurt_srp.celery import app
    from erfurt_srp.notifications.ics import CalendarEvent, calendar_uid, ics_attachment
    from erfurt_srp.notifications.models import OutboxMessage
    from erfurt_srp.notifications.services import message_queue_bulk

    call_command("migrate", verbosity=0)
    OutboxMessage.objects.filter(kind__startswith="bench.").delete()
    with app.connection_for_write() as conn:
        for queue in ("default", "mail"):
            conn.default_channel.queue_purge(queue)

    run = int(time.time())
    from datetime import datetime
    from zoneinfo import ZoneInfo

    event = CalendarEvent(
        uid=calendar_uid("bench", run),
        start=datetime(2022, 12, 2, 9, tzinfo=ZoneInfo("Europe/Berlin")),
        end=datetime(2022, 12, 2, 13, tzinfo=ZoneInfo("Europe/Berlin")),
        summary="Beteiligungsveranstaltung Sozialraumplanung",
        location="Rathaus Erfurt",
    )
    ics = ics_attachment(event)
    specs = [
        {
            "kind": "bench.invitation",
            "recipient": f"guest{i}@example.org",
            "subject": "Einladung zur Beteiligungsveranstaltung",
            "body": f"Guten Tag,\n\nSie sind eingeladen (Nr. {i}).\n",
            "revision": run,
            "attachments": [ics],
        }
        for i in range(args.messages)
    ]

    # 1. One "request": queue every invitation in one transaction, publish on commit.
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        with transaction.atomic():
            created = message_queue_bulk(specs)
            queued_at = time.perf_counter()
    committed = time.perf_counter()
    assert len(created) == args.messages, len(created)
    results = {
        "messages": args.messages,
        "bulk_queue_queries": len(queries.captured_queries),
        "bulk_queue_seconds": round(queued_at - started, 3),
        "commit_and_publish_seconds": round(committed - queued_at, 3),
    }
    print(
        f"bulk-queue {args.messages} invitations: {results['bulk_queue_queries']} queries, "
        f"{results['bulk_queue_seconds']} s, commit + publish {results['commit_and_publish_seconds']} s"
    )

    # 2. A real worker (separate process, as in production) sends them.
    worker = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "erfurt_srp",
            "worker",
            "-Q",
            "default,mail",
            "-P",
            args.pool,
            "-c",
            str(args.concurrency),
            "-l",
            "warning",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ, "CELERY_SKIP_CHECKS": "1"},
    )
    try:
        sent_first = None
        deadline = time.monotonic() + args.timeout
        rows = OutboxMessage.objects.filter(kind="bench.invitation", revision=str(run))
        while time.monotonic() < deadline:
            sent = rows.filter(status=OutboxMessage.Status.SENT).count()
            if sent and sent_first is None:
                sent_first = (time.perf_counter(), sent)
            if sent >= args.messages:
                break
            time.sleep(0.2)
        finished = time.perf_counter()
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    statuses = dict(rows.values_list("status").annotate(n=django.db.models.Count("id")).order_by())
    sent = statuses.get("sent", 0)
    if sent_first is None:
        print("worker sent nothing", statuses)
        return 1
    # Throughput from the first sent message on (leaves worker start-up out).
    first_at, first_count = sent_first
    rate = (sent - first_count) / max(finished - first_at, 1e-9)
    results.update(
        {
            "worker_pool": f"{args.pool} x{args.concurrency}",
            "sent": sent,
            "statuses": statuses,
            "max_attempts": max(rows.values_list("attempts", flat=True)),
            "seconds_commit_to_all_sent": round(finished - committed, 2),
            "messages_per_second": round(rate, 1),
        }
    )
    print(
        f"worker ({args.pool} x{args.concurrency}) sent {sent}/{args.messages}: "
        f"{results['messages_per_second']} messages/s, all sent {results['seconds_commit_to_all_sent']} s after commit, "
        f"max attempts {results['max_attempts']}"
    )
    print(json.dumps(results))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "outbox.json").write_text(json.dumps(results, indent=2))
    OutboxMessage.objects.filter(kind__startswith="bench.").delete()
    return 0 if sent == args.messages else 1


if __name__ == "__main__":
    sys.exit(main())
