"""URL x role matrix: every gremium page for anonymous, public, outsider, member, deputy, staff,
admin, and two guests: `guest_user` may see the non-public papers of the meeting, `item_guest_user`
those of one agenda item (GuestAccess). Non-public items and papers never reach anyone outside the
committee (not even titles), guests only what was granted to them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, make_user

ROLES = [
    "anonymous",
    "public_user",
    "outsider_user",
    "member_user",
    "deputy_user",
    "staff_user",
    "admin_user",
    "guest_user",
    "item_guest_user",
]
SECRET = "Geheimer Standortpunkt"
SECRET_PAPER = "Vertrauliche Vorlage"
SECOND_SECRET = "Zweiter geheimer Punkt"
SECOND_PAPER = "Zweite vertrauliche Vorlage"
PAST_PAPER = "Vertrauliche Altvorlage"
MEMBER_COMMENT = "Mein Kommentar"


@pytest.fixture
def objects(meeting, public_item, secret_item, committee, member_user):
    from erfurt_srp.discussion.services import comment_create
    from gremium.models import GuestAccess, Membership
    from gremium.services.minutes import minutes_publish, minutes_save
    from tests.gremium.factories import MeetingFactory

    past = MeetingFactory(committee=committee, number=6, start=meeting.start.replace(year=2022))
    past.end = past.start.replace(hour=23)
    past.save()
    from tests.gremium.factories import AgendaItemFactory, ConsultationFactory, PaperFactory

    past_secret = AgendaItemFactory(meeting=past, name="Alter geheimer Punkt", public=False)
    minutes_save(
        actor=None,
        meeting=past,
        introduction="Begrüßung",
        entries={past_secret.pk: ("Text", "Ergebnis geheim")},
    )
    minutes_publish(actor=None, meeting=past)
    past_paper = PaperFactory(reference="9998/22", name=PAST_PAPER, public=False)
    ConsultationFactory(agenda_item=past_secret, paper=past_paper)
    second_item = AgendaItemFactory(meeting=meeting, name=SECOND_SECRET, public=False)
    second_paper = PaperFactory(reference="9997/22", name=SECOND_PAPER, public=False)
    ConsultationFactory(agenda_item=second_item, paper=second_paper)
    comment = comment_create(target=secret_item, body=MEMBER_COMMENT, author=member_user)
    membership = Membership.objects.filter(committee=committee, role="member").first()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gremium.services.papers import file_attach

    public_file = file_attach(
        actor=None,
        paper=public_item.consultations.first().paper,
        upload=SimpleUploadedFile("oeffentlich.pdf", b"%PDF-public"),
    )
    secret_file = file_attach(
        actor=None, agenda_item=secret_item, upload=SimpleUploadedFile("geheim.pdf", b"%PDF-x")
    )
    return {
        "public_file": public_file,
        "secret_file": secret_file,
        "meeting": meeting,
        "past": past,
        "public_item": public_item,
        "secret_item": secret_item,
        "public_paper": public_item.consultations.first().paper,
        "secret_paper": secret_item.consultations.first().paper,
        "comment": comment,
        "membership": membership,
        "committee": committee,
        "second_item": second_item,
        "second_paper": second_paper,
        "past_paper": past_paper,
        "grant": GuestAccess.objects.create(
            meeting=meeting, email="extern@example.org", ends_on=timezone.localdate()
        ),
    }


def _guest(email, staff_user, **target):
    from gremium.services.guests import guest_access_grant

    user = make_user(email, first_name="Gerda", last_name="Gast")
    guest_access_grant(
        actor=staff_user,
        email=user.email,
        ends_on=timezone.localdate() + timedelta(days=7),
        **target,
    )
    return user


@pytest.fixture
def guest_user(objects, staff_user):
    """May see the non-public papers of the meeting (both non-public items), nothing else."""
    return _guest("gast@example.org", staff_user, meeting=objects["meeting"])


@pytest.fixture
def item_guest_user(objects, staff_user):
    """May see the non-public papers of one agenda item (secret_item), nothing else."""
    return _guest("top-gast@example.org", staff_user, agenda_item=objects["secret_item"])


def _client_for(client, request, role):
    if role != "anonymous":
        user = request.getfixturevalue(role)
        client.login(email=user.email, password=PASSWORD)
    return client


def _url(name, objects, key=None, attr="pk"):
    if key is None:
        return reverse(f"gremium:{name}")
    obj = objects[key]
    return reverse(f"gremium:{name}", args=[getattr(obj, attr)])


LOGIN = 302


def everyone(status=200):
    return [status] * 7


def staff_only(other=403, anon=LOGIN):
    return [anon, other, other, other, other, 200, 200]


# The guests' columns: like a public account (the value in the public_user column) except where
# listed here as (guest of the meeting, guest of secret_item).
GUEST_GET = {
    ("agenda_item_edit", "secret_item"): (403, 403),
    ("agenda_item_guests", "secret_item"): (403, 403),
    ("paper_detail", "secret_paper"): (200, 200),
    ("paper_detail", "second_paper"): (200, 404),
    ("file_download", "secret_file"): (200, 200),
}
GUEST_POST = {
    ("agenda_item_delete", "secret_item"): (403, 403),
    ("comment_add", "secret_item"): (403, 403),
}


def _expected(row_expected, role_index, overrides, name, key):
    if role_index < 7:
        return row_expected[role_index]
    if (name, key) in overrides:
        return overrides[(name, key)][role_index - 7]
    return row_expected[1]


# What each role must never receive (in any page, download or PDF it gets with 200).
OUTSIDER_SECRETS = (SECRET, SECRET_PAPER, "Alter geheimer Punkt", SECOND_SECRET, SECOND_PAPER)
FORBIDDEN = {
    "anonymous": OUTSIDER_SECRETS,
    "public_user": OUTSIDER_SECRETS,
    "outsider_user": OUTSIDER_SECRETS,
    "guest_user": ("Alter geheimer Punkt", PAST_PAPER, MEMBER_COMMENT),
    "item_guest_user": (
        "Alter geheimer Punkt",
        PAST_PAPER,
        MEMBER_COMMENT,
        SECOND_SECRET,
        SECOND_PAPER,
    ),
}


GET_MATRIX = [
    ("meeting_list", None, None, everyone()),
    ("meeting_feed", None, None, everyone()),
    ("meeting_detail", "meeting", "pk", everyone()),
    ("meeting_ics", "meeting", "pk", everyone()),
    ("meeting_agenda_pdf", "meeting", "pk", everyone()),
    ("meeting_create", None, None, staff_only()),
    ("meeting_edit", "meeting", "pk", staff_only()),
    ("meeting_outbox", "meeting", "pk", staff_only()),
    ("meeting_guests", "meeting", "pk", staff_only()),
    ("agenda_item_guests", "secret_item", "pk", [LOGIN, 404, 404, 403, 403, 200, 200]),
    ("agenda_item_add", "meeting", "pk", staff_only()),
    ("agenda_item_edit", "public_item", "pk", staff_only()),
    # a non-public item is invisible (404) outside the committee, read-only (403) for members
    ("agenda_item_edit", "secret_item", "pk", [LOGIN, 404, 404, 403, 403, 200, 200]),
    ("agenda_item_file_add", "public_item", "pk", staff_only()),
    ("attendance_edit", "meeting", "pk", staff_only()),
    ("minutes_edit", "past", "pk", staff_only()),
    # the published draft of the minutes: members, deputies and staff only
    ("minutes_detail", "past", "pk", [404, 404, 404, 200, 200, 200, 200]),
    ("minutes_pdf", "past", "pk", [404, 404, 404, 200, 200, 200, 200]),
    ("paper_list", None, None, everyone()),
    ("paper_detail", "public_paper", "pk", everyone()),
    ("paper_detail", "secret_paper", "pk", [404, 404, 404, 200, 200, 200, 200]),
    ("paper_detail", "second_paper", "pk", [404, 404, 404, 200, 200, 200, 200]),
    ("paper_detail", "past_paper", "pk", [404, 404, 404, 200, 200, 200, 200]),
    ("paper_create", None, None, staff_only()),
    ("paper_numbers", None, None, staff_only()),
    ("paper_edit", "public_paper", "pk", staff_only()),
    ("paper_file_add", "public_paper", "pk", staff_only()),
    ("consultation_add", "public_paper", "pk", staff_only()),
    ("committee_list", None, None, everyone()),
    ("committee_detail", "committee", "slug", everyone()),
    ("membership_add", "committee", "slug", staff_only()),
    ("committee_history", "committee", "slug", staff_only()),
    ("membership_end", "membership", "pk", staff_only()),
    ("membership_replace", "membership", "pk", staff_only()),
    ("comment_hide", "comment", "pk", [LOGIN, 404, 404, 403, 403, 200, 200]),
    # only the author edits, and only for a short time
    ("comment_edit", "comment", "pk", [LOGIN, 404, 404, 200, 403, 403, 403]),
    ("file_download", "public_file", "pk", everyone()),
    ("file_download", "secret_file", "pk", [404, 404, 404, 200, 200, 200, 200]),
]


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_get_matrix(client, request, objects, role_index, role):
    """Every page for one role (one fixture set per role keeps the matrix fast)."""
    client = _client_for(client, request, role)
    wrong = []
    for name, key, attr, row_expected in GET_MATRIX:
        expected = _expected(row_expected, role_index, GUEST_GET, name, key)
        url = _url(name, objects, key, attr)
        response = client.get(url)
        if response.status_code != expected:
            wrong.append((url, response.status_code, expected))
        if response.status_code == 200 and role in FORBIDDEN:
            body = _body(response)
            for secret in FORBIDDEN[role]:
                if secret.encode() in body:
                    wrong.append((url, "leaks", secret))
    assert not wrong, wrong


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


POST_MATRIX = [
    # (url name, object, attr, data, expected per role)
    ("meeting_publish", "meeting", "pk", {}, [LOGIN, 403, 403, 403, 403, 302, 302]),
    ("meeting_held", "meeting", "pk", {}, [LOGIN, 403, 403, 403, 403, 302, 302]),
    ("meeting_cancel", "meeting", "pk", {"reason": "x"}, [LOGIN, 403, 403, 403, 403, 302, 302]),
    (
        "agenda_item_move",
        "public_item",
        "pk",
        {"position": 2},
        [LOGIN, 403, 403, 403, 403, 302, 302],
    ),
    ("agenda_item_delete", "secret_item", "pk", {}, [LOGIN, 404, 404, 403, 403, 302, 302]),
    (
        "meeting_respond",
        "meeting",
        "pk",
        {"answer": "attending"},
        [LOGIN, 403, 403, 302, 302, 403, 403],
    ),
    ("comment_add", "secret_item", "pk", {"body": "Hallo"}, [LOGIN, 404, 404, 302, 302, 302, 302]),
    ("comment_add", "public_item", "pk", {"body": "Hallo"}, [LOGIN, 403, 403, 302, 302, 302, 302]),
    ("minutes_publish", "past", "pk", {}, [LOGIN, 403, 403, 403, 403, 302, 302]),
    (
        "minutes_comment_add",
        "past",
        "pk",
        {"body": "Anmerkung"},
        [LOGIN, 404, 404, 302, 302, 302, 302],
    ),
    ("minutes_approve", "past", "pk", {}, [LOGIN, 403, 403, 403, 403, 400, 400]),
    (
        "minutes_approval_revoke",
        "past",
        "pk",
        {"reason": "irrtümlich"},
        [LOGIN, 403, 403, 403, 403, 400, 400],
    ),
    (
        "meeting_guests",
        "meeting",
        "pk",
        {"email": "neu@example.org", "ends_on": "2099-12-31"},
        [LOGIN, 403, 403, 403, 403, 302, 302],
    ),
    ("guest_access_revoke", "grant", "pk", {}, [LOGIN, 403, 403, 403, 403, 302, 302]),
    (
        "agenda_item_add",
        "meeting",
        "pk",
        {"name": "Neu", "public": "on"},
        [LOGIN, 403, 403, 403, 403, 302, 302],
    ),
    (
        "membership_add",
        "committee",
        "slug",
        {
            "represents": "self",
            "role": "member",
            "first_name": "Gerd",
            "last_name": "Baumann",
            "email": "gerd.baumann@example.org",
        },
        [LOGIN, 403, 403, 403, 403, 302, 302],
    ),
    (
        "paper_create",
        None,
        None,
        {"reference": "1/23", "name": "Neu", "kind": "information", "date": "2023-01-01"},
        [LOGIN, 403, 403, 403, 403, 302, 302],
    ),
    (
        "paper_numbers",
        None,
        None,
        {"year": "2031", "next_number": "1804"},
        [LOGIN, 403, 403, 403, 403, 302, 302],
    ),
]


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_post_matrix(client, request, objects, role_index, role):
    """Every action for one role; each POST runs in a savepoint that is rolled back."""
    from django.db import transaction

    client = _client_for(client, request, role)
    wrong = []
    for name, key, attr, data, row_expected in POST_MATRIX:
        expected = _expected(row_expected, role_index, GUEST_POST, name, key)
        url = _url(name, objects, key, attr)
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        if response.status_code != expected:
            wrong.append((url, response.status_code, expected))
    assert not wrong, wrong


def test_ended_membership_loses_access_the_same_day(client, objects, member_user):
    from django.utils import timezone

    from gremium.services.committees import membership_end

    url = _url("paper_detail", objects, "secret_paper")
    client.login(email=member_user.email, password=PASSWORD)
    assert client.get(url).status_code == 200
    membership_end(
        actor=None, membership=member_user.person.memberships.get(), end_date=timezone.localdate()
    )
    assert client.get(url).status_code == 404
    response = client.get(_url("meeting_detail", objects, "meeting"))
    assert response.status_code == 200
    assert SECRET.encode() not in response.content


def test_draft_meeting_is_invisible_to_members(client, committee, member_user):
    from gremium.models import Meeting
    from tests.gremium.factories import MeetingFactory

    draft = MeetingFactory(committee=committee, state=Meeting.State.DRAFT, published_at=None)
    client.login(email=member_user.email, password=PASSWORD)
    assert client.get(reverse("gremium:meeting_detail", args=[draft.pk])).status_code == 404
    assert draft.title.encode() not in client.get(reverse("gremium:meeting_list")).content
