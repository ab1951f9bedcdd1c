"""URL x role matrix for the drafts of the guidelines, with an editor column: `editor_user` holds
the Federführung (guardian's edit_theme_draft on the theme, ThemeEditor record) of the theme
"Teilhabe" and may see and edit its drafts, nothing else: not another theme's draft, not a new
version, no round, no adoption, not the staff page that names the editors."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gremium.models import Committee
from leitlinien.models import GuidelineVersion
from tests.conftest import make_user

from .factories import GuidelineFactory, ThemeFactory, VersionFactory

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "public_user",
    "outsider_user",
    "member_user",
    "staff_user",
    "admin_user",
    "editor_user",
]
LOGIN = 302
OTHER_DRAFT_TEXT = "Entwurfstext des anderen Themas"


@pytest.fixture
def objects(draft, guideline, outsider_user, member_user, staff_user):
    other_committee = Committee.objects.get(slug="anderes-gremium")
    other_guideline = GuidelineFactory(
        theme=ThemeFactory(committee=other_committee, title="Wohnen", slug="wohnen")
    )
    other_draft = VersionFactory(
        guideline=other_guideline,
        number=1,
        state=GuidelineVersion.State.DRAFT,
        paragraphs=[OTHER_DRAFT_TEXT],
    )
    adopted = VersionFactory(
        guideline=guideline,
        number=2,
        state=GuidelineVersion.State.ADOPTED,
        adopted_on=timezone.localdate(),
    )
    return {
        "draft": draft,
        "guideline": guideline,
        "theme": guideline.theme,
        "other_draft": other_draft,
        "adopted": adopted,
    }


@pytest.fixture
def editor_user(objects, staff_user):
    from leitlinien.services import theme_editor_grant

    user = make_user("federfuehrung@example.org", first_name="Fritzi", last_name="Feder")
    theme_editor_grant(actor=staff_user, theme=objects["theme"], email=user.email)
    return user


def _url(name, objects, key, attr="pk"):
    return reverse(f"leitlinien:{name}", args=[getattr(objects[key], attr)])


GET_MATRIX = [
    # (url name, object, attr, expected per role in ROLES order)
    ("guideline_detail", "guideline", "slug", [200, 200, 200, 200, 200, 200, 200]),
    ("version_detail", "draft", "pk", [404, 404, 404, 200, 200, 200, 200]),
    ("version_edit", "draft", "pk", [LOGIN, 404, 404, 403, 200, 200, 200]),
    ("version_detail", "other_draft", "pk", [404, 404, 200, 404, 200, 200, 404]),
    ("version_edit", "other_draft", "pk", [LOGIN, 404, 403, 404, 200, 200, 404]),
    # not a draft any more: staff and the editor are sent back to the version with a message
    ("version_edit", "adopted", "pk", [LOGIN, 403, 403, 403, 302, 302, 302]),
    ("version_create", "guideline", "slug", [LOGIN, 403, 403, 403, 200, 200, 403]),
    ("version_adopt", "draft", "pk", [LOGIN, 403, 403, 403, 200, 200, 403]),
    ("round_create", "draft", "pk", [LOGIN, 403, 403, 403, 200, 200, 403]),
    ("theme_editors", "theme", "slug", [LOGIN, 403, 403, 403, 200, 200, 403]),
]


def _login(client, request, role):
    request.getfixturevalue("editor_user")  # the grant exists for every role
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_draft_pages_matrix(client, request, objects, role_index, role):
    client = _login(client, request, role)
    wrong = []
    for name, key, attr, expected in GET_MATRIX:
        url = _url(name, objects, key, attr)
        response = client.get(url)
        if response.status_code != expected[role_index]:
            wrong.append((url, response.status_code, expected[role_index]))
        if role == "editor_user" and response.status_code == 200:
            if OTHER_DRAFT_TEXT.encode() in response.content:
                wrong.append((url, "leaks the other theme's draft"))
    assert not wrong, wrong


def _edit_data(title):
    return {"title": title, "text": "Erster Absatz.\n\nZweiter Absatz.", "change_note": ""}


POST_MATRIX = [
    ("version_edit", "draft", "pk", _edit_data("Neu"), [LOGIN, 404, 404, 403, 302, 302, 302]),
    (
        "version_edit",
        "other_draft",
        "pk",
        _edit_data("Neu"),
        [LOGIN, 404, 403, 404, 302, 302, 404],
    ),
    ("version_adopt", "draft", "pk", {}, [LOGIN, 403, 403, 403, 200, 200, 403]),
    (
        "theme_editors",
        "theme",
        "slug",
        {"email": "neu@example.org"},
        [LOGIN, 403, 403, 403, 302, 302, 403],
    ),
]


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_draft_actions_matrix(client, request, objects, role_index, role):
    client = _login(client, request, role)
    wrong = []
    for name, key, attr, data, expected in POST_MATRIX:
        url = _url(name, objects, key, attr)
        with transaction.atomic():
            response = client.post(url, data)
            transaction.set_rollback(True)
        if response.status_code != expected[role_index]:
            wrong.append((url, response.status_code, expected[role_index]))
    assert not wrong, wrong


def test_editor_saves_the_draft_of_their_theme(client, objects, editor_user):
    client.force_login(editor_user)
    response = client.post(
        _url("version_edit", objects, "draft"), _edit_data("Fassung der Federführung")
    )
    assert response.status_code == 302
    objects["draft"].refresh_from_db()
    assert objects["draft"].title == "Fassung der Federführung"
    assert objects["draft"].paragraphs == ["Erster Absatz.", "Zweiter Absatz."]


def test_editor_is_a_guardian_object_permission(objects, editor_user):
    assert editor_user.has_perm("leitlinien.edit_theme_draft", objects["theme"])
    assert not editor_user.has_perm(
        "leitlinien.edit_theme_draft", objects["other_draft"].guideline.theme
    )


def test_revoked_editor_loses_the_draft_at_once(client, objects, editor_user, staff_user):
    from leitlinien.models import ThemeEditor
    from leitlinien.services import theme_editor_revoke

    url = _url("version_edit", objects, "draft")
    client.force_login(editor_user)
    assert client.get(url).status_code == 200
    theme_editor_revoke(actor=staff_user, grant=ThemeEditor.objects.get(user=editor_user))
    assert client.get(url).status_code == 404
    assert not editor_user.has_perm("leitlinien.edit_theme_draft", objects["theme"])


def test_ended_editor_loses_the_draft_the_day_after(client, objects, editor_user):
    from leitlinien.models import ThemeEditor, ThemeUserObjectPermission
    from leitlinien.services import theme_editors_expire

    ThemeEditor.objects.filter(user=editor_user).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(editor_user)
    # the guardian row still stands until the daily job runs, but counts no more
    assert ThemeUserObjectPermission.objects.filter(user=editor_user).exists()
    assert client.get(_url("version_edit", objects, "draft")).status_code == 404
    assert theme_editors_expire() == 1
    assert not ThemeUserObjectPermission.objects.filter(user=editor_user).exists()
