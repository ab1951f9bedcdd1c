"""Logged-in pages under load, each compared with a bare Django page in the same run.

Run from the repository root:

    .venv/bin/python bench/logged_in.py                 # the demo data
    BENCH_SCALE=10 .venv/bin/python bench/logged_in.py  # the demo data, ten times over

gunicorn (3 sync workers, production mode) + PostgreSQL via bench/common.py, on the demo data
(`seed_demo`). BENCH_SCALE=n adds n-1 copies of the demo's meetings (with their agenda items),
votes, events, registrations, comments and outbox messages, so that every list the pages read
is n times as long; each scale has its own database (srp_bench_logged_in_x<n>).

Pages, at BENCH_CONCURRENCY clients each, after the bare page (one 20-row query, a small
template: bench/beteiligung_urls.py):

- the member's account settings, the smallest logged-in page (the floor every page pays:
  session, user, navigation, the base template);
- the member dashboard and the member meeting page (the next meeting), as a member;
- the staff dashboard and the staff registration list of the event with most registrations,
  as staff.

Target: each page >= 0.5 x the bare page's requests/s. The pages run BENCH_ROUNDS times (2),
each round after its own bare-page run, because the machine's speed varies from one minute to
the next; every ratio is taken against the bare page of its own round. Figures:
bench/out/logged_in_x<n>_*.json and bench/out/logged_in_x<n>_summary.json.

Environment: BENCH_SCALE (1), BENCH_REQUESTS (1000), BENCH_CONCURRENCY (16), BENCH_ROUNDS (2);
BENCH_REDIS_URL (bench/common.py) for a Redis database of your own, cleared before a run: the
scales share the cache otherwise (sessions and the versioned caches of public pages).
"""

import json
import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, Session, load, report, server  # noqa: E402

SCALE = max(1, int(os.environ.get("BENCH_SCALE", "1")))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
ROUNDS = max(1, int(os.environ.get("BENCH_ROUNDS", "2")))
PASSWORD = "demo-erfurt-2022"
MEMBER = "mitglied.dezernat-05@demo.erfurt-srp.de"
STAFF = "geschaeftsstelle@demo.erfurt-srp.de"
# Copies carry numbers from this offset on, so a second run finds them and adds none.
COPY_OFFSET = 100_000


