from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.discussion.models import Comment
from erfurt_srp.notifications.models import OutboxMessage
from leitlinien import services
from leitlinien.models import Audience, ConsultationRound, GuidelineVersion, RoundInvitation
from tests.outbox import sent_body

from .factories import MeasureFactory, RoundFactory, VersionFactory, answer, round_comment

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "public_user", "outsider_user", "member_user", "staff_user", "admin_user"]


@pytest.fixture
def as_role(client, request):
    def login(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


# --- who sees what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 404),
        ("public_user", 404),
        ("outsider_user", 404),
        ("member_user", 200),
        ("staff_user", 200),
        ("admin_user", 200),
    ],
)
def test_drafts_reach_only_the_committee(as_role, draft, role, status):
    client = as_role(role)
    assert client.get(reverse("leitlinien:version_detail", args=[draft.pk])).status_code == status
    page = client.get(reverse("leitlinien:guideline_detail", args=[draft.guideline.slug]))
    assert page.status_code == 200
    assert (reverse("leitlinien:version_detail", args=[draft.pk]) in page.content.decode()) == (
        status == 200
    )
    index = client.get(reverse("leitlinien:index")).content.decode()
    assert ("Aktuelle Fassung: 1" in index) == (status == 200)


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 404),
        ("public_user", 404),
        ("outsider_user", 404),
        ("member_user", 200),
        ("staff_user", 200),
        ("admin_user", 200),
    ],
)
def test_audience_rounds_are_closed_to_others(as_role, factions_round, role, status):
    client = as_role(role)
    assert client.get(factions_round.get_absolute_url()).status_code == status
    export = reverse("leitlinien:round_export", args=[factions_round.pk, "csv"])
    assert client.get(export).status_code == status


@pytest.mark.parametrize("role", ROLES)
def test_public_round_is_readable_by_everyone(as_role, public_round, role):
    response = as_role(role).get(public_round.get_absolute_url())
    assert response.status_code == 200
    assert "Die Stadt richtet Angebote" in response.content.decode()


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 302),
        ("public_user", 403),
        ("outsider_user", 403),
        ("member_user", 403),
        ("staff_user", 200),
        ("admin_user", 200),
    ],
)
def test_staff_pages(as_role, public_round, role, status):
    client = as_role(role)
    for url in [
        reverse("leitlinien:theme_create"),
        reverse("leitlinien:version_create", args=[public_round.version.guideline.slug]),
        reverse("leitlinien:round_create", args=[public_round.version.pk]),
        reverse("leitlinien:round_dispositions", args=[public_round.pk]),
        reverse("leitlinien:round_invitations", args=[public_round.pk]),
        reverse("leitlinien:version_adopt", args=[public_round.version.pk]),
        reverse("leitlinien:measure_create"),
    ]:
        assert client.get(url).status_code == status, url
    comment = round_comment(public_round)
    hide = client.post(reverse("leitlinien:comment_hide", args=[comment.pk]), {"reason": "Spam"})
    assert hide.status_code == (302 if status == 200 else status)
    comment.refresh_from_db()
    assert comment.is_hidden == (status == 200)


@pytest.mark.parametrize(
    "role,status",
    [
        ("anonymous", 302),
        ("public_user", 403),
        ("outsider_user", 200),
        ("member_user", 200),
        ("staff_user", 200),
        ("admin_user", 200),
    ],
)
def test_plan_is_for_committees_and_staff(as_role, role, status):
    assert as_role(role).get(reverse("leitlinien:plan_index")).status_code == status


@pytest.mark.parametrize("role", ["anonymous", "public_user", "member_user"])
def test_only_staff_may_build_the_plan(as_role, role):
    response = as_role(role).post(reverse("leitlinien:plan_request"))
    assert response.status_code in (302, 403)
    from leitlinien.models import PlanExport

    assert not PlanExport.objects.exists()


# --- the round page: fixed number of queries --------------------------------------------------


def _big_round(n_comments):
    version = VersionFactory(paragraphs=[f"Absatz {i} der Leitlinie." for i in range(1, 41)])
    consultation_round = RoundFactory(version=version, audience=Audience.PUBLIC)
    _add_comments(consultation_round, n_comments)
    return consultation_round


