"""Registration burst: 1,000 registrations for 200 places from 50 concurrent clients.

Run from the repository root:

    .venv/bin/python bench/beteiligung.py

gunicorn (3 sync workers, DJANGO_DEBUG=0) + PostgreSQL via bench/common.py. Phases:

1. burst: 1,000 POSTs of the public registration form (4 themed tables of 50 places, event
   capacity 200, the waiting-list box ticked) at 50 clients. Each answer must be the 302 to the
   "check your mail" page. Target: <= 5 s, 0 errors. The burst runs BENCH_BURST_RUNS times (3),
   each on a fresh event with cold workers' caches for it; the median run is reported as
   burst_seconds (all runs in burst_seconds_runs), because a shared machine's speed varies
   from one run to the next.
2. opt-in (on the last burst's event): every registrant follows the confirmation link from the e-mail in the outbox (POST on
   the confirm page), again at 50 clients. Double opt-in means a place counts only after this
   step, so "confirmed" is measured after it: it must be exactly 200 (50 per table), the other
   800 are on the waiting list with a confirmed e-mail address.
3. public pages: GETs of a bare Django page (one 20-row query, a small template; see
   bench/beteiligung_urls.py), of the public event page (programme, tables with free places,
   form) and of the event list, at 20 clients each, in the same run. Target: each public page
   >= 0.6 x the bare page's requests/s.

E-mail goes through the outbox as in production: the request writes the row in its transaction
and, after commit, asks for a drain of the outbox on the Redis broker (BENCH_REDIS_URL, default
redis://127.0.0.1:6379/4; one broker message per burst, see erfurt_srp.notifications.tasks), so
the web request never waits for SMTP. No mail worker runs here, so the figures are the web
side's alone; bench/outbox.py measures a real worker sending. The rate limit per address is
switched off for the server (BETEILIGUNG_RATE_LIMIT=0), as is the cap on places held by
unconfirmed registrations per client address (BETEILIGUNG_UNCONFIRMED_HOLDS_PER_CLIENT=0),
because every bench client comes from 127.0.0.1; tests/beteiligung/test_views_public.py proves
both.

Environment: BENCH_BURST (1000), BENCH_BURST_RUNS (3), BENCH_PLACES (200), BENCH_CONCURRENCY
(50), BENCH_PAGE_REQUESTS (2000), BENCH_PAGE_CONCURRENCY (20).
"""

import json
import os
import re
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, load, report, run_load, server  # noqa: E402

BURST = int(os.environ.get("BENCH_BURST", "1000"))
PLACES = int(os.environ.get("BENCH_PLACES", "200"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "50"))
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "2000"))
BURST_RUNS = int(os.environ.get("BENCH_BURST_RUNS", "3"))
PAGE_CONCURRENCY = int(os.environ.get("BENCH_PAGE_CONCURRENCY", "20"))
# Time budget per phase: every request must run, or the confirmed count would be short.
MAX_SECONDS = float(os.environ.get("BENCH_MAX_SECONDS", "900"))
TABLES = 4
SLUG = "bench-burst"
EVENT_URL = f"/beteiligung/{SLUG}/"
CONFIRM_RE = re.compile(r"/beteiligung/anmeldung/([^/\s]+)/bestaetigen/")

os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")


def seed() -> None:
    """Start from a clean event: the bench database is reused between runs."""
    from django.utils import timezone

    from beteiligung.models import Event, EventTable, ProgrammeItem
    from erfurt_srp.notifications.models import OutboxMessage

    OutboxMessage.objects.filter(kind__startswith="beteiligung.").delete()
    # No mail worker runs during the bench: drop what earlier runs left on the broker.
    from erfurt_srp.celery import app

    with app.connection_for_write() as conn:
        for queue in ("default", "mail"):
            conn.default_channel.queue_purge(queue)
    for event in Event.objects.filter(slug=SLUG):
        event.registrations.all().delete()
        event.delete()
    # The deleted rows of earlier runs stay as dead tuples when autovacuum is off; each run
    # would then start slower than the one before.
    from django.db import connection

    from beteiligung.models import Registration

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (OutboxMessage, Registration, Event, EventTable, ProgrammeItem):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    now = timezone.now()
    event = Event.objects.create(
        title="Lasttest: Beteiligungsveranstaltung",
        slug=SLUG,
        summary="Burst von Anmeldungen",
        description="Eine Veranstaltung für den Lasttest.",
        starts_at=now + timedelta(days=14),
        ends_at=now + timedelta(days=14, hours=4),
        venue="Rathaus Erfurt, Festsaal",
        address="Fischmarkt 1, 99084 Erfurt",
        accessibility_notes="Stufenloser Zugang über den Seiteneingang.",
        capacity=PLACES,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=13),
        published=True,
    )
    programme = [("09:00", "Begrüßung"), ("09:30", "Vortrag"), ("10:30", "Thementische")]
    for start, title in programme:
        ProgrammeItem.objects.create(event=event, starts_at=start, title=title)
    for i in range(TABLES):
        EventTable.objects.create(
            event=event, title=f"Thementisch {i + 1}", capacity=PLACES // TABLES, position=i
        )


