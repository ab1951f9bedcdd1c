"""gremium under load: the meeting list, a meeting page and the dashboard with 200 meetings of
demo-like data, on gunicorn (3 sync workers, production mode) + PostgreSQL.

Run: `.venv/bin/python bench/gremium.py` (or `make bench`). Figures: bench/out/gremium_*.json.
Environment: BENCH_REQUESTS (default 1000), BENCH_CONCURRENCY (default 20).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, report, server  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "20"))
MEETINGS = 200
MEMBER_EMAIL = "bench.member@example.org"
PASSWORD = "bench-erfurt-2022-pw"


def seed():
    """200 meetings of the Begleitgremium, 6 agenda items each (2 non-public), a paper per item
    and 3 comments per item; a member account. Idempotent."""
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from erfurt_srp.accounts.models import User
    from erfurt_srp.discussion.models import Comment
    from gremium.models import (
        AgendaItem,
        Committee,
        Consultation,
        Institution,
        Location,
        Meeting,
        Membership,
        Paper,
        Person,
    )

    committee, _ = Committee.objects.get_or_create(
        slug="begleitgremium",
        defaults={"name": "Begleitgremium integrierte Sozialraumplanung", "kind": "accompanying"},
    )
    user = User.objects.filter(email=MEMBER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=MEMBER_EMAIL, password=PASSWORD, first_name="Bench")
        EmailAddress.objects.create(user=user, email=MEMBER_EMAIL, verified=True, primary=True)
    institution, _ = Institution.objects.get_or_create(
        name="Amt für Soziales (Bench)", defaults={"kind": "administration"}
    )
    person, _ = Person.objects.get_or_create(
        email=MEMBER_EMAIL, defaults={"first_name": "Bench", "last_name": "Mitglied", "user": user}
    )
    Membership.objects.get_or_create(
        person=person, committee=committee, institution=institution, role="member"
    )
    if Meeting.objects.filter(committee=committee, number__gte=1000).count() >= MEETINGS:
        return
    location, _ = Location.objects.get_or_create(
        description="Rathaus Erfurt", defaults={"street_address": "Fischmarkt 1"}
    )
    now = timezone.now()
    meetings = Meeting.objects.bulk_create(
        Meeting(
            committee=committee,
            number=1000 + n,
            start=now + timedelta(days=n - 100, hours=2),
            end=now + timedelta(days=n - 100, hours=4),
            location=location,
            state=Meeting.State.PUBLISHED if n >= 100 else Meeting.State.HELD,
            published_at=now,
        )
        for n in range(MEETINGS)
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=m,
            order=i,
            name=f"Tagesordnungspunkt {i} der Sitzung {m.number}",
            public=i <= 4,
            text="Erläuterung " * 30,
        )
        for m in meetings
        for i in range(1, 7)
    )
    papers = Paper.objects.bulk_create(
        Paper(
            reference=f"{n}/{20 + n % 5}",
            name=f"Drucksache zum Punkt {n}",
            kind="information",
            public=item.public,
        )
        for n, item in enumerate(items, start=2000)
    )
    Consultation.objects.bulk_create(
        Consultation(
            paper=paper,
            agenda_item=item,
            meeting=item.meeting,
            committee=committee,
            public=item.public,
        )
        for paper, item in zip(papers, items, strict=True)
    )
    ct = ContentType.objects.get_for_model(AgendaItem)
    Comment.objects.bulk_create(
        Comment(target_type=ct, target_id=str(item.pk), author=user, body=f"Kommentar {k}")
        for item in items
        for k in range(3)
    )


def main() -> int:
    with server(seed=seed) as base_url:
        from django.db import connections

        from gremium.models import Meeting

        meeting_pk = (
            Meeting.objects.filter(number__gte=1000, state="published").order_by("start").first().pk
        )
        connections.close_all()
        meeting_url = f"{base_url}/gremium/sitzungen/{meeting_pk}/"
        list_url = f"{base_url}/gremium/sitzungen/"

        # Log in once and share the session cookie: 20 parallel password hashes would only
        # measure PBKDF2, not the pages.
        from bench.common import Session

        first = Session(base_url, timeout=120)
        first.login(MEMBER_EMAIL, PASSWORD)
        cookies = dict(first.cookies)

        def login(session):
            session.cookies.update(cookies)

        load(list_url, requests=50, concurrency=5)  # warm up
        results = [
            # the home page as a baseline for how busy the machine is
            report(
                "gremium_baseline_home",
                load(base_url + "/", requests=REQUESTS, concurrency=CONCURRENCY),
            ),
            report(
                "gremium_meeting_list_public",
                load(list_url, requests=REQUESTS, concurrency=CONCURRENCY),
            ),
            report(
                "gremium_meeting_public",
                load(meeting_url, requests=REQUESTS, concurrency=CONCURRENCY),
            ),
            report(
                "gremium_meeting_list_member",
                load(list_url, requests=REQUESTS, concurrency=CONCURRENCY, setup=login),
            ),
            report(
                "gremium_meeting_member",
                load(meeting_url, requests=REQUESTS, concurrency=CONCURRENCY, setup=login),
            ),
            report(
                "gremium_dashboard_member",
                load(
                    f"{base_url}/dashboard/",
                    requests=REQUESTS,
                    concurrency=CONCURRENCY,
                    setup=login,
                ),
            ),
        ]
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
