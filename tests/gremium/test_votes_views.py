"""Pages: permission matrix, ballot form, bad input, secret votes in pages/exports/admin, queries."""

import pytest
from django.urls import reverse

from gremium.models import Ballot, StatementRound, Vote
from gremium.services import statements as statement_services
from gremium.services import votes as vote_services
from tests.gremium.factories import add_institutions, open_vote, option

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "public_user",
    "outsider_user",
    "member_user",
    "deputy_user",
    "staff_user",
    "admin_user",
]


def _client_for(role, request, client):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


READ_EXPECTED = {
    "anonymous": 302,
    "public_user": 404,
    "outsider_user": 404,
    "member_user": 200,
    "deputy_user": 200,
    "staff_user": 200,
    "admin_user": 200,
}
STAFF_EXPECTED = READ_EXPECTED | {"member_user": 403, "deputy_user": 403}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["vote_detail", "vote_result_csv"])
def test_vote_pages_by_role(role, name, vote, request, client):
    response = _client_for(role, request, client).get(reverse(f"gremium:{name}", args=[vote.pk]))
    assert response.status_code == READ_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_show_of_hands_page_is_for_staff(role, vote, request, client):
    url = reverse("gremium:vote_show_of_hands", args=[vote.pk])
    assert _client_for(role, request, client).get(url).status_code == STAFF_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_close_is_for_staff(role, vote, request, client):
    response = _client_for(role, request, client).post(
        reverse("gremium:vote_close", args=[vote.pk])
    )
    expected = STAFF_EXPECTED[role]
    assert response.status_code == (302 if expected == 200 else expected)
    vote.refresh_from_db()
    assert vote.is_open == (expected != 200)


@pytest.mark.parametrize("role", ROLES)
def test_vote_create_is_for_staff(role, agenda_item, committee, request, client):
    url = reverse("gremium:vote_create") + f"?ct=gremium.agendaitem&id={agenda_item.pk}"
    expected = {"anonymous": 302, "staff_user": 200, "admin_user": 200}.get(role, 403)
    assert _client_for(role, request, client).get(url).status_code == expected


def test_vote_list_for_anonymous_redirects_and_for_outsider_is_empty(vote, client, outsider_user):
    assert client.get(reverse("gremium:vote_list")).status_code == 302
    client.force_login(outsider_user)
    response = client.get(reverse("gremium:vote_list"))
    assert response.status_code == 200
    assert vote.question not in response.content.decode()


