import pytest

from tests.votes.factories import AgendaItemFactory, MeetingFactory, open_vote


@pytest.fixture
def agenda_item(committee):
    return AgendaItemFactory(meeting=MeetingFactory(committee=committee), name="ThINKA Standort")


@pytest.fixture
def vote(committee, member_user, deputy_user, staff_user, agenda_item):
    """An open yes/no vote of the test committee (one institution: member_user and deputy_user)."""
    return open_vote(committee=committee, subject=agenda_item, actor=staff_user)


@pytest.fixture
def secret_vote(committee, member_user, deputy_user, staff_user, agenda_item):
    return open_vote(
        committee=committee,
        subject=agenda_item,
        actor=staff_user,
        secret=True,
        question="Geheime Frage?",
    )