def _add_comments(consultation_round, n):
    from django.contrib.contenttypes.models import ContentType

    from erfurt_srp.accounts.models import User

    users = list(User.objects.all()[:3])
    ct = ContentType.objects.get_for_model(ConsultationRound)
    start = Comment.objects.filter(target_id=str(consultation_round.pk)).count()
    rows = []
    for i in range(start, start + n):
        kw = {"author": users[i % len(users)]} if users and i % 2 else {"author_name": f"P{i}"}
        rows.append(
            Comment(
                target_type=ct,
                target_id=str(consultation_round.pk),
                anchor=str(i % 41) if i % 41 else "",
                body=f"<p>Kommentar {i}</p>",
                **kw,
            )
        )
    Comment.objects.bulk_create(rows)
    for comment in Comment.objects.filter(
        target_id=str(consultation_round.pk), leitlinien_disposition__isnull=True
    )[: n // 2]:
        answer(comment, consultation_round)


@pytest.mark.parametrize("mode", ["page", "all_expanded"])
@pytest.mark.parametrize("role", ["anonymous", "public_user", "staff_user"])
def test_round_page_queries_do_not_grow_with_comments(client, request, role, mode):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    consultation_round = _big_round(20)
    url = consultation_round.get_absolute_url() + ("?alle=alle" if mode == "all_expanded" else "")
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.content.decode().count('id="kommentar-') == 20
    _add_comments(consultation_round, 180)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    shown = response.content.decode().count('id="kommentar-')
    # 200 comments over 41 sections: 3 threads per section shown, the rest behind a link
    assert shown == (200 if mode == "all_expanded" else 3 * 41)
    assert len(small) == len(large), [q["sql"] for q in large.captured_queries]
    # page: round (+ version, guideline, theme), statistics, counts per paragraph, the first
    # three threads per paragraph (window function), their replies, their dispositions.
    # all_expanded: round, statistics, all comments (+ authors), all dispositions.
    # Logged in adds the user (the session comes from the cache); staff the verified e-mail
    # (comment form); the public user their memberships (one query, shared by the committee
    # check and the navigation's member check: gremium.permissions.user_memberships) and e-mail.
    base = {"page": 6, "all_expanded": 4}[mode]
    extra = {"anonymous": 0, "public_user": 3, "staff_user": 2}[role]
    assert len(large) == base + extra, [q["sql"] for q in large.captured_queries]


def test_long_sections_show_three_threads_and_expand(client, public_round):
    for i in range(5):
        round_comment(public_round, anchor="2", body=f"Gedanke {i}")
    html = client.get(public_round.get_absolute_url()).content.decode()
    assert "Gedanke 2" in html and "Gedanke 3" not in html
    assert "2 weitere Kommentare anzeigen" in html
    expanded = client.get(public_round.get_absolute_url() + "?alle=2").content.decode()
    assert "Gedanke 4" in expanded
    partial = client.get(
        public_round.get_absolute_url() + "?alle=2", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert partial.startswith('<section class="paragraph-section" id="absatz-2"')
    assert "Gedanke 4" in partial and "<html" not in partial


# --- commenting through the page --------------------------------------------------------------


def test_logged_in_public_user_comments_and_sees_it(client, public_user, public_round):
    client.force_login(public_user)
    url = reverse("leitlinien:round_comment", args=[public_round.pk])
    response = client.post(
        url, {"anchor": "2", "body": "<b>Mehr</b> Beratung <script>x()</script>"}
    )
    assert response.status_code == 302
    page = client.get(public_round.get_absolute_url()).content.decode()
    assert "<b>Mehr</b> Beratung" not in page  # <b> is not allowed, stripped
    assert "Mehr Beratung" in page and "<script>x()" not in page
    assert "Berta Public" in page


def test_bad_comment_input_keeps_the_text_and_names_the_field(client, public_user, public_round):
    client.force_login(public_user)
    url = reverse("leitlinien:round_comment", args=[public_round.pk])
    response = client.post(url, {"anchor": "99", "body": "Mein langer Gedanke"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Absatz 99 gibt es in Fassung 1 nicht" in html
    assert "Mein langer Gedanke" in html
    assert not Comment.objects.exists()


def test_comment_on_ended_round_shows_a_clear_message(client, public_user, ended_round):
    client.force_login(public_user)
    response = client.post(
        reverse("leitlinien:round_comment", args=[ended_round.pk]), {"body": "Zu spät"}
    )
    assert response.status_code == 400
    assert "nimmt keine Kommentare mehr an" in response.content.decode()
    assert "Zu spät" in response.content.decode()


def test_anonymous_comment_goes_to_login(client, public_round):
    response = client.post(
        reverse("leitlinien:round_comment", args=[public_round.pk]), {"body": "x"}
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- personal links ---------------------------------------------------------------------------


def _link(consultation_round, staff_user):
    services.round_invite(
        consultation_round=consultation_round,
        recipients=[{"name": "OBM Nord", "email": "nord@example.org", "group": "Ortsteil Nord"}],
        actor=staff_user,
    )
    body = sent_body(OutboxMessage.objects.get(recipient="nord@example.org"))
    return "/leitlinien/link/" + body.split("/leitlinien/link/")[1].split("/")[0] + "/"


def test_personal_link_lets_the_invitee_comment(client, factions_round, staff_user):
    url = _link(factions_round, staff_user)
    page = client.get(url)
    assert (
        page.status_code == 200
        and "Persönlicher Beteiligungslink für OBM Nord" in page.content.decode()
    )
    response = client.post(
        url, {"anchor": "1", "body": "Aus dem Ortsteil", "author_name": "OBM Nord"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author_group == "Ortsteil Nord" and comment.author_email == "nord@example.org"
    # the link shows the dispositions of its round
    answer(comment, factions_round)
    assert "Zur Kenntnis genommen." in client.get(url).content.decode()


def test_expired_and_closed_links_explain_themselves(client, factions_round, staff_user):
    url = _link(factions_round, staff_user)
    RoundInvitation.objects.update(expires_at=timezone.now() - timedelta(hours=1))
    response = client.post(url, {"body": "Noch ein Gedanke", "author_name": "OBM"})
    assert response.status_code == 410
    assert "abgelaufen" in response.content.decode()
    assert not Comment.objects.exists()
    ConsultationRound.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
    response = client.get(url)
    assert response.status_code == 410 and "zu Ende gegangen" in response.content.decode()


def test_unknown_link_is_404_with_help(client, db):
    response = client.get("/leitlinien/link/not-a-token/")
    assert response.status_code == 404
    assert "Beteiligungslink ist ungültig" in response.content.decode()


# --- diff, Abwägung, exports ------------------------------------------------------------------


def test_compare_shows_changes_by_paragraph(client, staff_user, guideline):
    old = VersionFactory(
        guideline=guideline,
        number=1,
        paragraphs=["Alpha beta.", "Entfällt <b>ganz</b>.", "Gleich."],
    )
    new = VersionFactory(
        guideline=guideline, number=2, paragraphs=["Alpha gamma.", "Gleich.", "Ganz neu."]
    )
    client.force_login(staff_user)
    html = client.get(
        reverse("leitlinien:version_compare", args=[guideline.slug]) + f"?a={old.pk}&b={new.pk}"
    ).content.decode()
    assert '<del><span class="visually-hidden">Streichung: </span>beta.</del>' in html
    assert '<ins><span class="visually-hidden">Einfügung: </span>gamma.</ins>' in html
    assert "Entfällt &lt;b&gt;ganz&lt;/b&gt;." in html
    assert "entfallen" in html and "neu" in html


def test_disposition_page_answer_and_close(client, staff_user, ended_round):
    comment = round_comment(ended_round, anchor="1", body="Bitte ändern")
    client.force_login(staff_user)
    page = client.get(reverse("leitlinien:round_dispositions", args=[ended_round.pk]))
    assert "Bitte ändern" in page.content.decode()
    close = reverse("leitlinien:round_close", args=[ended_round.pk])
    response = client.post(close, follow=True)
    assert "1 Kommentar hat noch keine Abwägung" in response.content.decode()
    url = reverse("leitlinien:comment_disposition", args=[comment.pk])
    prefix = f"c{comment.pk}"
    client.post(url, {f"{prefix}-decision": "rejected", f"{prefix}-reason": "Widerspricht § 2"})
    response = client.post(close, follow=True)
    assert "abgewogen und abgeschlossen" in response.content.decode()


def test_public_sees_answers_to_public_comments(client, ended_round):
    comment = round_comment(ended_round, body="Öffentlicher Hinweis")
    answer(comment, ended_round)
    html = client.get(ended_round.get_absolute_url()).content.decode()
    assert "Abwägung: zur Kenntnis genommen" in html and "Zur Kenntnis genommen." in html


def test_disposition_table_exports(client, staff_user, ended_round):
    comment = round_comment(ended_round, anchor="2", body="<p>=SUMME(A1) &amp; mehr</p>")
    answer(comment, ended_round)
    round_comment(ended_round, body="versteckt")
    client.force_login(staff_user)
    csv = client.get(reverse("leitlinien:round_export", args=[ended_round.pk, "csv"]))
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("Absatz;Kommentar;Verfasst von / Zielgruppe")
    assert "'=SUMME(A1) & mehr" in text and "§ 2" in text and "Erika Muster (Ortsteil)" in text
    docx = client.get(reverse("leitlinien:round_export", args=[ended_round.pk, "docx"]))
    assert docx.content[:2] == b"PK"
    pdf = client.get(reverse("leitlinien:round_export", args=[ended_round.pk, "pdf"]))
    assert pdf.content[:4] == b"%PDF"


# --- measures ---------------------------------------------------------------------------------


def test_measure_list_filters_and_paginates(client, django_assert_max_num_queries):
    first = MeasureFactory(planning_level="administration", title="Antragsverfahren")
    for i in range(30):
        MeasureFactory(
            guideline=first.guideline, source_version=first.source_version, title=f"Quartier {i:02}"
        )
    with django_assert_max_num_queries(4):
        page = client.get(reverse("leitlinien:measure_list")).content.decode()
    assert "31 Maßnahmen gefunden" in page and "Seite 1 von 2" in page
    filtered = client.get(
        reverse("leitlinien:measure_list") + "?planning_level=administration"
    ).content.decode()
    assert "1 Maßnahme gefunden" in filtered and "Antragsverfahren" in filtered
    page2 = client.get(reverse("leitlinien:measure_list") + "?seite=2").content.decode()
    assert "Quartier 29" in page2


def test_measure_form_keeps_input_and_shows_errors(client, staff_user):
    measure = MeasureFactory()
    client.force_login(staff_user)
    response = client.post(
        reverse("leitlinien:measure_create"),
        {"guideline": measure.guideline.pk, "title": "Neue Maßnahme", "planning_level": "area"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Neue Maßnahme" in html and "Dieses Feld ist zwingend erforderlich." in html


def test_draft_version_measures_are_hidden(client):
    measure = MeasureFactory()
    GuidelineVersion.objects.filter(pk=measure.source_version_id).update(state="consultation")
    assert client.get(measure.get_absolute_url()).status_code == 404
    assert "0 Maßnahmen gefunden" in client.get(reverse("leitlinien:measure_list")).content.decode()


def test_hidden_comment_shows_the_reason_not_the_text(client, staff_user, public_round):
    comment = round_comment(public_round, body="Unsachlicher Text")
    services.round_comment_hide(comment=comment, reason="Beleidigung", actor=staff_user)
    html = client.get(public_round.get_absolute_url()).content.decode()
    assert "Unsachlicher Text" not in html and "Grund: Beleidigung" in html
    client.force_login(staff_user)
    assert "Unsachlicher Text" in client.get(public_round.get_absolute_url()).content.decode()


def test_dashboard_panels(client, staff_user, public_user, public_round, ended_round):
    round_comment(ended_round)
    client.force_login(public_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Öffentliche Runde" in html and "Beendete Runde" not in html
    client.force_login(staff_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert (
        "Beendete Runde" in html
        and reverse("leitlinien:round_dispositions", args=[ended_round.pk]) in html
    )


def test_dashboard_public_round_needs_a_verified_address_read_with_the_rounds(
    client, public_user, public_round
):
    """The audience of a public round (a verified e-mail address) is read in the rounds' query:
    no query of its own, and an unverified account still does not see the round."""
    from allauth.account.models import EmailAddress

    client.force_login(public_user)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(reverse("dashboard")).content.decode()
    assert "Öffentliche Runde" in html
    own_queries = [
        q["sql"]
        for q in ctx.captured_queries
        if 'FROM "account_emailaddress"' in q["sql"] and "consultationround" not in q["sql"]
    ]
    assert own_queries == []
    EmailAddress.objects.filter(user=public_user).update(verified=False)
    assert "Öffentliche Runde" not in client.get(reverse("dashboard")).content.decode()


def test_version_page_and_edit_for_staff(client, staff_user, draft):
    client.force_login(staff_user)
    assert "Entwurf bearbeiten" in client.get(draft.get_absolute_url()).content.decode()
    url = reverse("leitlinien:version_edit", args=[draft.pk])
    response = client.post(url, {"title": "Neu", "text": "", "change_note": "x"})
    assert (
        response.status_code == 200
        and "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    )
    response = client.post(url, {"title": "Neu", "text": "Eins\n\nZwei", "change_note": "x"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.paragraphs == ["Eins", "Zwei"]


def test_staff_creates_round_and_sends_links(client, staff_user, draft):
    client.force_login(staff_user)
    response = client.post(
        reverse("leitlinien:round_create", args=[draft.pk]),
        {
            "audience": "districts",
            "title": "Ortsteile",
            "starts_at": "2030-01-10T10:00",
            "ends_at": "2030-01-01T10:00",
        },
    )
    assert "Das Ende muss nach dem Beginn liegen." in response.content.decode()
    response = client.post(
        reverse("leitlinien:round_create", args=[draft.pk]),
        {
            "audience": "districts",
            "title": "Ortsteile",
            "starts_at": "2030-01-01T10:00",
            "ends_at": "2030-02-01T10:00",
        },
    )
    consultation_round = ConsultationRound.objects.get()
    assert response["Location"] == consultation_round.get_absolute_url()
    url = reverse("leitlinien:round_invitations", args=[consultation_round.pk])
    bad = client.post(url, {"recipients": "Anna; keine-adresse; Ortsteil Nord"})
    assert "Zeile 1" in bad.content.decode() and "keine-adresse" in bad.content.decode()
    client.post(
        url, {"recipients": "Anna; anna@example.org; Ortsteil Nord\nBernd; bernd@example.org"}
    )
    assert RoundInvitation.objects.count() == 2


def test_disposition_pages_and_open_filter(client, staff_user, ended_round):
    comments = [round_comment(ended_round, body=f"Hinweis {i:02}") for i in range(55)]
    answer(comments[0], ended_round)
    client.force_login(staff_user)
    url = reverse("leitlinien:round_dispositions", args=[ended_round.pk])
    first = client.get(url).content.decode()
    assert "Seite 1 von 2" in first and "Hinweis 49" in first and "Hinweis 50" not in first
    open_only = client.get(url + "?offen=1").content.decode()
    assert "Hinweis 00" not in open_only and "Hinweis 50" in open_only
    prefix = f"c{comments[1].pk}"
    response = client.post(
        reverse("leitlinien:comment_disposition", args=[comments[1].pk]),
        {f"{prefix}-decision": "noted", f"{prefix}-reason": "ok", "next": "?offen=1&seite=1"},
    )
    assert response["Location"].endswith(f"?offen=1&seite=1#abwaegung-{comments[1].pk}")


def test_accounts_without_a_name_do_not_publish_their_email(client, public_round):
    from erfurt_srp.accounts.models import User

    anonymous_account = User.objects.create_user(email="ohne-name@example.org")
    round_comment(public_round, author=anonymous_account, body="Ohne Namen")
    html = client.get(public_round.get_absolute_url()).content.decode()
    assert "Ohne Namen" in html and "ohne-name@example.org" not in html
    assert "Registrierte Person" in html


def test_pages_name_a_round_the_reader_may_not_open_without_linking_it(client, version):
    from leitlinien.models import Audience

    from .factories import RoundFactory

    public = RoundFactory(version=version, audience=Audience.PUBLIC, title="Für alle")
    factions = RoundFactory(version=version, audience=Audience.FACTIONS, title="Nur Fraktionen")
    assert client.get(factions.get_absolute_url()).status_code == 404
    for url in (version.guideline.get_absolute_url(), version.get_absolute_url()):
        html = client.get(url).content.decode()
        assert public.get_absolute_url() in html
        assert factions.get_absolute_url() not in html