def test_staff_opens_a_vote_through_the_form(
    staff_user, member_user, agenda_item, committee, client
):
    client.force_login(staff_user)
    url = reverse("gremium:vote_create") + f"?ct=gremium.agendaitem&id={agenda_item.pk}"
    response = client.post(
        url,
        {
            "committee": committee.pk,
            "question": "Standort <b>Nord</b> empfehlen?",
            "kind": "yes_no",
            "ballot_unit": "institution",
            "requires_round": "auto",
            "quorum": "7",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "größer als die Zahl der Stimmberechtigten" in body
    assert 'value="Standort &lt;b&gt;Nord&lt;/b&gt; empfehlen?"' in body  # input kept, escaped
    response = client.post(
        url,
        {
            "committee": committee.pk,
            "question": "Standort <b>Nord</b> empfehlen?",
            "kind": "yes_no",
            "ballot_unit": "institution",
            "requires_round": "auto",
        },
        follow=True,
    )
    vote = Vote.objects.get()
    assert response.redirect_chain[-1][0] == vote.get_absolute_url()
    assert "Die Abstimmung ist eröffnet" in response.content.decode()
    assert "<b>Nord</b>" not in response.content.decode()


def test_member_votes_through_the_page_with_fieldset_and_legend(vote, member_user, client):
    client.force_login(member_user)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert "<fieldset" in page and "<legend>" in page
    assert "Stimme abgeben" in page
    response = client.post(
        reverse("gremium:vote_ballot", args=[vote.pk]),
        {"choice": option(vote, "yes").pk},
        follow=True,
    )
    assert "Ihre Stimme wurde gespeichert." in response.content.decode()
    assert Ballot.objects.get(vote=vote).choice.key == "yes"
    assert "Stimme ändern" in response.content.decode()


def test_unknown_option_shows_a_message_next_to_the_field(vote, member_user, client):
    client.force_login(member_user)
    response = client.post(reverse("gremium:vote_ballot", args=[vote.pk]), {"choice": "999999"})
    assert response.status_code == 400
    assert "Diese Option gibt es in dieser Abstimmung nicht." in response.content.decode()
    assert not Ballot.objects.exists()


def test_ballot_after_close_shows_a_clear_message(vote, member_user, staff_user, client):
    vote_services.vote_close(vote=vote, actor=staff_user)
    client.force_login(member_user)
    response = client.post(
        reverse("gremium:vote_ballot", args=[vote.pk]), {"choice": option(vote, "yes").pk}
    )
    assert response.status_code == 400
    assert "bereits abgeschlossen" in response.content.decode()
    assert not Ballot.objects.exists()


def test_staff_enters_show_of_hands(vote, staff_user, client):
    client.force_login(staff_user)
    url = reverse("gremium:vote_show_of_hands", args=[vote.pk])
    data = {f"option_{o.pk}": 0 for o in vote.options.all()}
    data[f"option_{option(vote, 'yes').pk}"] = 5
    response = client.post(url, data)
    assert response.status_code == 200
    assert "mehr Stimmen" in response.content.decode()
    data[f"option_{option(vote, 'yes').pk}"] = 1
    response = client.post(url, data, follow=True)
    assert "Handzeichen ist gespeichert" in response.content.decode()
    vote.refresh_from_db()
    assert vote.result == "carried"
    assert vote.method == "show_of_hands"


def test_open_vote_result_sheet_lists_ballots_per_institution(
    vote, member_user, staff_user, client
):
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "no").pk)
    vote_services.vote_close(vote=vote, actor=staff_user)
    client.force_login(staff_user)
    csv = client.get(reverse("gremium:vote_result_csv", args=[vote.pk])).content.decode("utf-8-sig")
    institution = member_user.person.memberships.first().institution.name
    assert vote.question in csv
    assert "abgelehnt" in csv
    assert f"{institution};Nein" in csv
    pdf = client.get(reverse("gremium:vote_result_pdf", args=[vote.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_secret_vote_never_shows_who_voted_what(
    secret_vote, member_user, secret_voters, staff_user, admin_user, client
):
    vote_services.ballot_cast(
        vote=secret_vote, actor=member_user, choice=option(secret_vote, "no").pk
    )
    for user in secret_voters:
        vote_services.ballot_cast(
            vote=secret_vote, actor=user, choice=option(secret_vote, "yes").pk
        )
    person = str(member_user.person)
    institution = member_user.person.memberships.first().institution.name

    client.force_login(admin_user)
    open_page = client.get(secret_vote.get_absolute_url()).content.decode()
    assert institution in open_page  # who has voted is visible
    assert "Nein: " not in open_page and ">Nein<" not in open_page  # no interim counts

    vote_services.vote_close(vote=secret_vote, actor=staff_user)
    for user in (member_user, staff_user, admin_user):
        client.force_login(user)
        page = client.get(secret_vote.get_absolute_url()).content.decode()
        assert "Stimmen je Institution" not in page
        csv = client.get(reverse("gremium:vote_result_csv", args=[secret_vote.pk])).content.decode(
            "utf-8-sig"
        )
        assert person not in csv and institution not in csv
        assert ";1;" in csv  # the count is there, without a name
    client.force_login(admin_user)
    pages = [
        reverse("admin:gremium_vote_change", args=[secret_vote.pk]),
        reverse("admin:gremium_vote_history", args=[secret_vote.pk]),
        reverse("admin:gremium_participation_changelist"),
        reverse("admin:gremium_ballot_changelist"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not ("Nein" in body and person in body), url
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:gremium_secrettally_changelist")


def test_a_secret_vote_in_a_committee_with_too_few_voters_is_refused_at_the_field(
    staff_user, member_user, agenda_item, committee, client
):
    client.force_login(staff_user)
    url = reverse("gremium:vote_create") + f"?ct=gremium.agendaitem&id={agenda_item.pk}"
    data = {
        "committee": committee.pk,
        "question": "Geheim über Nord?",
        "kind": "yes_no",
        "ballot_unit": "institution",
        "requires_round": "auto",
        "secret": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "secret" in response.context["form"].errors
    body = response.content.decode()
    assert "braucht mindestens 3 Stimmberechtigte" in body
    assert 'value="Geheim über Nord?"' in body
    assert not Vote.objects.exists()


def test_staff_see_why_a_secret_vote_cannot_be_closed_yet(
    secret_vote, member_user, staff_user, client
):
    vote_services.ballot_cast(
        vote=secret_vote, actor=member_user, choice=option(secret_vote, "no").pk
    )
    client.force_login(staff_user)
    page = client.get(secret_vote.get_absolute_url()).content.decode()
    assert (
        '<p id="close-refusal">Eine geheime Abstimmung kann erst mit mindestens 3 Stimmen '
        "abgeschlossen werden (bisher 1)" in page
    )
    assert "Endet die Frist vorher, endet die Abstimmung ohne Ergebnis." in page
    assert 'disabled aria-describedby="close-refusal"' in page

    response = client.post(reverse("gremium:vote_close", args=[secret_vote.pk]), follow=True)
    assert response.status_code == 200
    assert "mindestens 3 Stimmen" in str(list(response.context["messages"])[0])
    secret_vote.refresh_from_db()
    assert secret_vote.is_open


def test_the_reason_is_shown_in_english_too(secret_vote, staff_user, client):
    client.force_login(staff_user)
    page = client.get(
        secret_vote.get_absolute_url(), headers={"accept-language": "en"}
    ).content.decode()
    assert "A secret vote can only be closed once at least 3 ballots are in (so far 0)" in page
    assert "If the deadline passes first, the vote ends without a result." in page


def test_members_and_open_votes_see_no_refusal(
    secret_vote, vote, member_user, secret_voters, staff_user, client
):
    client.force_login(member_user)
    assert "close-refusal" not in client.get(secret_vote.get_absolute_url()).content.decode()
    client.force_login(staff_user)
    assert "close-refusal" not in client.get(vote.get_absolute_url()).content.decode()
    for user in [member_user, *secret_voters]:
        vote_services.ballot_cast(
            vote=secret_vote, actor=user, choice=option(secret_vote, "yes").pk
        )
    page = client.get(secret_vote.get_absolute_url()).content.decode()
    assert "close-refusal" not in page
    assert "Abstimmung jetzt abschließen und auszählen" in page


def test_a_secret_vote_ended_with_too_few_ballots_shows_why_and_no_counts(
    secret_vote, member_user, staff_user, client
):
    from datetime import timedelta

    from django.utils import timezone

    vote_services.ballot_cast(
        vote=secret_vote, actor=member_user, choice=option(secret_vote, "no").pk
    )
    Vote.objects.filter(pk=secret_vote.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    vote_services.votes_send_due()
    client.force_login(staff_user)
    page = client.get(secret_vote.get_absolute_url()).content.decode()
    assert "kein Ergebnis: zu wenige geheime Stimmen" in page
    assert "Kein Ergebnis: Bis zum Ende der Frist haben 1 von 3 abgestimmt." in page
    assert "Stimmen je Option" not in page
    csv = client.get(reverse("gremium:vote_result_csv", args=[secret_vote.pk]))
    assert "Nein;;" in csv.content.decode("utf-8-sig")
    pdf = client.get(reverse("gremium:vote_result_pdf", args=[secret_vote.pk]))
    assert pdf.status_code == 200


def test_staff_sees_the_history_of_ballot_changes(
    vote, member_user, deputy_user, staff_user, client
):
    vote_services.ballot_cast(vote=vote, actor=deputy_user, choice=option(vote, "no").pk)
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    vote_services.vote_close(vote=vote, actor=staff_user)
    client.force_login(staff_user)
    page = client.get(vote.get_absolute_url()).content.decode()
    assert "Stimme: Nein" in page and "Stimme: Ja" in page
    assert "abgeschlossen" in page


def _make_votes(committee, staff_user, n):
    for i in range(n):
        open_vote(committee=committee, actor=staff_user, question=f"Frage {i}")


@pytest.mark.parametrize("user_fixture", ["staff_user", "member_user"])
def test_vote_list_queries_do_not_grow_with_rows(
    user_fixture, committee, member_user, staff_user, request, client, django_assert_max_num_queries
):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    _make_votes(committee, staff_user, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("gremium:vote_list")).status_code == 200
    _make_votes(committee, staff_user, 19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("gremium:vote_list"))
    assert response.content.decode().count("Frage ") >= 20


def test_round_list_queries_do_not_grow_with_rows(
    committee, member_user, staff_user, client, django_assert_max_num_queries
):
    from tests.gremium.factories import AgendaItemFactory, MeetingFactory

    meeting = MeetingFactory(committee=committee)

    def make(n):
        for _ in range(n):
            statement_services.statement_round_open(
                committee=committee,
                subject=AgendaItemFactory(meeting=meeting),
                title="Runde",
                actor=staff_user,
            )

    client.force_login(member_user)
    make(1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("gremium:statement_round_list")).status_code == 200
    make(19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("gremium:statement_round_list"))
    assert response.content.decode().count("Runde</a>") == 20


def test_dashboard_panel_tells_members_what_is_missing(vote, member_user, staff_user, client):
    client.force_login(member_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Ihre Stimme fehlt noch" in page and vote.question in page
    vote_services.ballot_cast(vote=vote, actor=member_user, choice=option(vote, "yes").pk)
    assert "Ihre Stimme fehlt noch" not in client.get(reverse("dashboard")).content.decode()
    client.force_login(staff_user)
    assert "Offene Abstimmungen" in client.get(reverse("dashboard")).content.decode()


def test_member_dashboard_reads_votes_and_rounds_subjects_together_and_hides_the_invisible(
    committee, agenda_item, member_user, staff_user, client
):
    """One query for the agenda items of the open votes and rounds; what the member may not
    see (an item of a draft meeting) or has already answered stays off the panel."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gremium.models import Meeting
    from tests.gremium.factories import AgendaItemFactory, MeetingFactory

    draft_item = AgendaItemFactory(meeting=MeetingFactory(committee=committee), name="Entwurf")
    for subject, label in ((agenda_item, "Sichtbar"), (draft_item, "Entwurf")):
        open_vote(committee=committee, subject=subject, actor=staff_user, question=f"{label}?")
        statement_services.statement_round_open(
            committee=committee,
            subject=subject,
            title=f"Runde {label}",
            actor=staff_user,
            notify=False,
        )
    Meeting.objects.filter(pk=draft_item.meeting_id).update(
        state=Meeting.State.DRAFT, published_at=None
    )
    client.force_login(member_user)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("dashboard")).content.decode()
    assert "Sichtbar?" in page and "Runde Sichtbar" in page
    assert "Entwurf?" not in page and "Runde Entwurf" not in page
    assert len([q for q in ctx.captured_queries if 'FROM "gremium_agendaitem"' in q["sql"]]) == 1

    statement_round = StatementRound.objects.get(title="Runde Sichtbar")
    statement_services.statement_submit(
        statement_round=statement_round, actor=member_user, text="Unsere Stellungnahme"
    )
    page = client.get(reverse("dashboard")).content.decode()
    assert "Sichtbar?" in page and "Runde Sichtbar" not in page


def test_person_unit_vote_page_for_many_institutions(committee, staff_user, client):
    memberships = add_institutions(committee, 3)
    vote = open_vote(committee=committee, actor=staff_user, kind="ranked", options=["A", "B", "C"])
    user = memberships[0].person.user
    client.force_login(user)
    a, b = option(vote, "A").pk, option(vote, "B").pk
    response = client.post(
        reverse("gremium:vote_ballot", args=[vote.pk]), {f"rank_{a}": "1", f"rank_{b}": "1"}
    )
    assert response.status_code == 400
    assert "nur einmal" in response.content.decode()
    response = client.post(
        reverse("gremium:vote_ballot", args=[vote.pk]), {f"rank_{a}": "2", f"rank_{b}": "1"}
    )
    assert response.status_code == 302
    assert Ballot.objects.get(vote=vote).ranking == [b, a]


@pytest.mark.parametrize("user_fixture", ["staff_user", "member_user"])
def test_vote_page_queries_do_not_grow_with_ballots(
    user_fixture, committee, member_user, staff_user, request, client, django_assert_max_num_queries
):
    """Open vote page with 1 and with 8 ballots (and their history) costs the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    memberships = add_institutions(committee, 8)
    vote = open_vote(committee=committee, actor=staff_user)
    voters = [m.person.user for m in memberships]
    vote_services.ballot_cast(vote=vote, actor=voters[0], choice=option(vote, "yes").pk)
    client.force_login(request.getfixturevalue(user_fixture))
    client.get(vote.get_absolute_url())
    with CaptureQueriesContext(connection) as one:
        assert client.get(vote.get_absolute_url()).status_code == 200
    for voter in voters[1:]:
        vote_services.ballot_cast(vote=vote, actor=voter, choice=option(vote, "no").pk)
        vote_services.ballot_cast(vote=vote, actor=voter, choice=option(vote, "yes").pk)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(vote.get_absolute_url())
    assert response.content.decode().count("(Mitglied)") >= 8


def test_subject_partial_links_votes_and_offers_staff_to_open_them(
    vote, agenda_item, member_user, staff_user, outsider_user
):
    from django.template.loader import render_to_string

    from gremium.selectors.votes import subject_votes_context

    def render(user):
        context = {"sv": subject_votes_context(user, agenda_item)}
        return render_to_string("gremium/votes/_subject_votes.html", context)

    staff_html = render(staff_user)
    assert vote.get_absolute_url() in staff_html
    assert "ct=gremium.agendaitem" in staff_html and "Abstimmung eröffnen" in staff_html
    member_html = render(member_user)
    assert vote.get_absolute_url() in member_html and "eröffnen" not in member_html
    assert vote.get_absolute_url() not in render(outsider_user)