def counts() -> dict:
    from django.db.models import Count

    from beteiligung.models import Registration

    rows = (
        Registration.objects.filter(event__slug=SLUG)
        .values_list("status", "table__title")
        .annotate(n=Count("id"))
        .order_by()
    )
    result: dict = {"by_status": {}, "confirmed_per_table": {}}
    for status, table, n in rows:
        result["by_status"][status] = result["by_status"].get(status, 0) + n
        if status == "confirmed":
            result["confirmed_per_table"][table] = n
    return result


def confirm_paths() -> list[str]:
    from erfurt_srp.notifications.links import fill_link
    from erfurt_srp.notifications.models import OutboxMessage

    rows = OutboxMessage.objects.filter(kind="beteiligung.opt_in").values_list(
        "body", "link_secret"
    )
    paths = []
    for body, secret in rows:
        # The row keeps the personal link's token apart from the text, as the sender does.
        match = CONFIRM_RE.search(fill_link(body, secret))
        if match:
            paths.append(match.group(0))
    return paths


def _gunicorn_cpu_seconds(base_url: str) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master and workers serving
    base_url. On a shared machine, wall-clock figures mostly measure the queue for the CPU;
    CPU seconds per request say what the code costs."""
    port = base_url.rsplit(":", 1)[-1]
    ticks = os.sysconf("SC_CLK_TCK")
    masters, total = set(), 0.0
    procs = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        procs[entry.name] = (cmdline, fields)
        if "gunicorn" in cmdline and f"127.0.0.1:{port}" in cmdline:
            masters.add(entry.name)
    for pid, (_cmdline, fields) in procs.items():
        parent = fields[1]
        if pid in masters or parent in masters:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def main() -> int:
    table_ids: list[int] = []

    def with_table_ids():
        seed()
        from beteiligung.models import EventTable

        table_ids.clear()
        table_ids.extend(
            EventTable.objects.filter(event__slug=SLUG)
            .order_by("position")
            .values_list("id", flat=True)
        )

    env = {
        "BETEILIGUNG_RATE_LIMIT": "0",
        "BETEILIGUNG_UNCONFIRMED_HOLDS_PER_CLIENT": "0",
        # see bench/beteiligung_settings.py (a missing leaflet source map breaks collectstatic)
        "DJANGO_SETTINGS_MODULE": "bench.beteiligung_settings",
    }
    with server(seed=with_table_ids, env=env) as base_url:
        load(base_url + EVENT_URL, requests=60, concurrency=6)  # warm up every worker
        cpu = [_gunicorn_cpu_seconds(base_url)]

        def register(session, i):
            return session.post(
                EVENT_URL,
                {
                    "name": f"Person {i}",
                    "email": f"person{i}@bench.example.org",
                    "organisation": "Lasttest e.V.",
                    "kind": "citizen",
                    "places": "1",
                    "table": str(table_ids[i % TABLES]),
                    "needs_step_free": "on" if i % 10 == 0 else "",
                    "join_waiting_list": "on",
                    "consent": "on",
                    "website": "",
                },
            )

        # A shared machine's speed varies from run to run: the burst runs
        # BURST_RUNS times, each on a fresh event, and the median run is the figure.
        runs = []
        for run in range(BURST_RUNS):
            if run:
                with_table_ids()  # a fresh event (the gunicorn workers see it at once)
            before = _gunicorn_cpu_seconds(base_url)
            result = report(
                f"beteiligung_burst_run{run + 1}",
                run_load(
                    base_url,
                    register,
                    requests=BURST,
                    concurrency=CONCURRENCY,
                    setup=lambda session: session.get(EVENT_URL),
                    ok=lambda status: status == 302,
                    max_seconds=MAX_SECONDS,
                ),
            )
            runs.append((result, _gunicorn_cpu_seconds(base_url) - before))
        burst, burst_cpu = sorted(runs, key=lambda r: r[0].duration)[len(runs) // 2]
        report("beteiligung_burst", burst)
        cpu.append(_gunicorn_cpu_seconds(base_url))
        after_burst = counts()
        paths = confirm_paths()

        def confirm(session, i):
            return session.post(paths[i])

        opt_in = report(
            "beteiligung_opt_in",
            run_load(
                base_url,
                confirm,
                requests=len(paths),
                concurrency=CONCURRENCY,
                setup=lambda session: session.get(EVENT_URL),
                ok=lambda status: status == 302,
                max_seconds=MAX_SECONDS,
            ),
        )
        cpu.append(_gunicorn_cpu_seconds(base_url))
        after_opt_in = counts()

        def pages(name, path):
            return report(
                name,
                load(
                    base_url + path,
                    requests=PAGE_REQUESTS,
                    concurrency=PAGE_CONCURRENCY,
                    max_seconds=MAX_SECONDS,
                ),
            )

        bare = pages("beteiligung_bare_page", "/bench/bare/")
        cpu.append(_gunicorn_cpu_seconds(base_url))
        page = pages("beteiligung_event_page", EVENT_URL)
        cpu.append(_gunicorn_cpu_seconds(base_url))
        event_list = pages("beteiligung_event_list", "/beteiligung/")

    confirmed = after_opt_in["by_status"].get("confirmed", 0)
    summary = {
        "burst_seconds": burst.duration,
        "burst_seconds_runs": [r.duration for r, _cpu in runs],
        "burst_errors": sum(r.errors for r, _cpu in runs),
        "burst_rps": round(burst.rps, 1),
        "held_after_burst": after_burst["by_status"].get("pending", 0),
        "waiting_after_burst": after_burst["by_status"].get("waiting", 0),
        "confirm_links": len(paths),
        "opt_in_seconds": opt_in.duration,
        "opt_in_errors": opt_in.errors,
        "opt_in_rps": round(opt_in.rps, 1),
        "confirmed": confirmed,
        "confirmed_per_table": after_opt_in["confirmed_per_table"],
        "waiting": after_opt_in["by_status"].get("waiting", 0),
        "bare_page_rps": round(bare.rps, 1),
        "event_page_rps": round(page.rps, 1),
        "event_page_ratio": round(page.rps / bare.rps, 2),
        "event_list_rps": round(event_list.rps, 1),
        "event_list_ratio": round(event_list.rps / bare.rps, 2),
        "page_errors": bare.errors + page.errors + event_list.errors,
        # gunicorn CPU milliseconds per request (PostgreSQL not included)
        "cpu_ms_per_registration": round(1000 * burst_cpu / max(1, burst.requests), 1),
        "cpu_ms_per_confirmation": round(1000 * (cpu[2] - cpu[1]) / max(1, opt_in.requests), 1),
        "cpu_ms_per_bare_page": round(1000 * (cpu[3] - cpu[2]) / max(1, bare.requests), 1),
        "cpu_ms_per_event_page": round(1000 * (cpu[4] - cpu[3]) / max(1, page.requests), 1),
        "load_average_1m": os.getloadavg()[0],
    }
    print(json.dumps(summary, indent=2, ensure_ascii=False))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "beteiligung_summary.json").write_text(json.dumps(summary, indent=2))
    ok = (
        all(r.errors == 0 and r.requests == BURST for r, _cpu in runs)
        and opt_in.errors == 0
        and bare.errors + page.errors + event_list.errors == 0
        and confirmed == PLACES
        and len(paths) == BURST
        and opt_in.requests == len(paths)
        and all(n <= PLACES // TABLES for n in after_opt_in["confirmed_per_table"].values())
    )
    if burst.duration > 5.0:
        print(f"note: burst took {burst.duration:.2f} s (target <= 5 s)")
    for name, result in (("event page", page), ("event list", event_list)):
        if result.rps < 0.6 * bare.rps:
            print(f"note: {name} {result.rps:.0f} req/s < 0.6 x bare page {bare.rps:.0f} req/s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
