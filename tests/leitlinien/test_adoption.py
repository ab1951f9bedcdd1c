"""Adoption through the committee's vote (gremium.services.votes) and the staff fallback."""

from datetime import date

import pytest
from django.urls import reverse

from erfurt_srp.core.errors import DomainError
from gremium.models import Vote
from gremium.services import votes as vote_services
from leitlinien import adoption
from leitlinien.models import GuidelineVersion

from .factories import VersionFactory

State = GuidelineVersion.State
pytestmark = pytest.mark.django_db


def test_votes_api_is_wired():
    assert adoption.votes_available()


def test_carried_vote_adopts_freezes_and_dates_the_version(
    guideline, member_user, staff_user, django_capture_on_commit_callbacks
):
    old = VersionFactory(
        guideline=guideline, number=1, state=State.ADOPTED, adopted_on=date(2022, 5, 1)
    )
    version = VersionFactory(guideline=guideline, number=2, state=State.CONSULTATION)
    vote = adoption.put_to_vote(version=version, actor=staff_user)
    assert vote.subject == version and vote.committee == guideline.theme.committee
    with pytest.raises(DomainError):
        adoption.put_to_vote(version=version, actor=staff_user)  # already being voted on
    yes = vote.options.get(key="yes")
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=yes.pk)
    with django_capture_on_commit_callbacks(execute=True):
        vote_services.vote_close(vote=vote, actor=staff_user)
    version.refresh_from_db()
    old.refresh_from_db()
    assert version.state == State.ADOPTED and version.adoption_vote_id == vote.pk
    assert version.adopted_on is not None and "Begleitgremium Test" in version.adoption_reference
    assert old.state == State.SUPERSEDED
    version.paragraphs = ["anders"]
    with pytest.raises(DomainError):
        version.save()


def test_rejected_vote_leaves_the_version(
    guideline, member_user, staff_user, django_capture_on_commit_callbacks
):
    version = VersionFactory(guideline=guideline, number=1, state=State.CONSULTATION)
    vote = adoption.put_to_vote(version=version, actor=staff_user)
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=vote.options.get(key="no").pk)
    with django_capture_on_commit_callbacks(execute=True):
        vote_services.vote_close(vote=vote, actor=staff_user)
    version.refresh_from_db()
    assert version.state == State.CONSULTATION
    assert Vote.objects.get().result == Vote.Result.REJECTED


def test_no_vote_while_a_round_is_not_evaluated(public_round, staff_user, member_user):
    with pytest.raises(DomainError):
        adoption.put_to_vote(version=public_round.version, actor=staff_user)


def test_vote_subject_visibility_hides_drafts(draft, outsider_user, member_user):
    from gremium.permissions import subject_visibility

    assert subject_visibility.can_view(member_user, draft)
    assert not subject_visibility.can_view(outsider_user, draft)


def test_staff_records_a_decision_through_the_page(client, staff_user, guideline):
    version = VersionFactory(guideline=guideline, number=1, state=State.CONSULTATION)
    client.force_login(staff_user)
    url = reverse("leitlinien:version_adopt", args=[version.pk])
    response = client.post(url, {"decided_on": "", "reference": "Sitzung 7"})
    assert response.status_code == 200 and "Sitzung 7" in response.content.decode()
    response = client.post(url, {"decided_on": "2023-03-14", "reference": "Sitzung 7, TOP 3"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.state == State.ADOPTED and version.adopted_on == date(2023, 3, 14)
    page = client.get(version.get_absolute_url()).content.decode()
    assert "Beschlossen am 14.03.2023" in page and "eingefroren" in page


def test_vote_button_opens_the_vote(client, staff_user, guideline, member_user):
    version = VersionFactory(guideline=guideline, number=1, state=State.CONSULTATION)
    client.force_login(staff_user)
    response = client.post(
        reverse("leitlinien:version_adopt", args=[version.pk]), {"action": "vote"}
    )
    assert response.status_code == 302
    assert Vote.objects.filter(subject_id=str(version.pk)).exists()
