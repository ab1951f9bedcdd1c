"""The demo seeder: ThINKA site decision with 18 statements and a carried vote, one open vote."""

import io

import pytest

from erfurt_srp.accounts import demo as accounts_demo
from gremium.demo import committees, votes
from gremium.models import Statement, StatementRound, Vote

pytestmark = pytest.mark.django_db


def test_without_committees_it_does_nothing():
    assert votes.seed(io.StringIO()) == []
    assert not Vote.objects.exists()


def test_seeds_the_thinka_decision_and_an_open_vote_idempotently():
    out = io.StringIO()
    accounts_demo.seed(out)
    committees.seed(out)
    votes.seed(out)
    votes.seed(out)
    statement_round = StatementRound.objects.get()
    assert Statement.objects.filter(round=statement_round).count() == 18
    closed = Vote.objects.get(status=Vote.Status.CLOSED)
    assert closed.result == Vote.Result.CARRIED
    assert closed.participants == 18
    assert closed.requires_round == statement_round
    assert "ThINKA" in closed.question
    assert Vote.objects.filter(status=Vote.Status.OPEN).count() == 1


def test_with_the_meetings_demo_the_decision_is_on_the_agenda_item_and_in_its_result():
    from gremium.demo import meetings
    from gremium.models import AgendaItem

    out = io.StringIO()
    accounts_demo.seed(out)
    committees.seed(out)
    meetings.seed(out)
    votes.seed(out)
    closed = Vote.objects.get(status=Vote.Status.CLOSED)
    item = closed.subject
    assert isinstance(item, AgendaItem)
    assert "Standortentscheidung" in item.name
    item.refresh_from_db()
    assert item.result.startswith("angenommen")
    assert closed.closed_at < item.meeting.start + __import__("datetime").timedelta(hours=2)
    open_vote = Vote.objects.get(status=Vote.Status.OPEN)
    assert open_vote.secret
    assert open_vote.subject.meeting.start > closed.closed_at
