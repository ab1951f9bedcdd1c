"""Public comments: rate limits, review of comments with links or from new accounts, and
comment HTML sanitised however it is saved (the admin included)."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.discussion.models import Comment
from leitlinien import services
from leitlinien.models import ConsultationRound, PendingPublicComment
from tests.conftest import make_user

from .factories import round_comment

pytestmark = pytest.mark.django_db

WITH_LINK = "Günstige Kredite unter https://spam.example/kredit"


def _comment(client, consultation_round, body, **data):
    return client.post(
        reverse("leitlinien:round_comment", args=[consultation_round.pk]),
        {"anchor": "1", "body": body, **data},
    )


def _anonymous(client, consultation_round, body="Mehr Bänke am Anger", email="eve@example.org"):
    return client.post(
        reverse("leitlinien:public_comment", args=[consultation_round.pk]),
        {
            "anchor": "1",
            "name": "Eve",
            "email": email,
            "body": body,
            "privacy": "on",
            "website": "",
        },
    )


def _held(comment_id):
    return Comment.objects.get(pk=comment_id).held_at is not None


# --- rate limits ------------------------------------------------------------------------------


def test_the_anonymous_comment_form_is_limited_per_address(client, public_round, mailoutbox):
    for i in range(5):
        assert _anonymous(client, public_round, email=f"v{i}@example.org").status_code == 200

    response = _anonymous(client, public_round, body="Sechster Kommentar", email="v6@ex.org")

    assert response.status_code == 429
    html = response.content.decode()
    assert "Bitte versuchen Sie es in einer Stunde erneut" in html
    assert "Sechster Kommentar" in html  # the text is kept
    assert PendingPublicComment.objects.count() == 5
    assert not PendingPublicComment.objects.filter(email="v6@ex.org").exists()


def test_a_verified_account_is_limited_too(client, public_user, public_round):
    client.force_login(public_user)
    for i in range(20):
        assert _comment(client, public_round, f"Kommentar {i}").status_code == 302

    response = _comment(client, public_round, "Einer zu viel")

    assert response.status_code == 429
    assert "Einer zu viel" in response.content.decode()
    assert Comment.objects.count() == 20


def test_staff_are_not_limited(client, staff_user, public_round):
    client.force_login(staff_user)
    for i in range(21):
        assert _comment(client, public_round, f"Antwort {i}").status_code == 302


# --- holding for review -----------------------------------------------------------------------


def test_a_comment_with_a_link_waits_for_review_and_is_not_shown(client, public_user, public_round):
    client.force_login(public_user)
    response = _comment(client, public_round, WITH_LINK)
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.held_at is not None and comment.is_hidden

    client.logout()
    page = client.get(public_round.get_absolute_url()).content.decode()
    assert "spam.example" not in page
    assert "wartet auf Prüfung" in page


def test_a_comment_of_a_new_account_waits_an_established_ones_does_not(public_user, public_round):
    newcomer = make_user("neu@example.org", first_name="Nina")
    held = services.round_comment_create(
        consultation_round=public_round, actor=newcomer, body="Hallo"
    )
    published = services.round_comment_create(
        consultation_round=public_round, actor=public_user, body="Hi"
    )
    assert (_held(held.pk), _held(published.pk)) == (True, False)


def test_members_and_staff_are_not_held(public_round, member_user, staff_user):
    for user in (member_user, staff_user):
        comment = services.round_comment_create(
            consultation_round=public_round, actor=user, body=WITH_LINK
        )
        assert not _held(comment.pk)


def test_a_confirmed_anonymous_comment_with_a_link_waits_for_review(
    client, public_round, django_capture_on_commit_callbacks
):
    _anonymous(client, public_round, body=WITH_LINK)
    pending = PendingPublicComment.objects.get()
    token = "t" * 43
    pending.token_hash = services.hash_token(token)
    pending.save(update_fields=["token_hash"])

    comment = services.public_comment_confirm(token=token)

    assert _held(comment.pk)
    assert services.comments_needing_answer(public_round).count() == 0


def test_held_comments_are_left_out_of_the_disposition_table(public_user, public_round):
    newcomer = make_user("neu@example.org")
    services.round_comment_create(consultation_round=public_round, actor=newcomer, body="Neu")
    services.round_comment_create(consultation_round=public_round, actor=public_user, body="Alt")
    assert [c.body for c in services.comments_needing_answer(public_round)] == ["Alt"]


# --- the review queue -------------------------------------------------------------------------


def test_staff_release_a_held_comment(client, staff_user, public_user, public_round):
    comment = services.round_comment_create(
        consultation_round=public_round, actor=public_user, body=WITH_LINK
    )
    client.force_login(staff_user)
    page = client.get(reverse("leitlinien:comment_review")).content.decode()
    assert "spam.example/kredit" in page

    response = client.post(
        reverse("leitlinien:comment_review_decide", args=[comment.pk]), {"decision": "release"}
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.held_at, comment.hidden_at) == (None, None)
    client.logout()
    assert "spam.example/kredit" in client.get(public_round.get_absolute_url()).content.decode()


def test_staff_reject_a_held_comment_and_it_is_gone(client, staff_user, public_user, public_round):
    comment = services.round_comment_create(
        consultation_round=public_round, actor=public_user, body=WITH_LINK
    )
    client.force_login(staff_user)
    client.post(
        reverse("leitlinien:comment_review_decide", args=[comment.pk]), {"decision": "reject"}
    )
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_a_published_comment_cannot_be_rejected_through_the_queue(
    client, staff_user, public_user, public_round
):
    comment = services.round_comment_create(
        consultation_round=public_round, actor=public_user, body="Gut"
    )
    client.force_login(staff_user)
    client.post(
        reverse("leitlinien:comment_review_decide", args=[comment.pk]), {"decision": "reject"}
    )
    assert Comment.objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 302),
        ("public_user", 403),
        ("outsider_user", 403),
        ("member_user", 403),
        ("deputy_user", 403),
        ("staff_user", 200),
        ("admin_user", 200),
    ],
)
def test_review_queue_permissions(client, request, public_user, public_round, role, status):
    comment = services.round_comment_create(
        consultation_round=public_round, actor=public_user, body=WITH_LINK
    )
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    assert client.get(reverse("leitlinien:comment_review")).status_code == status
    decide = client.post(
        reverse("leitlinien:comment_review_decide", args=[comment.pk]), {"decision": "release"}
    )

    assert decide.status_code == (302 if status == 200 else status)
    assert _held(comment.pk) is (status != 200)


@pytest.mark.parametrize("held", [1, 20])
def test_the_review_queue_query_count_does_not_grow(
    client, staff_user, public_round, django_assert_max_num_queries, held
):
    round_type = ContentType.objects.get_for_model(ConsultationRound)
    for i in range(held):
        comment = round_comment(public_round, body=f"<a href='https://x.example/{i}'>x</a>")
        Comment.objects.filter(pk=comment.pk).update(
            held_at=timezone.now(), hidden_at=timezone.now()
        )
    assert Comment.objects.filter(target_type=round_type, held_at__isnull=False).count() == held
    client.force_login(staff_user)
    # session, user, (mfa check), held comments, their rounds, nav and layout look-ups
    with django_assert_max_num_queries(12):
        assert client.get(reverse("leitlinien:comment_review")).status_code == 200


# --- sanitised however saved ------------------------------------------------------------------


def test_a_comment_changed_in_the_admin_renders_sanitised(
    client, admin_user, public_user, public_round
):
    comment = services.round_comment_create(
        consultation_round=public_round, actor=public_user, body="Gut"
    )
    client.force_login(admin_user)
    url = reverse("admin:discussion_comment_change", args=[comment.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(body="<p>Neu</p><script>alert('admin')</script><img src=x onerror=alert(1)>")
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data["created_at"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    comment.refresh_from_db()
    assert "<script" not in comment.body and "onerror" not in comment.body
    client.logout()
    page = client.get(public_round.get_absolute_url()).content.decode()
    assert "<p>Neu</p>" in page
    assert "alert('admin')" not in page and "onerror" not in page


def test_an_account_older_than_the_review_period_is_not_held(public_round):
    old = make_user("alt@example.org")
    old.date_joined = timezone.now() - services.NEW_ACCOUNT_REVIEW - timedelta(minutes=1)
    old.save(update_fields=["date_joined"])
    comment = services.round_comment_create(
        consultation_round=public_round, actor=old, body="Hallo"
    )
    assert not _held(comment.pk)
