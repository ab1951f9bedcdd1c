"""Titles the platform makes are stored in the city's language and shown in the reader's; a
recommendation (a record of the city) is written in German whatever page closed its vote."""

import pytest
from django.utils import translation

from gremium.services import statements as statement_services
from gremium.services import votes as vote_services
from standorte import services
from standorte.models import Deliberation, Recommendation
from tests.gremium.factories import MembershipFactory

from .factories import ProjectFactory, SiteProposalFactory

pytestmark = pytest.mark.django_db


def test_titles_made_on_an_english_page_are_stored_in_german(
    committee, member_membership, staff_user, django_capture_on_commit_callbacks
):
    second = MembershipFactory(committee=committee, role="member")
    project = ProjectFactory(committee=committee, name="ThINKA Erfurt")
    site = SiteProposalFactory(project=project, name="Berolina", address="Berliner Platz 11")
    SiteProposalFactory(project=project, name="Rieth", address="Kasseler Straße 1")
    with translation.override("en"):
        deliberation = services.deliberation_start(actor=staff_user, project=project)
    statement_round = deliberation.statement_round
    assert deliberation.title == "Standorte für ThINKA Erfurt"
    assert statement_round.title == "Fachliche Stellungnahme: Standorte für ThINKA Erfurt"
    with translation.override("en"):
        assert statement_round.display_title == "Professional statement: Sites for ThINKA Erfurt"
    assert statement_round.display_title == statement_round.title

    for membership in (member_membership, second):
        statement_services.statement_submit(
            statement_round=statement_round, actor=membership.person.user, text="Dafür."
        )
    vote = services.deliberation_open_vote(actor=staff_user, deliberation=deliberation)
    option = {v: int(k) for k, v in Deliberation.objects.get().option_proposals.items()}
    for membership in (member_membership, second):
        vote_services.ballot_cast(vote=vote, actor=membership.person.user, choice=option[site.pk])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        vote_services.vote_close(vote=vote, actor=staff_user)
    recommendation = Recommendation.objects.get()
    assert recommendation.title.startswith("Empfehlung zum Standort ThINKA Erfurt")
    assert "Das Gremium empfiehlt" in recommendation.text
    # A choice among sites reads as the chosen site with its votes, not as yes/no.
    label = services.proposal_label(site)
    with translation.override("en"):
        assert recommendation.vote_counts == f"{label}: 2 of 2 votes"
    assert recommendation.vote_counts == f"{label}: 2 von 2 Stimmen"
