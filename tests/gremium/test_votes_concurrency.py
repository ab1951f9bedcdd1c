"""One ballot per voter under concurrent requests (PostgreSQL, real transactions).

The controls run a race twice: with the vote row lock of gremium.services.votes and with that
lock switched off (monkeypatched), and show what goes wrong without it. The race is steered,
not timed: the first request stops at a set point inside its transaction; the second runs until
it has finished or waits for a lock the first holds; then the first goes on.
"""

import threading
import time

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from erfurt_srp.core.errors import DomainError
from gremium.models import Ballot, Participation, SecretTally, Vote
from gremium.services import votes as vote_services
from tests.gremium.factories import add_institutions, open_vote, option

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _fire(requests: list[tuple]) -> list[int]:
    """POST all (user, url, data) at once from their own threads and DB connections."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int] = [0] * len(requests)

    def run(index, user, url, data):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            statuses[index] = client.post(url, data).status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, *request)) for i, request in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def test_member_and_deputy_double_clicking_in_parallel_leave_exactly_one_ballot(
    committee, member_user, deputy_user, staff_user
):
    assert connection.vendor == "postgresql"
    vote = open_vote(committee=committee, actor=staff_user)
    url = reverse("gremium:vote_ballot", args=[vote.pk])
    yes, no = option(vote, "yes").pk, option(vote, "no").pk
    statuses = _fire(
        [
            (member_user, url, {"choice": yes}),
            (member_user, url, {"choice": yes}),
            (deputy_user, url, {"choice": no}),
            (deputy_user, url, {"choice": no}),
        ]
    )
    assert all(status in (302, 400) for status in statuses), statuses
    assert statuses.count(302) >= 2  # both member clicks succeed
    ballots = list(Ballot.objects.filter(vote=vote))
    assert len(ballots) == 1
    # Whatever the order, the member's ballot is the one that counts.
    assert ballots[0].person.user == member_user
    assert ballots[0].choice_id == yes


def test_parallel_secret_ballots_leave_one_participation_and_one_ballot_in_the_sums(
    committee, member_user, deputy_user, staff_user
):
    add_institutions(committee, 2)
    vote = open_vote(committee=committee, actor=staff_user, secret=True)
    url = reverse("gremium:vote_ballot", args=[vote.pk])
    yes = option(vote, "yes").pk
    statuses = _fire(
        [(member_user, url, {"choice": yes})] * 2 + [(deputy_user, url, {"choice": yes})] * 2
    )
    assert statuses.count(302) == 1, statuses
    assert Participation.objects.filter(vote=vote).count() == 1
    assert sorted(SecretTally.objects.filter(vote=vote).values_list("count", flat=True)) == [
        0,
        0,
        1,
    ]


def test_the_database_itself_refuses_a_second_ballot_for_the_same_voter(
    committee, member_user, staff_user
):
    """Control: without the service (and its row lock) the unique constraint still holds."""
    vote = open_vote(committee=committee, actor=staff_user)
    person = member_user.person
    institution = person.memberships.first().institution
    Ballot.objects.create(
        vote=vote,
        voter_key=f"institution:{institution.pk}",
        institution=institution,
        person=person,
        cast_role="member",
        choice=option(vote, "yes"),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(
            vote=vote,
            voter_key=f"institution:{institution.pk}",
            institution=institution,
            person=person,
            cast_role="member",
            choice=option(vote, "no"),
        )
    assert Ballot.objects.filter(vote=vote).count() == 1


# --- controls: the vote row lock ---------------------------------------------------------------


def _outcome(call) -> str:
    try:
        call()
    except DomainError as error:
        return f"refused: {error.message}"
    finally:
        connection.close()
    return "ok"


def _lock_waits() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _race(first, second, pause_point) -> tuple[str, str]:
    """first() runs until pause_point (a callable the code under test calls in its thread),
    then second() runs until it ends or waits for a lock; then first() goes on."""
    reached, go_on = threading.Event(), threading.Event()
    results = {}

    def stop_here():
        if threading.current_thread().name == "first":
            reached.set()
            assert go_on.wait(30)

    pause_point(stop_here)
    threads = {
        name: threading.Thread(
            name=name, target=lambda n=name, f=f: results.update({n: _outcome(f)})
        )
        for name, f in (("first", first), ("second", second))
    }
    threads["first"].start()
    assert reached.wait(30)
    threads["second"].start()
    deadline = time.monotonic() + 30
    while threads["second"].is_alive() and not _lock_waits():
        assert time.monotonic() < deadline
        time.sleep(0.01)
    go_on.set()
    for thread in threads.values():
        thread.join(30)
    return results["first"], results["second"]


@pytest.fixture(params=["with the lock", "without the lock (control)"])
def locked(request, monkeypatch):
    if request.param != "with the lock":
        monkeypatch.setattr(
            vote_services,
            "_locked_vote",
            lambda pk: Vote.objects.select_related("committee").get(pk=pk),
        )
    return request.param == "with the lock"


def test_a_deputy_change_in_flight_does_not_undo_the_members_ballot(
    locked, committee, member_user, deputy_user, staff_user, monkeypatch
):
    """The deputy has voted no and changes it (again no) while the member votes yes."""
    vote = open_vote(committee=committee, actor=staff_user)
    yes, no = option(vote, "yes").pk, option(vote, "no").pk
    vote_services.ballot_cast(vote=vote, actor=deputy_user, choice=no)

    def pause_in_save(stop_here):
        real_save = Ballot.save

        def save(self, *args, **kwargs):
            stop_here()
            return real_save(self, *args, **kwargs)

        monkeypatch.setattr(Ballot, "save", save)

    deputy, member = _race(
        lambda: vote_services.ballot_cast(vote=vote, actor=deputy_user, choice=no),
        lambda: vote_services.ballot_cast(vote=vote, actor=member_user, choice=yes),
        pause_in_save,
    )
    assert (deputy, member) == ("ok", "ok")
    ballot = Ballot.objects.get(vote=vote)
    if locked:
        assert (ballot.person.user, ballot.choice_id) == (member_user, yes)
    else:
        # Lost update: the deputy's change, read before the member's ballot, overwrote it.
        assert (ballot.person.user, ballot.choice_id) == (deputy_user, no)


def test_a_ballot_in_flight_when_staff_close_the_vote_is_counted(
    locked, committee, member_user, staff_user, monkeypatch
):
    vote = open_vote(committee=committee, actor=staff_user)
    yes = option(vote, "yes").pk

    def pause_after_the_checks(stop_here):
        real_voter_for = vote_services.voter_for

        def voter_for(user, vote):
            stop_here()
            return real_voter_for(user, vote)

        monkeypatch.setattr(vote_services, "voter_for", voter_for)

    ballot, close = _race(
        lambda: vote_services.ballot_cast(vote=vote, actor=member_user, choice=yes),
        lambda: vote_services.vote_close(vote=vote, actor=staff_user, notify=False),
        pause_after_the_checks,
    )
    assert (ballot, close) == ("ok", "ok")
    vote.refresh_from_db()
    assert Ballot.objects.filter(vote=vote).count() == 1
    if locked:
        assert (vote.result, vote.participants) == (Vote.Result.CARRIED, 1)
    else:
        # Lost ballot: accepted after the close had counted, so the result leaves it out.
        assert (vote.result, vote.participants) == (Vote.Result.NO_QUORUM, 0)


def test_parallel_secret_ballots_all_reach_the_sums_even_without_the_lock(
    committee, staff_user, monkeypatch
):
    """Each ballot adds to the sums in one UPDATE (count = count + share): PostgreSQL's row locks
    order the additions, so none is lost even with the vote row lock switched off."""
    monkeypatch.setattr(
        vote_services,
        "_locked_vote",
        lambda pk: Vote.objects.select_related("committee").get(pk=pk),
    )
    users = [m.person.user for m in add_institutions(committee, 6)]
    vote = open_vote(committee=committee, actor=staff_user, secret=True)
    url = reverse("gremium:vote_ballot", args=[vote.pk])
    keys = ["yes", "yes", "no", "abstain", "yes", "no"]
    statuses = _fire(
        [(u, url, {"choice": option(vote, k).pk}) for u, k in zip(users, keys, strict=True)]
    )
    assert statuses == [302] * 6
    sums = dict(SecretTally.objects.filter(vote=vote).values_list("option__key", "count"))
    assert sums == {"yes": 3, "no": 2, "abstain": 1}
