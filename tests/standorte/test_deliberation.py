"""Statement round and vote on a project's proposals produce a recommendation and a Drucksache."""

import pytest
from django.urls import reverse

from gremium.models import Paper, Vote
from gremium.services import statements as statement_services
from gremium.services import votes as vote_services
from standorte import services
from standorte.models import Deliberation, Recommendation
from tests.gremium.factories import MembershipFactory

from .factories import ProjectFactory, SiteProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(committee, member_membership):
    second = MembershipFactory(committee=committee, role="member")
    project = ProjectFactory(committee=committee, name="ThINKA Erfurt")
    a = SiteProposalFactory(project=project, name="Berolina", address="Berliner Platz 11")
    b = SiteProposalFactory(
        project=project, name="Stadtteilbüro Rieth", address="Kasseler Straße 1"
    )
    return project, [member_membership, second], [a, b]


def _statements(deliberation, memberships):
    for membership in memberships:
        statement_services.statement_submit(
            statement_round=deliberation.statement_round,
            actor=membership.person.user,
            text=f"Stellungnahme von {membership.institution.name}",
        )


def test_carried_vote_becomes_recommendation_with_paper(
    setup, staff_user, django_capture_on_commit_callbacks
):
    project, memberships, (a, b) = setup
    deliberation = services.deliberation_start(actor=staff_user, project=project)
    assert deliberation.statement_round.committee == project.committee
    # The vote waits for every institution's statement.
    with pytest.raises(Exception, match="alle Institutionen"):
        services.deliberation_open_vote(actor=staff_user, deliberation=deliberation)
    _statements(deliberation, memberships)
    vote = services.deliberation_open_vote(actor=staff_user, deliberation=deliberation)
    assert vote.kind == Vote.Kind.SINGLE
    option_for = {v: int(k) for k, v in Deliberation.objects.get().option_proposals.items()}
    for membership in memberships:
        vote_services.ballot_cast(vote=vote, actor=membership.person.user, choice=option_for[b.pk])
    with django_capture_on_commit_callbacks(execute=True):
        vote_services.vote_close(vote=vote, actor=staff_user)

    recommendation = Recommendation.objects.get()
    assert recommendation.site == b
    # A choice among sites is kept as the options with their votes, not as yes/no.
    votes = {o["label"]: o["votes"] for o in recommendation.vote_detail["options"]}
    assert votes == {services.proposal_label(a): 0, services.proposal_label(b): 2}
    assert recommendation.vote_detail["kind"] == Vote.Kind.SINGLE
    assert (recommendation.votes_yes, recommendation.votes_no) == (0, 0)
    assert recommendation.deliberation.state == Deliberation.State.CARRIED
    assert {s["institution"] for s in recommendation.annex} == {
        m.institution.name for m in memberships
    }
    assert "Ausschuss für Soziales" in recommendation.text
    paper = recommendation.paper
    assert paper.kind == Paper.Kind.RECOMMENDATION
    assert paper.reference.endswith("/" + f"{recommendation.recommended_on.year % 100:02d}")
    steps = list(paper.consultations.order_by("position"))
    assert [s.committee.name for s in steps] == [
        project.committee.name,
        "Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung",
    ]
    assert steps[1].authoritative and not steps[0].public
    main = paper.files.get(is_main=True)  # the Drucksache PDF, rendered after the commit
    assert main.mime_type == "application/pdf" and main.file.read(4) == b"%PDF"
    # Idempotent.
    assert (
        services.recommendation_create_from_vote(deliberation=deliberation, vote=vote)
        == recommendation
    )


def test_tied_vote_makes_no_recommendation(setup, staff_user, django_capture_on_commit_callbacks):
    project, memberships, (a, b) = setup
    deliberation = services.deliberation_start(actor=staff_user, project=project)
    _statements(deliberation, memberships)
    vote = services.deliberation_open_vote(actor=staff_user, deliberation=deliberation)
    option_for = {v: int(k) for k, v in Deliberation.objects.get().option_proposals.items()}
    vote_services.ballot_cast(vote=vote, actor=memberships[0].person.user, choice=option_for[a.pk])
    vote_services.ballot_cast(vote=vote, actor=memberships[1].person.user, choice=option_for[b.pk])
    with django_capture_on_commit_callbacks(execute=True):
        vote_services.vote_close(vote=vote, actor=staff_user)
    assert not Recommendation.objects.exists()
    assert Deliberation.objects.get().state == Deliberation.State.FAILED


