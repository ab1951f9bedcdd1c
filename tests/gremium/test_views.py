"""Pages of gremium: forms with bad input, htmx partials, public side, query counts."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.discussion.models import Comment
from gremium.models import AgendaItem, Meeting, Paper
from tests.conftest import PASSWORD
from tests.gremium.factories import (
    AgendaItemFactory,
    ConsultationFactory,
    LocationFactory,
    MeetingFactory,
    PaperFactory,
)


def login(client, user):
    assert client.login(email=user.email, password=PASSWORD)
    return client


def _form_data(committee, **over):
    start = timezone.localtime(timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    data = {
        "committee": committee.pk,
        "number": 12,
        "name": "",
        "start": start.strftime("%Y-%m-%dT%H:%M"),
        "end": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "location": LocationFactory().pk,
        "video_url": "",
        "notice_days": 7,
    }
    data.update(over)
    return data


def test_staff_creates_a_meeting(client, staff_user, committee):
    login(client, staff_user)
    response = client.post(reverse("gremium:meeting_create"), _form_data(committee))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.state == Meeting.State.DRAFT and meeting.notice_days == 7


def test_meeting_that_ends_before_it_starts_shows_the_error_next_to_the_field(
    client, staff_user, committee
):
    login(client, staff_user)
    data = _form_data(committee)
    data["end"], data["start"] = data["start"], data["end"]
    response = client.post(reverse("gremium:meeting_create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Das Ende der Sitzung muss nach ihrem Beginn liegen." in html
    assert 'id="id_end_error"' in html
    assert f'value="{data["start"]}"' in html  # input kept
    assert not Meeting.objects.exists()


def test_duplicate_meeting_number_shows_message(client, staff_user, committee):
    MeetingFactory(committee=committee, number=12)
    login(client, staff_user)
    response = client.post(reverse("gremium:meeting_create"), _form_data(committee))
    assert "bereits eine Sitzung mit der Nummer 12" in response.content.decode()


def test_late_invitation_warning_on_draft(client, staff_user, committee):
    meeting = MeetingFactory(
        committee=committee,
        state=Meeting.State.DRAFT,
        published_at=None,
        start=timezone.now() + timedelta(days=2),
    )
    login(client, staff_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert "Ladungsfrist beträgt 7 Tage" in html


def test_publish_from_the_page(client, staff_user, committee, member_user):
    meeting = MeetingFactory(committee=committee, state=Meeting.State.DRAFT, published_at=None)
    AgendaItemFactory(meeting=meeting)
    login(client, staff_user)
    response = client.post(reverse("gremium:meeting_publish", args=[meeting.pk]), follow=True)
    assert "Die Sitzung ist veröffentlicht" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PUBLISHED
    outbox = client.get(reverse("gremium:meeting_outbox", args=[meeting.pk])).content.decode()
    assert member_user.email in outbox and "gremium.meeting.invitation" in outbox


def test_move_past_the_end_via_htmx_shows_error_and_keeps_order(
    client, staff_user, meeting, secret_item, public_item
):
    login(client, staff_user)
    response = client.post(
        reverse("gremium:agenda_item_move", args=[public_item.pk]),
        {"position": 5},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "zwischen 1 und 2" in response.content.decode()
    assert "<html" not in response.content.decode()
    public_item.refresh_from_db()
    assert public_item.order == 1


def test_move_via_htmx_returns_the_new_agenda(
    client, staff_user, meeting, secret_item, public_item
):
    login(client, staff_user)
    response = client.post(
        reverse("gremium:agenda_item_move", args=[public_item.pk]),
        {"position": 2},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Geheimer Standortpunkt") < html.index("Öffentlicher Punkt ThINKA")


def test_move_plain_post_fallback_redirects(client, staff_user, meeting, secret_item, public_item):
    login(client, staff_user)
    response = client.post(
        reverse("gremium:agenda_item_move", args=[public_item.pk]), {"position": 2}
    )
    assert response.status_code == 302
    assert AgendaItem.objects.get(pk=public_item.pk).order == 2


def test_paper_number_that_exists_keeps_input(client, staff_user):
    PaperFactory(reference="1803/22")
    login(client, staff_user)
    response = client.post(
        reverse("gremium:paper_create"),
        {
            "reference": "1803/22",
            "name": "Mein Titel",
            "kind": "information",
            "public": "on",
            "date": "2022-10-20",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Eine Drucksache mit der Nummer 1803/22 gibt es bereits." in html
    assert 'id="id_reference_error"' in html
    assert 'value="Mein Titel"' in html
    assert Paper.objects.count() == 1


def test_forbidden_upload_type_shows_message(client, staff_user):
    paper = PaperFactory()
    login(client, staff_user)
    response = client.post(
        reverse("gremium:paper_file_add", args=[paper.pk]),
        {"name": "Schadcode", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "nicht erlaubt" in html and 'id="id_file_error"' in html
    assert 'value="Schadcode"' in html


def test_too_large_upload_shows_message(client, staff_user, settings, public_item):
    settings.UPLOAD_MAX_BYTES = 5
    login(client, staff_user)
    response = client.post(
        reverse("gremium:agenda_item_file_add", args=[public_item.pk]),
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-123456")},
    )
    assert response.status_code == 400
    assert "zu groß" in response.content.decode()


def test_file_download_follows_visibility(
    client, staff_user, secret_item, outsider_user, member_user
):
    from gremium.services.papers import file_attach

    file = file_attach(
        actor=staff_user, agenda_item=secret_item, upload=SimpleUploadedFile("plan.pdf", b"%PDF-x")
    )
    url = reverse("gremium:file_download", args=[file.pk])
    assert client.get(url).status_code == 404
    login(client, outsider_user)
    assert client.get(url).status_code == 404
    login(client, member_user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-x"


def test_member_answers_and_comments_via_htmx(
    client, member_user, meeting, public_item, secret_item
):
    login(client, member_user)
    response = client.post(
        reverse("gremium:meeting_respond", args=[meeting.pk]), {"answer": "declined"}, follow=True
    )
    assert "Ihre Antwort ist gespeichert" in response.content.decode()
    response = client.post(
        reverse("gremium:comment_add", args=[secret_item.pk]),
        {"body": "<script>alert(1)</script>Guter Punkt"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Guter Punkt" in html and "<script>alert" not in html
    comment = Comment.objects.get()
    reply = client.post(
        reverse("gremium:comment_add", args=[secret_item.pk]),
        {"body": "Antwort", "parent": comment.pk},
        HTTP_HX_REQUEST="true",
    )
    assert reply.status_code == 200
    assert Comment.objects.filter(parent=comment).count() == 1


def test_empty_comment_is_refused_with_message(client, member_user, public_item):
    login(client, member_user)
    response = client.post(
        reverse("gremium:comment_add", args=[public_item.pk]), {"body": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400


def test_comment_editable_for_a_short_time_then_not(client, member_user, public_item):
    from erfurt_srp.discussion.services import comment_create

    comment = comment_create(target=public_item, body="Erst", author=member_user)
    login(client, member_user)
    url = reverse("gremium:comment_edit", args=[comment.pk])
    assert client.post(url, {"body": "Zweit"}).status_code == 302
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert client.get(url).status_code == 403


def test_staff_hides_comment_with_reason(client, staff_user, member_user, public_item):
    from erfurt_srp.discussion.services import comment_create

    comment = comment_create(target=public_item, body="Beleidigung", author=member_user)
    login(client, staff_user)
    url = reverse("gremium:comment_hide", args=[comment.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Netiquette"}).status_code == 302
    html = client.get(public_item.meeting.get_absolute_url()).content.decode()
    assert "Netiquette" in html and "Beleidigung" not in html


def test_public_feed_and_pages_hide_non_public_items(client, meeting, public_item, secret_item):
    feed = client.get(reverse("gremium:meeting_feed"))
    assert feed["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in feed.content
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Öffentlicher Punkt ThINKA" in page and "1803/22" in page
    assert "Geheimer Standortpunkt" not in page and "9999/22" not in page
    pdf = client.get(reverse("gremium:meeting_agenda_pdf", args=[meeting.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_member_sees_non_public_items(client, member_user, meeting, public_item, secret_item):
    login(client, member_user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Geheimer Standortpunkt" in page and "Vertrauliche Vorlage" in page


def test_dashboard_panel_lists_my_meetings(client, member_user, deputy_user, meeting, public_item):
    from gremium.services.meetings import invitation_answer

    login(client, member_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert meeting.title in html and "noch offen" in html
    # the deputy's answer is not the member's
    invitation_answer(actor=deputy_user, meeting=meeting, answer="attending")
    html = client.get(reverse("dashboard")).content.decode()
    assert "noch offen" in html and "Ich nehme teil" not in html
    invitation_answer(actor=member_user, meeting=meeting, answer="declined")
    html = client.get(reverse("dashboard")).content.decode()
    assert "noch offen" not in html and "Ich sage ab" in html


def test_staff_manages_members(client, staff_user, committee, member_user):
    from gremium.models import Membership

    membership = Membership.objects.get(person__user=member_user)
    login(client, staff_user)
    response = client.post(
        reverse("gremium:membership_replace", args=[membership.pk]),
        {"first_name": "Nora", "last_name": "Neu", "email": "nora@example.org", "start_date": ""},
    )
    assert response.status_code == 302
    new = Membership.objects.active().get(committee=committee, role="member")
    assert new.person.email == "nora@example.org"
    response = client.post(reverse("gremium:membership_end", args=[new.pk]), {"end_date": ""})
    assert response.status_code == 302
    history = client.get(
        reverse("gremium:committee_history", args=[committee.slug])
    ).content.decode()
    assert "Nora Neu" in history and staff_user.display_name in history


def test_attendance_and_minutes_pages(client, staff_user, committee, member_user):
    past = MeetingFactory(committee=committee, number=2, start=timezone.now() - timedelta(days=2))
    past.end = past.start + timedelta(hours=1)
    past.save()
    item = AgendaItemFactory(meeting=past, name="Punkt A")
    login(client, staff_user)
    from gremium.models import Membership

    mid = Membership.objects.get(person__user=member_user).pk
    response = client.post(
        reverse("gremium:attendance_edit", args=[past.pk]),
        {"present": [mid], "guest_name": ["Gast Eins"], "guest_organisation": ["BAG"]},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("gremium:minutes_edit", args=[past.pk]),
        {
            "introduction": "Begrüßung",
            f"text_{item.pk}": "Diskussion",
            f"result_{item.pk}": "angenommen",
        },
    )
    assert response.status_code == 302
    html = client.get(reverse("gremium:minutes_detail", args=[past.pk])).content.decode()
    assert "Gast Eins" in html and "angenommen" in html
    assert client.get(reverse("gremium:minutes_pdf", args=[past.pk])).content.startswith(b"%PDF")


# --- query counts: fixed however many meetings, items, papers and comments -------------------


def _populate(committee, member_user, meetings: int, items: int):
    """Meetings with items, each with a paper, a comment, a vote and a statement round."""
    from erfurt_srp.discussion.services import comment_create
    from gremium.services import statements as statement_services
    from gremium.services import votes as vote_services
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    for n in range(meetings):
        meeting = MeetingFactory(committee=committee, start=timezone.now() + timedelta(days=n + 1))
        for i in range(items):
            item = AgendaItemFactory(meeting=meeting, public=i % 2 == 0)
            ConsultationFactory(agenda_item=item, paper=PaperFactory(public=i % 2 == 0))
            top = comment_create(target=item, body=f"K{i}", author=member_user)
            comment_create(target=item, body=f"Antwort {i}", author=staff, parent=top)
            vote_services.vote_open(
                committee=committee,
                subject=item,
                question=f"Frage zu {item.name}?",
                kind="yes_no",
                actor=staff,
                notify=False,
            )
            statement_services.statement_round_open(
                committee=committee,
                subject=item,
                title=f"Runde zu {item.name}",
                actor=staff,
                notify=False,
            )
    return meeting


@pytest.mark.parametrize("role", ["anonymous", "member_user", "staff_user"])
def test_list_pages_do_not_grow_with_data(
    client,
    request,
    committee,
    member_user,
    role,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    if role != "anonymous":
        login(client, request.getfixturevalue(role))

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from gremium.panels import meetings_panel

    user = request.getfixturevalue(role) if role != "anonymous" else AnonymousUser()

    ctx_panel = []
    shown = {}

    def counts():
        result = {}
        for name, url in [
            ("list", reverse("gremium:meeting_list")),
            ("detail", last.get_absolute_url()),
            ("papers", reverse("gremium:paper_list")),
        ]:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200
            result[name] = len(ctx.captured_queries)
            if name == "detail":
                html = response.content.decode()
                shown[role] = (html.count('">Frage zu '), html.count('">Runde zu '))
                shown["ballot_links"] = html.count("#my-ballot")
        # the dashboard panel itself (other apps' panels are tested by their owners)
        panel_request = RequestFactory().get("/dashboard/")
        panel_request.user = user.__class__.objects.get(pk=user.pk) if user.pk else user
        with CaptureQueriesContext(connection) as ctx:
            html = meetings_panel(panel_request)
        ctx_panel.clear()
        ctx_panel.extend(q["sql"][:120] for q in ctx.captured_queries)
        assert (role == "anonymous") == (html == "")
        result["dashboard_panel"] = len(ctx.captured_queries)
        return result

    last = _populate(committee, member_user, meetings=1, items=1)
    small = counts()
    # the single (public) item: its vote and round for staff and members, nothing for the public
    expected = (0, 0) if role == "anonymous" else (1, 1)
    assert shown[role] == expected
    with django_capture_on_commit_callbacks(execute=True):  # the public pages' cache goes stale
        last = _populate(committee, member_user, meetings=15, items=4)
    large = counts()
    assert small == large, (small, large)
    # 4 items, 2 non-public: members and staff see all 4 votes and rounds, the public none
    assert shown[role] == ((0, 0) if role == "anonymous" else (4, 4))
    # only members get the ballot link (staff do not vote)
    assert shown["ballot_links"] == (4 if role == "member_user" else 0)
    # session, user, memberships, count, committees, meetings (+ role checks of the layout)
    with django_assert_max_num_queries(12):
        client.get(reverse("gremium:meeting_list"))
    # user, memberships (shared by every membership check, the response form's role included),
    # meeting, items, consultations with papers, comments (members and staff), votes, statement
    # rounds, the member's response and guest grants; the session comes from the cache
    # (the public page comes from the cache)
    expected = {"anonymous": 0, "member_user": 10, "staff_user": 8}[role]
    with CaptureQueriesContext(connection) as detail:
        client.get(last.get_absolute_url())
    assert len(detail) == expected, [q["sql"][:200] for q in detail.captured_queries]
    # committee ids, coming, past, answers; the layout's context processors add their role checks
    assert large["dashboard_panel"] <= 6, "\n".join(ctx_panel)


def test_member_page_comment_sections_carry_own_edit_links_and_csrf_tokens(
    meeting, public_item, secret_item, member_user, deputy_user, staff_user, outsider_user
):
    """On the meeting page edit links stay the author's, the forms carry the viewer's own CSRF
    token, and any change to the threads shows at once."""
    import re

    from django.test import Client

    from erfurt_srp.discussion.services import comment_create, comment_edit, comment_hide

    top = comment_create(target=secret_item, body="Frage des Mitglieds", author=member_user)
    reply = comment_create(
        target=secret_item, body="Antwort der Stellvertretung", author=deputy_user, parent=top
    )
    url = meeting.get_absolute_url()
    member = Client(enforce_csrf_checks=True)
    member.force_login(member_user)
    deputy = Client(enforce_csrf_checks=True)
    deputy.force_login(deputy_user)
    edit_top = reverse("gremium:comment_edit", args=[top.pk])
    edit_reply = reverse("gremium:comment_edit", args=[reply.pk])

    for _round in range(2):
        html = member.get(url).content.decode()
        assert edit_top in html and edit_reply not in html
        html = deputy.get(url).content.decode()
        assert edit_reply in html and edit_top not in html

    # the reply form carries a token that is valid for this visitor's session
    html = member.get(url).content.decode()
    assert f'name="parent" value="{top.pk}">' in html  # the reply form of the member's comment
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert tokens and all("csrf-" not in t for t in tokens)
    add_url = reverse("gremium:comment_add", args=[secret_item.pk])
    response = member.post(
        add_url, {"body": "Noch eine Antwort", "parent": top.pk, "csrfmiddlewaretoken": tokens[-1]}
    )
    assert response.status_code == 302
    # a token from another visitor's page does not work
    stolen = re.findall(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', deputy.get(url).content.decode()
    )[-1]
    assert member.post(add_url, {"body": "x", "csrfmiddlewaretoken": stolen}).status_code == 403

    # new, edited and hidden comments show at once
    html = deputy.get(url).content.decode()
    assert "Noch eine Antwort" in html
    comment_edit(comment=reply, body="Geänderte Antwort", actor=deputy_user)
    assert "Geänderte Antwort" in member.get(url).content.decode()
    comment_hide(comment=top, reason="Beleidigend", actor=staff_user)
    html = deputy.get(url).content.decode()
    assert "Frage des Mitglieds" not in html and "Beleidigend" in html

    # staff get the hide links, outsiders no comments at all
    staff = Client()
    staff.force_login(staff_user)
    assert reverse("gremium:comment_hide", args=[reply.pk]) in staff.get(url).content.decode()
    assert reverse("gremium:comment_hide", args=[reply.pk]) not in html
    outsider = Client()
    outsider.force_login(outsider_user)
    assert "Geänderte Antwort" not in outsider.get(url).content.decode()


def test_public_pages_are_cached_and_refreshed_after_a_change(
    client, staff_user, meeting, public_item, django_capture_on_commit_callbacks
):
    from gremium.services.meetings import agenda_item_add, meeting_cancel

    url = meeting.get_absolute_url()
    assert "Neuer öffentlicher Punkt" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks() as uncommitted:
        agenda_item_add(actor=staff_user, meeting=meeting, name="Neuer öffentlicher Punkt")
    # cached: until the change commits, the page is the one before
    assert "Neuer öffentlicher Punkt" not in client.get(url).content.decode()
    for callback in uncommitted:
        callback()
    assert "Neuer öffentlicher Punkt" in client.get(url).content.decode()
    listing = reverse("gremium:meeting_list")
    assert "abgesagt" not in client.get(listing).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(actor=staff_user, meeting=meeting, reason="Krankheit")
    assert "abgesagt" in client.get(listing).content.decode()


def test_staff_creates_a_meeting_at_a_new_place(client, staff_user, committee):
    from gremium.models import Location

    login(client, staff_user)
    data = _form_data(
        committee,
        location="",
        new_location="Begegnungszentrum Moskauer Platz",
        new_location_street="Moskauer Platz 1",
    )
    response = client.post(reverse("gremium:meeting_create"), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.location == Location.objects.get(description="Begegnungszentrum Moskauer Platz")


def test_meeting_without_place_or_video_is_refused(client, staff_user, committee):
    login(client, staff_user)
    response = client.post(reverse("gremium:meeting_create"), _form_data(committee, location=""))
    assert "Ort oder einen Videokonferenz-Link" in response.content.decode()
    assert not Meeting.objects.exists()


def test_deputy_is_not_offered_to_send_a_deputy(client, deputy_user, meeting, public_item):
    login(client, deputy_user)
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert 'value="attending"' in html and 'value="deputy"' not in html
    response = client.post(
        reverse("gremium:meeting_respond", args=[meeting.pk]), {"answer": "deputy"}
    )
    assert response.status_code == 400
    assert 'id="id_answer_error"' in response.content.decode()


def test_reply_forms_post_to_the_item(client, member_user, public_item):
    from erfurt_srp.discussion.services import comment_create

    comment_create(target=public_item, body="Erster", author=member_user)
    login(client, member_user)
    html = client.get(public_item.meeting.get_absolute_url()).content.decode()
    url = reverse("gremium:comment_add", args=[public_item.pk])
    assert html.count(f'action="{url}"') == 2  # the new-comment form and one reply form


@pytest.mark.parametrize(
    ("role", "sees_public", "sees_secret"),
    [
        ("anonymous", False, False),
        ("public_user", False, False),
        ("other_committee_user", False, False),
        ("member_user", True, True),
        ("deputy_user", True, True),
        ("staff_user", True, True),
    ],
)
def test_meeting_page_shows_votes_and_rounds_only_to_those_who_may_see_them(
    client, request, staff_user, meeting, public_item, secret_item, role, sees_public, sees_secret
):
    from gremium.services import statements as statement_services
    from gremium.services import votes as vote_services

    for item, label in [(public_item, "Offen"), (secret_item, "Intern")]:
        vote_services.vote_open(
            committee=meeting.committee,
            subject=item,
            question=f"Abstimmung {label}?",
            kind="yes_no",
            actor=staff_user,
            notify=False,
        )
        statement_services.statement_round_open(
            committee=meeting.committee,
            subject=item,
            title=f"Stellungnahmen {label}",
            actor=staff_user,
            notify=False,
        )
    if role != "anonymous":
        login(client, request.getfixturevalue(role))
    html = client.get(meeting.get_absolute_url()).content.decode()
    assert ("Abstimmung Offen?" in html) == sees_public
    assert ("Stellungnahmen Offen" in html) == sees_public
    assert ("Abstimmung Intern?" in html) == sees_secret
    assert ("Stellungnahmen Intern" in html) == sees_secret
    assert ("Abstimmung eröffnen" in html) == (role == "staff_user")
    assert ("#my-ballot" in html) == (role in ("member_user", "deputy_user"))


def test_meeting_page_lists_files_of_the_items_that_have_them(
    client,
    staff_user,
    member_user,
    meeting,
    public_item,
    secret_item,
    django_assert_max_num_queries,
):
    from gremium.services.papers import file_attach

    login(client, member_user)
    with CaptureQueriesContext(connection) as without_files:
        assert "Anlagen:" not in client.get(meeting.get_absolute_url()).content.decode()
    file_attach(
        actor=staff_user,
        agenda_item=secret_item,
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-x"),
        name="Lageplan",
    )
    # one query more for the files, only when some item has files
    with django_assert_max_num_queries(len(without_files.captured_queries) + 1):
        html = client.get(meeting.get_absolute_url()).content.decode()
    assert html.count("Anlagen:") == 1 and "Lageplan" in html


@pytest.mark.parametrize("role", ["member_user", "staff_user"])
def test_dashboard_queries_do_not_grow_with_meetings_votes_and_rounds(
    client, request, committee, member_user, role
):
    """The whole dashboard (every app's panel, the layout's navigation): a fixed number of
    queries however many meetings, votes and statement rounds its panels list; a member's
    memberships are read once per page (gremium.permissions.user_memberships) and shared by
    gremium, the votes, leitlinien's navigation check and standorte."""
    login(client, request.getfixturevalue(role))

    def dashboard():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("dashboard"))
        assert response.status_code == 200
        return ctx.captured_queries, response.content.decode()

    def past(n):
        for i in range(n):
            start = timezone.now() - timedelta(days=i + 1)
            MeetingFactory(committee=committee, start=start, end=start + timedelta(hours=2))

    _populate(committee, member_user, meetings=1, items=1)
    past(1)
    dashboard()  # warm up: content types
    small, html_small = dashboard()
    _populate(committee, member_user, meetings=8, items=2)
    past(8)
    large, html = dashboard()
    assert len(small) == len(large), [q["sql"][:120] for q in large]
    # more rows shown, same queries: 5 coming and 5 past meetings, up to 20 votes and rounds
    assert html.count("/gremium/sitzungen/") > html_small.count("/gremium/sitzungen/")
    assert html.count("Frage zu ") > html_small.count("Frage zu ")
    memberships = [q for q in large if 'FROM "gremium_membership"' in q["sql"]]
    # staff: no panel shows what their own memberships would add
    assert len(memberships) == (1 if role == "member_user" else 0), memberships
    agenda_items = [q for q in large if 'FROM "gremium_agendaitem"' in q["sql"]]
    assert len(agenda_items) == 1, agenda_items  # the subjects of votes and rounds together
    # user, memberships (members), the coming and past meetings with the member's answers (one
    # query), votes, statement rounds, the agenda items they are on, guideline rounds (with
    # their comment counts and the member's verified e-mail, leitlinien's audience),
    # deliberations; staff: + outbox, events, recommendations. The session comes from the cache.
    assert len(large) == (8 if role == "member_user" else 10), [q["sql"][:150] for q in large]