def _copies(model, rows, count, change):
    """bulk_create `count` copies of each row; change(copy, k) adjusts copy k (1..count)."""
    new = []
    for k in range(1, count + 1):
        for row in rows:
            copy = model(
                **{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
            )
            copy.pk = None
            change(copy, k)
            new.append(copy)
    return model.objects.bulk_create(new, batch_size=2000)


def multiply_demo(scale: int) -> None:
    """Add scale-1 copies of the demo's meetings (with agenda items), votes (with options),
    events (with tables and programme), registrations, comments and outbox messages."""
    from django.db import transaction

    from beteiligung.models import Event, EventTable, ProgrammeItem, Registration
    from erfurt_srp.discussion.models import Comment
    from erfurt_srp.notifications.models import OutboxMessage
    from gremium.models import AgendaItem, Meeting, Vote, VoteOption

    if scale <= 1 or Meeting.objects.filter(number__gte=COPY_OFFSET).exists():
        return
    extra = scale - 1
    with transaction.atomic():
        meetings = list(Meeting.objects.all())
        items_of = {}
        for item in AgendaItem.objects.all():
            items_of.setdefault(item.meeting_id, []).append(item)
        for meeting in meetings:

            def new_meeting(copy, k, meeting=meeting):
                copy.number = meeting.number + COPY_OFFSET * k
                copy.uid = uuid.uuid4()

            copies = _copies(Meeting, [meeting], extra, new_meeting)
            for copy in copies:

                def onto(item, _k, copy=copy):
                    item.meeting_id = copy.pk

                _copies(AgendaItem, items_of.get(meeting.pk, []), 1, onto)

        options_of = {}
        for option in VoteOption.objects.all():
            options_of.setdefault(option.vote_id, []).append(option)
        for vote in list(Vote.objects.all()):
            for copy in _copies(Vote, [vote], extra, lambda c, k: None):

                def onto_vote(option, _k, copy=copy):
                    option.vote_id = copy.pk

                _copies(VoteOption, options_of.get(vote.pk, []), 1, onto_vote)

        for event in list(Event.objects.all()):
            tables = list(EventTable.objects.filter(event=event))
            programme = list(ProgrammeItem.objects.filter(event=event))
            registrations = list(Registration.objects.filter(event=event))

            def own_registrations(copy, k):
                copy.public_id = uuid.uuid4().hex if copy.public_id else None
                if copy.email:
                    copy.email = f"x{k}.{copy.email}"

            # The event's own list grows scale times, and so does the number of events.
            _copies(Registration, registrations, extra, own_registrations)

            def new_event(copy, k, event=event):
                copy.slug = f"{event.slug}-x{k}"[:80]

            for copy in _copies(Event, [event], extra, new_event):
                table_map = {}
                for table in tables:
                    (new_table,) = _copies(
                        EventTable, [table], 1, lambda t, _k, e=copy: setattr(t, "event_id", e.pk)
                    )
                    table_map[table.pk] = new_table.pk
                _copies(
                    ProgrammeItem,
                    programme,
                    1,
                    lambda p, _k, e=copy: setattr(p, "event_id", e.pk),
                )

                def onto_event(r, _k, e=copy, table_map=table_map):
                    r.event_id = e.pk
                    r.table_id = table_map.get(r.table_id)
                    r.public_id = uuid.uuid4().hex if r.public_id else None

                _copies(Registration, registrations, 1, onto_event)

        _copies(Comment, list(Comment.objects.all()), extra, lambda c, k: None)

        def new_revision(message, k):
            message.revision = f"{message.revision}x{k}"[:64]

        _copies(OutboxMessage, list(OutboxMessage.objects.all()), extra, new_revision)


def seed() -> None:
    from django.core.management import call_command

    call_command("seed_demo")
    multiply_demo(SCALE)


def page_urls() -> dict:
    from django.db.models import Count
    from django.utils import timezone

    from beteiligung.models import Event
    from gremium.models import Meeting

    meeting = (
        Meeting.objects.filter(state="published", start__gte=timezone.now(), number__lt=COPY_OFFSET)
        .order_by("start")
        .first()
    )
    event = Event.objects.annotate(n=Count("registrations")).order_by("-n", "pk").first()
    return {
        # The smallest logged-in page (a form, no lists): what every logged-in page pays.
        "member_settings": (MEMBER, "/konto/einstellungen/"),
        "member_dashboard": (MEMBER, "/dashboard/"),
        "member_meeting": (MEMBER, f"/gremium/sitzungen/{meeting.pk}/"),
        "staff_dashboard": (STAFF, "/dashboard/"),
        "staff_registrations": (STAFF, f"/beteiligung/verwaltung/{event.pk}/anmeldungen/"),
    }


def main() -> int:
    env = {
        # the bare comparison page (and static files without the manifest step)
        "DJANGO_SETTINGS_MODULE": "bench.beteiligung_settings",
    }
    prefix = f"logged_in_x{SCALE}"
    with server(seed=seed, env=env, database=f"srp_bench_{prefix}") as base_url:
        pages = page_urls()
        from django.db import connections

        connections.close_all()

        # Log in once per account and share the session cookie: parallel password hashes would
        # only measure PBKDF2, not the pages.
        cookies = {}
        for email in {MEMBER, STAFF}:
            session = Session(base_url, timeout=120)
            session.login(email, PASSWORD)
            cookies[email] = dict(session.cookies)
            for _name, (who, path) in pages.items():
                if who == email:
                    response = session.get(path)
                    if response.status != 200:
                        raise RuntimeError(f"{path} as {email}: HTTP {response.status}")

        def as_user(email):
            return lambda session: session.cookies.update(cookies[email])

        def run(name, path, setup=None):
            return report(
                name,
                load(base_url + path, requests=REQUESTS, concurrency=CONCURRENCY, setup=setup),
            )

        for email, path in pages.values():  # warm up every worker
            load(base_url + path, requests=30, concurrency=6, setup=as_user(email))
        rounds = []
        for r in range(1, ROUNDS + 1):
            bare = run(f"{prefix}_r{r}_bare_page", "/bench/bare/")
            figures = {"bare_rps": round(bare.rps, 1)}
            errors = bare.errors
            for name, (email, path) in pages.items():
                result = run(f"{prefix}_r{r}_{name}", path, setup=as_user(email))
                errors += result.errors
                figures[f"{name}_rps"] = round(result.rps, 1)
                figures[f"{name}_ratio"] = round(result.rps / bare.rps, 2)
            figures["errors"] = errors
            figures["load_average_1m"] = os.getloadavg()[0]
            rounds.append(figures)

    summary = {"scale": SCALE, "pages": {k: v[1] for k, v in pages.items()}, "rounds": rounds}
    print(json.dumps(summary, indent=2))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{prefix}_summary.json").write_text(json.dumps(summary, indent=2))
    for figures in rounds:
        for name in pages:
            if figures[f"{name}_ratio"] < 0.5:
                print(f"note: {name} at {figures[f'{name}_ratio']} x the bare page (target 0.5)")
    return 1 if any(f["errors"] for f in rounds) else 0


if __name__ == "__main__":
    sys.exit(main())
