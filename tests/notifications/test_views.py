"""Staff outbox pages: permissions, filters, detail, send again, query counts, object include."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.selectors import outbox_for_object

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:outbox_list")


@pytest.fixture
def failed(queue, related):
    message = queue(related=related, recipient="failed@example.org", subject="Abgelehnt")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.FAILED, attempts=5, last_error="SMTPServerDisconnected: weg"
    )
    message.refresh_from_db()
    return message


def _rows(response):
    return list(response.context["page"].object_list)


# --- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "detail", "resend"])
def test_anonymous_users_are_sent_to_the_login_page(client, failed, name):
    url = {
        "list": LIST_URL,
        "detail": reverse("notifications:outbox_detail", args=[failed.pk]),
        "resend": reverse("notifications:outbox_resend", args=[failed.pk]),
    }[name]
    response = client.post(url) if name == "resend" else client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("user_fixture", ["public_user", "member_user"])
def test_public_and_member_users_are_refused(client, failed, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))

    assert client.get(LIST_URL).status_code == 403
    assert client.get(reverse("notifications:outbox_detail", args=[failed.pk])).status_code == 403
    assert client.post(reverse("notifications:outbox_resend", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.FAILED


@pytest.mark.parametrize("user_fixture", ["staff_user", "admin_user"])
def test_staff_and_admins_see_the_outbox(client, failed, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert _rows(response) == [failed]
    content = response.content.decode()
    assert "Postausgang" in content
    assert '<th scope="col">' in content
    assert f'href="{LIST_URL}"' in content  # the staff nav item


def test_the_nav_item_is_hidden_from_members(client, member_user):
    client.force_login(member_user)
    response = client.get(reverse("dashboard"))

    assert f'href="{LIST_URL}"' not in response.content.decode()


# --- filters -------------------------------------------------------------------------------


@pytest.fixture
def mixed(queue, related, failed):
    sent = queue(related=related, recipient="anna@example.org", kind="meeting.invitation")
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT)
    other_object = queue(recipient="bert@example.org", kind="account.welcome")
    return {"failed": failed, "sent": sent, "no_object": other_object}


def test_filter_by_status(client, staff_user, mixed):
    client.force_login(staff_user)
    assert _rows(client.get(LIST_URL, {"status": "failed"})) == [mixed["failed"]]
    assert _rows(client.get(LIST_URL, {"status": "sent"})) == [mixed["sent"]]


def test_filter_by_kind(client, staff_user, mixed):
    client.force_login(staff_user)
    assert _rows(client.get(LIST_URL, {"kind": "account.welcome"})) == [mixed["no_object"]]


def test_filter_by_related_object(client, staff_user, mixed, related):
    client.force_login(staff_user)
    response = client.get(
        LIST_URL,
        {"related_type": mixed["sent"].related_type_id, "related_id": str(related.pk)},
    )
    assert set(_rows(response)) == {mixed["sent"], mixed["failed"]}
    assert _rows(client.get(LIST_URL, {"related_id": "999999"})) == []


def test_recipient_search_is_case_insensitive_and_partial(client, staff_user, mixed):
    client.force_login(staff_user)
    assert _rows(client.get(LIST_URL, {"recipient": "ANNA@"})) == [mixed["sent"]]


def test_an_invalid_filter_shows_its_error_next_to_the_field(client, staff_user, mixed):
    client.force_login(staff_user)
    response = client.get(LIST_URL, {"status": "nonsense", "kind": "account.welcome"})

    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    html = response.content.decode()
    assert '<ul class="errorlist" id="id_status_error">' in html
    assert re.search(r'<select name="status"[^>]*aria-describedby="id_status_error"', html)
    assert _rows(response) == [mixed["no_object"]]  # the valid filter still applies


def test_the_list_is_paginated(client, staff_user, queue):
    for i in range(55):
        queue(recipient=f"p{i}@example.org")
    client.force_login(staff_user)

    first = client.get(LIST_URL, {"kind": "test.invitation"})
    second = client.get(LIST_URL, {"kind": "test.invitation", "seite": 2})

    assert len(_rows(first)) == 50
    assert len(_rows(second)) == 5
    assert "kind=test.invitation&amp;seite=2" in first.content.decode()


@pytest.mark.parametrize("rows", [1, 30])
def test_list_query_count_does_not_grow_with_rows(
    client, staff_user, queue, related, rows, django_assert_max_num_queries
):
    for i in range(rows):
        queue(related=related, recipient=f"p{i}@example.org", kind=f"kind.{i % 3}")
    client.force_login(staff_user)
    client.get(LIST_URL)  # warm the session and content-type caches

    # 1 session, 2 user, 3 distinct kinds (filter), 4 object types (filter), 5 counts per
    # status, 6 count, 7 page rows with their content type joined; 2 spare for middleware.
    with django_assert_max_num_queries(9):
        response = client.get(LIST_URL, {"recipient": "example.org"})
    assert len(_rows(response)) == rows


# --- detail and send again -----------------------------------------------------------------


def test_detail_shows_body_attachments_attempts_and_error(
    client, staff_user, queue, ics_attachment
):
    message = queue(body="Der Text der Einladung", attachments=[ics_attachment])
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.RETRYING, attempts=2, last_error="TimeoutError: langsam"
    )
    client.force_login(staff_user)
    content = client.get(reverse("notifications:outbox_detail", args=[message.pk])).content.decode()

    assert "Der Text der Einladung" in content
    assert "termin.ics" in content
    assert "TimeoutError: langsam" in content
    assert "neuer Versuch geplant" in content
    assert "Erneut senden" not in content  # only failed messages


def test_detail_of_an_unknown_message_is_404(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("notifications:outbox_detail", args=[424242])).status_code == 404


def test_send_again_queues_a_failed_message_and_it_goes_out(
    client, staff_user, failed, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff_user)
    url = reverse("notifications:outbox_resend", args=[failed.pk])
    assert (
        "Erneut senden"
        in client.get(reverse("notifications:outbox_detail", args=[failed.pk])).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "notifications:outbox_detail", args=[failed.pk]
    )
    assert "Die Nachricht wird erneut gesendet." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.SENT
    assert (failed.attempts, failed.resend_count) == (1, 1)
    assert [m.to for m in mailoutbox] == [["failed@example.org"]]


def test_send_again_refuses_a_message_that_did_not_fail(client, staff_user, queue):
    message = queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENT)
    client.force_login(staff_user)

    response = client.post(reverse("notifications:outbox_resend", args=[message.pk]), follow=True)

    assert "Nur fehlgeschlagene Nachrichten" in response.content.decode()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT


def test_send_again_needs_post(client, staff_user, failed):
    client.force_login(staff_user)
    assert client.get(reverse("notifications:outbox_resend", args=[failed.pk])).status_code == 405


# --- for other apps: the per-object list ---------------------------------------------------


def test_object_include_shows_who_got_what_and_which_failed(queue, related, failed, staff_user):
    sent = queue(related=related, recipient="anna@example.org", subject="Einladung")
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT)
    queue(recipient="elsewhere@example.org")  # another object: not listed

    messages = outbox_for_object(related)
    html = render_to_string(
        "notifications/_object_outbox.html", {"outbox_messages": messages, "user": staff_user}
    )

    assert [m.recipient for m in messages] == ["anna@example.org", "failed@example.org"]
    assert "anna@example.org" in html and "failed@example.org" in html
    assert "elsewhere@example.org" not in html
    assert "SMTPServerDisconnected: weg" in html
    assert "fehlgeschlagen: <strong>1</strong>" in html
    assert "gesendet: <strong>1</strong>" in html
    assert reverse("notifications:outbox_detail", args=[failed.pk]) in html


def test_object_outbox_tag_renders_the_include(queue, related):
    from django.template import Context, Template

    queue(related=related, recipient="anna@example.org")
    html = Template("{% load outbox_tags %}{% object_outbox obj %}").render(
        Context({"obj": related})
    )

    assert "anna@example.org" in html
    assert '<th scope="col">' in html


def test_object_include_says_when_nothing_was_sent(related):
    html = render_to_string("notifications/_object_outbox.html", {"outbox_messages": []})
    assert "noch keine Nachrichten" in html


def test_the_list_sums_up_messages_per_status(client, staff_user, mixed):
    client.force_login(staff_user)
    response = client.get(LIST_URL)

    assert response.context["status_counts"] == [
        ("pending", "wartet", 1),
        ("sent", "gesendet", 1),
        ("failed", "fehlgeschlagen", 1),
    ]
    assert 'href="?status=failed"' in response.content.decode()


# --- dashboard panel -----------------------------------------------------------------------


def test_staff_dashboard_warns_about_failed_messages(client, staff_user, failed):
    client.force_login(staff_user)
    content = client.get(reverse("dashboard")).content.decode()

    assert "1 Nachricht konnte nicht gesendet werden" in content
    assert f"{LIST_URL}?status=failed" in content


def test_dashboard_panel_is_silent_when_all_is_well_and_hidden_from_members(
    client, staff_user, member_user, queue, failed
):
    client.force_login(member_user)
    assert "nicht gesendet werden" not in client.get(reverse("dashboard")).content.decode()

    OutboxMessage.objects.filter(pk=failed.pk).update(status=OutboxMessage.Status.SENT)
    client.force_login(staff_user)
    assert "nicht gesendet werden" not in client.get(reverse("dashboard")).content.decode()
