"""Votes under load: members casting and changing ballots in parallel, the vote page, the list.

Run: `.venv/bin/python bench/votes.py` (or `make bench`). Figures: bench/out/votes_*.json.
Environment: BENCH_REQUESTS (default 600), BENCH_CONCURRENCY (default 12).

Seeds a committee of 18 institutions (member + deputy each) and a fresh open vote per run on the
bench database, then checks afterwards that every voting institution holds exactly one ballot.
"""

import itertools
import os
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import report, run_load, server  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "600"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "12"))
PASSWORD = "bench-votes-2022"
INSTITUTIONS = 18
STATE: dict = {}


def seed():
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from erfurt_srp.accounts.models import User
    from gremium.models import Committee, Institution, Membership, Person
    from gremium.services import votes as vote_services

    def user(email, **flags):
        account, created = User.objects.get_or_create(email=email, defaults=flags)
        if created:
            account.set_password(PASSWORD)
            account.save()
        EmailAddress.objects.get_or_create(
            user=account, email=email, defaults={"verified": True, "primary": True}
        )
        return account

    committee, _ = Committee.objects.get_or_create(
        slug="bench-votes", defaults={"name": "Bench Begleitgremium", "kind": "accompanying"}
    )
    members = []
    for i in range(INSTITUTIONS):
        institution, _ = Institution.objects.get_or_create(
            name=f"Bench Institution {i:02d}", defaults={"kind": "administration"}
        )
        institution.committees.add(committee)
        for role in ("member", "deputy"):
            email = f"bench-{role}-{i:02d}@example.org"
            account = user(email)
            person, _ = Person.objects.get_or_create(
                email=email, defaults={"first_name": role, "last_name": f"{i:02d}", "user": account}
            )
            Membership.objects.get_or_create(
                person=person, committee=committee, institution=institution, role=role
            )
            if role == "member":
                members.append(email)
    staff = user("bench-staff@example.org", is_staff=True)
    vote = vote_services.vote_open(
        committee=committee,
        subject=committee,
        question=f"Bench-Abstimmung {timezone.now():%H:%M:%S}",
        deadline=timezone.now() + timedelta(days=1),
        requires_complete_statement_round=False,
        actor=staff,
        notify=False,
    )
    STATE.update(
        vote_id=vote.pk,
        members=members,
        options=list(vote.options.values_list("pk", flat=True)),
    )


def _logins():
    cycle = itertools.cycle(STATE["members"])
    lock = threading.Lock()

    def setup(session):
        with lock:
            email = next(cycle)
        session.login(email, PASSWORD)

    return setup


def check_integrity() -> bool:
    from django.db.models import Count

    from gremium.models import Ballot

    per_voter = (
        Ballot.objects.filter(vote_id=STATE["vote_id"])
        .values("voter_key")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = [row["n"] for row in per_voter]
    print(
        f"integrity: {len(counts)} voting institutions, max ballots per institution {max(counts)}"
    )
    return bool(counts) and max(counts) == 1


def main() -> int:
    with server(seed=seed) as base_url:
        vote_url = f"/gremium/abstimmungen/{STATE['vote_id']}/"
        ballot_url = vote_url + "stimme/"
        options = STATE["options"]

        def cast(session, i):
            return session.post(ballot_url, {"choice": options[i % len(options)]})

        ballots = report(
            "votes_ballot",
            run_load(base_url, cast, requests=REQUESTS, concurrency=CONCURRENCY, setup=_logins()),
        )
        detail = report(
            "votes_detail",
            run_load(
                base_url,
                lambda s, i: s.get(vote_url),
                requests=REQUESTS,
                concurrency=CONCURRENCY,
                setup=_logins(),
            ),
        )
        listing = report(
            "votes_list",
            run_load(
                base_url,
                lambda s, i: s.get("/gremium/abstimmungen/"),
                requests=REQUESTS,
                concurrency=CONCURRENCY,
                setup=_logins(),
            ),
        )
        intact = check_integrity()
    failed = ballots.errors or detail.errors or listing.errors or not intact
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