def test_member_pages_share_one_membership_query_and_keep_nav_visibility(
    client, member_user, public_user, meeting
):
    """leitlinien's insider check (the "Sozialraumplan" navigation item) reads gremium's
    memberships: one membership query per page, the same visibility as before."""
    plan_url = reverse("leitlinien:plan_index")
    login(client, member_user)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("gremium:meeting_list")).content.decode()
    assert [q for q in ctx.captured_queries if 'FROM "gremium_membership"' in q["sql"]] != []
    assert len([q for q in ctx.captured_queries if 'FROM "gremium_membership"' in q["sql"]]) == 1
    assert f'href="{plan_url}"' in html
    client.logout()
    login(client, public_user)
    html = client.get(reverse("gremium:meeting_list")).content.decode()
    assert f'href="{plan_url}"' not in html


def test_paper_list_links_the_drucksache_number(client, db):
    from tests.gremium.factories import PaperFactory

    paper = PaperFactory(reference="1803/22", name="Integrierte Sozialraumplanung")
    body = client.get(reverse("gremium:paper_list")).content.decode()
    url = reverse("gremium:paper_detail", args=[paper.pk])
    assert f'<td><a href="{url}">1803/22</a></td>' in body


def test_public_agenda_pdf_is_rendered_once_per_content_version(
    client, staff_user, meeting, public_item, monkeypatch, django_capture_on_commit_callbacks
):
    from erfurt_srp.exports import pdf as pdf_module
    from gremium.services.meetings import agenda_item_add

    rendered = []

    def fake_pdf(html, **kwargs):
        rendered.append(html)
        return b"%PDF-" + str(len(rendered)).encode()

    monkeypatch.setattr(pdf_module, "pdf_from_html", fake_pdf)
    url = reverse("gremium:meeting_agenda_pdf", args=[meeting.pk])
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content == b"%PDF-1"
    assert len(rendered) == 1
    assert "Öffentlicher Punkt ThINKA" in rendered[0]

    with django_capture_on_commit_callbacks(execute=True):
        # (the members' update e-mail carries the internal agenda: one rendering of its own)
        agenda_item_add(actor=staff_user, meeting=meeting, name="Neuer öffentlicher Punkt")
    before = len(rendered)
    assert client.get(url).content == client.get(url).content == f"%PDF-{before + 1}".encode()
    assert len(rendered) == before + 1 and "Neuer öffentlicher Punkt" in rendered[-1]


