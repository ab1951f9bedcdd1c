"""One ballot per voter under concurrent requests (PostgreSQL, real transactions)."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from gremium.models import Ballot, Participation, SecretBallot
from tests.gremium.factories import open_vote, option

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


def test_parallel_secret_ballots_leave_one_participation_and_one_anonymous_ballot(
    committee, member_user, deputy_user, staff_user
):
    vote = open_vote(committee=committee, actor=staff_user, secret=True)
    url = reverse("gremium:vote_ballot", args=[vote.pk])
    yes = option(vote, "yes").pk
    statuses = _fire(
        [(member_user, url, {"choice": yes})] * 2 + [(deputy_user, url, {"choice": yes})] * 2
    )
    assert statuses.count(302) == 1, statuses
    assert Participation.objects.filter(vote=vote).count() == 1
    assert SecretBallot.objects.filter(vote=vote).count() == 1


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
