"""The beat job: reminders before the deadline, closing votes whose deadline passed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import StatementRound, Vote
from gremium.services import statements as statement_services
from gremium.services import votes as vote_services
from gremium.tasks import votes_send_due
from tests.gremium.factories import add_institutions, open_vote, option

pytestmark = pytest.mark.django_db


def test_reminder_goes_once_to_those_who_have_not_voted(committee, staff_user):
    memberships = add_institutions(committee, 2)
    vote = open_vote(committee=committee, actor=staff_user)
    voter = memberships[0].person.user
    vote_services.ballot_cast(vote=vote, actor=voter, choice=option(vote, "yes").pk)
    assert vote_services.votes_send_due()["vote_reminders"] == 0  # not due yet
    Vote.objects.filter(pk=vote.pk).update(remind_at=timezone.now() - timedelta(minutes=1))
    assert votes_send_due()["vote_reminders"] == 1
    assert votes_send_due()["vote_reminders"] == 0
    reminded = set(
        OutboxMessage.objects.filter(kind="gremium.vote.reminder").values_list(
            "recipient", flat=True
        )
    )
    missing = memberships[1].institution
    expected = {m.person.email for m in missing.memberships.all()}
    assert reminded == expected
    assert voter.email not in reminded


def test_votes_whose_deadline_passed_are_closed_and_results_sent(
    committee, member_user, staff_user
):
    vote = open_vote(committee=committee, actor=staff_user)
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    Vote.objects.filter(pk=vote.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert votes_send_due()["closed"] == 1
    vote.refresh_from_db()
    assert vote.status == "closed"
    assert vote.result == "carried"
    assert vote.closed_by is None
    assert OutboxMessage.objects.filter(
        kind="gremium.vote.result", recipient=member_user.email
    ).exists()


def test_round_reminder_is_sent_when_due(committee, member_user, staff_user, agenda_item):
    statement_round = statement_services.statement_round_open(
        committee=committee,
        subject=agenda_item,
        title="Runde",
        deadline=timezone.now() + timedelta(days=3),
        actor=staff_user,
    )
    StatementRound.objects.filter(pk=statement_round.pk).update(
        remind_at=timezone.now() - timedelta(minutes=1)
    )
    assert votes_send_due()["round_reminders"] == 1
    assert OutboxMessage.objects.filter(
        kind="gremium.statements.reminder", recipient=member_user.email
    ).exists()