def test_agenda_pdf_shows_non_public_items_only_to_the_committee(
    client, member_user, meeting, public_item, secret_item, monkeypatch
):
    from erfurt_srp.exports import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "pdf_from_html", lambda html, **kw: html.encode())
    url = reverse("gremium:meeting_agenda_pdf", args=[meeting.pk])
    public = client.get(url).content.decode()
    assert "Öffentlicher Punkt ThINKA" in public
    assert "Geheimer Standortpunkt" not in public and "9999/22" not in public
    login(client, member_user)
    internal = client.get(url).content.decode()
    assert "Geheimer Standortpunkt" in internal and "9999/22" in internal


def test_meeting_page_reads_papers_comments_votes_and_rounds_only_where_there_are_some(
    client, staff_user, committee, meeting, member_user, outsider_user
):
    """The agenda query says which items have papers, comments, votes or rounds: without any,
    the page does not look for them (nor for the guest grants the paper rule needs); with some,
    it reads them once and still shows only what the viewer may see."""
    from erfurt_srp.discussion.services import comment_create
    from gremium.models import Committee
    from gremium.services import statements as statement_services
    from tests.gremium.factories import open_vote

    public_item = AgendaItemFactory(meeting=meeting, name="Punkt ohne alles", public=True)
    secret_item = AgendaItemFactory(meeting=meeting, name="Interner Punkt", public=False)
    url = meeting.get_absolute_url()
    tables = (
        "gremium_consultation",
        "gremium_guestaccess",
        "discussion_comment",
        "gremium_vote",
        "gremium_statementround",
    )

    def read(user):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        froms = [q["sql"].split(" FROM ", 1)[1].split(" ", 1)[0].strip('"') for q in ctx]
        return html, {table: froms.count(table) for table in tables}, froms

    html, counts, froms = read(member_user)
    assert "Punkt ohne alles" in html and "Interner Punkt" in html
    assert counts == dict.fromkeys(tables, 0)
    # user, memberships, meeting, agenda (with its flags), the member's answer
    assert len(froms) == 5, froms

    other = Committee.objects.get(slug="anderes-gremium")
    ConsultationFactory(
        agenda_item=secret_item,
        committee=other,
        meeting=None,
        paper=PaperFactory(name="Fremde Vorlage", public=False, committee=other),
    )
    ConsultationFactory(agenda_item=public_item, paper=PaperFactory(name="Offene Vorlage"))
    comment_create(target=secret_item, body="Interner Kommentar", author=member_user)
    open_vote(committee=committee, subject=secret_item, question="Eigene Frage?")
    open_vote(committee=other, subject=public_item, question="Fremde Frage?")
    statement_services.statement_round_open(
        committee=committee,
        subject=public_item,
        title="Eigene Runde",
        actor=staff_user,
        notify=False,
    )

    html, counts, _froms = read(member_user)
    assert counts == dict.fromkeys(tables, 1)
    assert "Offene Vorlage" in html and "Interner Kommentar" in html
    assert "Eigene Frage?" in html and "Eigene Runde" in html
    # the other committee's paper and vote stay hidden from this committee's members
    assert "Fremde Vorlage" not in html and "Fremde Frage?" not in html

    html, _counts, _froms = read(outsider_user)
    assert "Fremde Frage?" in html and "Offene Vorlage" in html
    assert "Interner Punkt" not in html and "Interner Kommentar" not in html
    assert "Eigene Frage?" not in html and "Eigene Runde" not in html
