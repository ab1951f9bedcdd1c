"""Fixtures for the gremium tests: a published meeting of the "Begleitgremium Test" with a public
and a non-public item, each with a paper of the same visibility."""

import pytest

from tests.gremium.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    MeetingFactory,
    PaperFactory,
    add_institutions,
    open_vote,
)


@pytest.fixture
def meeting(committee, member_user, deputy_user):
    return MeetingFactory(committee=committee, number=7)


@pytest.fixture
def public_item(meeting):
    item = AgendaItemFactory(meeting=meeting, name="Öffentlicher Punkt ThINKA", public=True)
    ConsultationFactory(
        agenda_item=item, paper=PaperFactory(reference="1803/22", name="Zwischeninformation")
    )
    return item


@pytest.fixture
def secret_item(meeting, public_item):
    item = AgendaItemFactory(meeting=meeting, name="Geheimer Standortpunkt", public=False)
    ConsultationFactory(
        agenda_item=item,
        paper=PaperFactory(reference="9999/22", name="Vertrauliche Vorlage", public=False),
    )
    return item


@pytest.fixture
def other_committee_user(outsider_user):
    return outsider_user


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The role fixtures create several users per test: hash their passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    """The public pages are cached (gremium/cache.py); every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


# --- votes ---------------------------------------------------------------------------------


@pytest.fixture
def agenda_item(committee):
    return AgendaItemFactory(meeting=MeetingFactory(committee=committee), name="ThINKA Standort")


@pytest.fixture
def vote(committee, member_user, deputy_user, staff_user, agenda_item):
    """An open yes/no vote of the test committee (one institution: member_user and deputy_user)."""
    return open_vote(committee=committee, subject=agenda_item, actor=staff_user)


@pytest.fixture
def secret_voters(committee):
    """Two more institutions' members: a secret vote needs SECRET_VOTE_MIN_BALLOTS (3) voters."""
    return [m.person.user for m in add_institutions(committee, 2)]


@pytest.fixture
def secret_vote(committee, member_user, deputy_user, secret_voters, staff_user, agenda_item):
    """An open secret yes/no vote of the test committee: member_user's institution and two more."""
    return open_vote(
        committee=committee,
        subject=agenda_item,
        actor=staff_user,
        secret=True,
        question="Geheime Frage?",
    )