def test_a_secret_vote_ended_with_too_few_ballots_shows_no_counts_and_recommends_nothing(
    client, setup, staff_user, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    project, memberships, (a, _b) = setup
    memberships.append(MembershipFactory(committee=project.committee, role="member"))
    deliberation = services.deliberation_start(actor=staff_user, project=project)
    _statements(deliberation, memberships)
    vote = services.deliberation_open_vote(
        actor=staff_user,
        deliberation=deliberation,
        deadline=timezone.now() + timedelta(days=1),
        secret=True,
    )
    option_for = {v: int(k) for k, v in Deliberation.objects.get().option_proposals.items()}
    vote_services.ballot_cast(vote=vote, actor=memberships[0].person.user, choice=option_for[a.pk])
    Vote.objects.filter(pk=vote.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        vote_services.votes_send_due()
    assert Vote.objects.get(pk=vote.pk).result == Vote.Result.TOO_FEW
    assert not Recommendation.objects.exists()
    assert Deliberation.objects.get().state == Deliberation.State.FAILED
    client.force_login(staff_user)
    page = client.get(deliberation.get_absolute_url()).content.decode()
    assert "kein Ergebnis: zu wenige geheime Stimmen" in page
    assert '<th scope="col">Option</th><th scope="col">Stimmen</th>' not in page


def test_deliberation_page_members_and_staff_only(
    client, setup, staff_user, member_user, outsider_user, public_user
):
    project, memberships, _ = setup
    deliberation = services.deliberation_start(actor=staff_user, project=project)
    url = deliberation.get_absolute_url()
    assert client.get(url).status_code == 302
    for user, status in [
        (public_user, 404),
        (outsider_user, 404),
        (member_user, 200),
        (staff_user, 200),
    ]:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
    body = response.content.decode()
    assert "fehlt noch" in body and "Berolina" in body
    client.force_login(member_user)
    assert client.post(url, {}).status_code == 403


def test_staff_starts_deliberation_from_project_page(client, setup, staff_user, member_user):
    project, _memberships, _ = setup
    url = reverse("standorte:deliberation_start", args=[project.slug])
    client.force_login(member_user)
    assert client.post(url, {}).status_code == 403
    client.force_login(staff_user)
    response = client.post(url, {"title": ""}, follow=True)
    assert "Beratung ist eröffnet" in response.content.decode()
    response = client.post(url, {"title": ""}, follow=True)
    assert "läuft bereits eine Beratung" in response.content.decode()


def test_dashboard_lists_running_deliberations_and_undecided_recommendations(
    client, setup, staff_user, member_user, outsider_user
):
    from .factories import RecommendationFactory

    project, _memberships, _ = setup
    deliberation = services.deliberation_start(actor=staff_user, project=project)
    recommendation = RecommendationFactory(site=SiteProposalFactory(project=project))
    client.force_login(staff_user)
    body = client.get(reverse("dashboard")).content.decode()
    assert deliberation.title in body and recommendation.title in body
    client.force_login(member_user)
    body = client.get(reverse("dashboard")).content.decode()
    assert deliberation.title in body and recommendation.title not in body
    client.force_login(outsider_user)
    assert deliberation.title not in client.get(reverse("dashboard")).content.decode()


def test_completeness_sentence_counts_in_correct_german(setup, staff_user, client):
    project, memberships, _proposals = setup
    deliberation = services.deliberation_start(actor=staff_user, project=project)
    client.force_login(staff_user)
    url = reverse("standorte:deliberation_detail", args=[deliberation.pk])
    _statements(deliberation, memberships[:1])
    page = client.get(url).content.decode()
    assert "1 von 2 Institutionen hat noch keine Stellungnahme abgegeben." in page
    _statements(deliberation, memberships[1:])
    page = client.get(url).content.decode()
    assert "Alle 2 Institutionen haben ihre Stellungnahme abgegeben." in page
    assert "0 von 2" not in page
