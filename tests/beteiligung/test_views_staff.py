from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from beteiligung.models import Event, EventMessage, InvitationCode, Registration
from erfurt_srp.notifications.models import OutboxMessage
from tests.beteiligung.factories import EventFactory, RegistrationFactory

S = Registration.Status
pytestmark = pytest.mark.django_db

STAFF_URLS = [
    ("beteiligung:staff_event_list", False),
    ("beteiligung:staff_event_create", False),
    ("beteiligung:staff_event_detail", True),
    ("beteiligung:staff_event_edit", True),
    ("beteiligung:staff_registrations", True),
    ("beteiligung:staff_registrations_csv", True),
    ("beteiligung:staff_checkin", True),
    ("beteiligung:staff_message", True),
    ("beteiligung:staff_invitations", True),
]


def _url(name, needs_pk, event):
    return reverse(name, args=[event.pk]) if needs_pk else reverse(name)


@pytest.mark.parametrize(("name", "needs_pk"), STAFF_URLS)
def test_staff_pages_redirect_anonymous_and_forbid_public_and_members(
    client, event, public_user, member_user, name, needs_pk
):
    url = _url(name, needs_pk, event)
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url
    for user in (public_user, member_user):
        client.force_login(user)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize(("name", "needs_pk"), STAFF_URLS)
def test_staff_pages_open_for_staff(client, event, staff_user, name, needs_pk):
    client.force_login(staff_user)
    assert client.get(_url(name, needs_pk, event)).status_code == 200


def test_post_only_staff_actions_are_protected(client, event, public_user):
    registration = RegistrationFactory(event=event)
    urls = [
        reverse("beteiligung:staff_checkin_mark", args=[event.pk, registration.pk]),
        reverse("beteiligung:staff_shred", args=[event.pk]),
        reverse("beteiligung:staff_checkin_pdf", args=[event.pk]),
    ]
    for url in urls:
        assert client.post(url).status_code == 302
    client.force_login(public_user)
    for url in urls:
        assert client.post(url).status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_staff_creates_an_event_with_programme_and_tables(client, staff_user):
    client.force_login(staff_user)
    start = timezone.localtime() + timedelta(days=10)
    fmt = "%Y-%m-%dT%H:%M"
    data = {
        "title": "Zweite Beteiligungsveranstaltung",
        "slug": "zweite",
        "summary": "",
        "description": "Text",
        "starts_at": start.strftime(fmt),
        "ends_at": (start + timedelta(hours=3)).strftime(fmt),
        "venue": "Rathaus",
        "address": "",
        "accessibility_notes": "Aufzug",
        "capacity": "30",
        "registration_opens_at": (start - timedelta(days=9)).strftime(fmt),
        "registration_closes_at": (start - timedelta(days=1)).strftime(fmt),
        "access": "public",
        "published": "on",
        "reminder_days_before": "2",
        "documentation_url": "",
        "consultation_url": "",
        "programm-TOTAL_FORMS": "1",
        "programm-INITIAL_FORMS": "0",
        "programm-0-starts_at": "09:00",
        "programm-0-ends_at": "09:30",
        "programm-0-title": "Begrüßung",
        "programm-0-description": "",
        "tische-TOTAL_FORMS": "1",
        "tische-INITIAL_FORMS": "0",
        "tische-0-title": "Wohnen",
        "tische-0-description": "",
        "tische-0-capacity": "10",
        "tische-0-position": "0",
    }
    response = client.post(reverse("beteiligung:staff_event_create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Event.objects.get(slug="zweite")
    assert event.programme_items.get().title == "Begrüßung"
    assert event.tables.get().capacity == 10
    assert event.reminder_due_at == event.starts_at - timedelta(days=2)

    bad = dict(data, slug="verwaltung", ends_at=data["starts_at"])
    response = client.post(reverse("beteiligung:staff_event_create"), bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "reserviert" in html and "Ende muss nach dem Beginn" in html
    assert 'value="Zweite Beteiligungsveranstaltung"' in html


def test_registration_list_filters_and_counts(client, staff_user, event, tables):
    RegistrationFactory(event=event, table=tables[0], name="Anna Gebärde", needs_sign_language=True)
    RegistrationFactory(event=event, table=tables[1], name="Bernd Rampe", needs_step_free=True)
    RegistrationFactory(event=event, table=tables[1], name="Carla Warte", status=S.WAITING)
    client.force_login(staff_user)
    url = reverse("beteiligung:staff_registrations", args=[event.pk])
    html = client.get(url, {"need": "sign_language"}).content.decode()
    assert "Anna Gebärde" in html and "Bernd Rampe" not in html
    html = client.get(url, {"status": "waiting"}).content.decode()
    assert "Carla Warte" in html and "Anna" not in html
    html = client.get(url, {"table": tables[1].pk, "q": "bernd"}).content.decode()
    assert "Bernd Rampe" in html and "Carla" not in html
    response = client.get(url)
    counts = response.context["counts"]
    assert counts["confirmed"] == 2 and counts["waiting"] == 1
    assert dict((k, n) for k, _label, n in counts["needs"])["sign_language"] == 1
    assert [(t.title, t.n_confirmed) for t in counts["tables"]] == [("Wohnen", 1), ("Bildung", 1)]


def test_list_pages_query_count_does_not_grow(
    client, staff_user, event, tables, django_assert_max_num_queries
):
    client.force_login(staff_user)
    urls = [
        reverse("beteiligung:staff_registrations", args=[event.pk]),
        reverse("beteiligung:staff_event_list"),
        reverse("beteiligung:staff_checkin", args=[event.pk]),
        reverse("beteiligung:staff_event_detail", args=[event.pk]),
    ]
    RegistrationFactory(event=event, table=tables[0])
    limits = {}
    for url in urls:
        with django_assert_max_num_queries(14) as ctx:
            client.get(url)
        limits[url] = len(ctx.captured_queries)
    for i in range(20):
        RegistrationFactory(event=event, table=tables[i % 2], needs_step_free=True)
        EventFactory()
    for url in urls:
        with django_assert_max_num_queries(limits[url]):
            client.get(url)


def test_csv_export_is_formula_safe(client, staff_user, event, tables):
    RegistrationFactory(event=event, table=tables[0], name="=HYPERLINK(1)", organisation="Träger")
    client.force_login(staff_user)
    response = client.get(reverse("beteiligung:staff_registrations_csv", args=[event.pk]))
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text and "Träger" in text and "Wohnen" in text


def test_csv_export_reads_its_rows_in_fixed_queries(client, staff_user, event, tables):
    client.force_login(staff_user)
    url = reverse("beteiligung:staff_registrations_csv", args=[event.pk])
    RegistrationFactory(event=event, table=tables[0], needs_other="Begleitperson")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(10):
        RegistrationFactory(event=event, table=tables[i % 2], checked_in_at=timezone.now())
    with CaptureQueriesContext(connection) as large:
        text = client.get(url).content.decode("utf-8-sig")
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert text.count("\n") == 12 and "Begleitperson" in text and "Bildung" in text


def test_checkin_pdf(client, staff_user, event, tables):
    RegistrationFactory(event=event, table=tables[0], name="Dora Druck")
    client.force_login(staff_user)
    response = client.get(reverse("beteiligung:staff_checkin_pdf", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_checkin_search_and_mark_present_with_htmx(client, staff_user, event, tables):
    anna = RegistrationFactory(event=event, table=tables[0], name="Anna Einlass")
    RegistrationFactory(event=event, table=tables[0], name="Bert Anders")
    RegistrationFactory(event=event, name="Wanda Warte", status=S.WAITING)
    client.force_login(staff_user)
    url = reverse("beteiligung:staff_checkin", args=[event.pk])
    partial = client.get(url, {"q": "anna"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "Anna Einlass" in html and "Bert" not in html and "<html" not in html
    assert "Wanda" not in client.get(url, {"q": "wanda"}).content.decode()

    mark = reverse("beteiligung:staff_checkin_mark", args=[event.pk, anna.pk])
    response = client.post(mark, {"present": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "anwesend seit" in response.content.decode()
    anna.refresh_from_db()
    assert anna.checked_in_at is not None
    client.post(mark, {"present": "0"})
    anna.refresh_from_db()
    assert anna.checked_in_at is None


def test_staff_message_goes_to_confirmed_registrants_via_the_outbox(
    client, staff_user, event, tables
):
    RegistrationFactory(event=event, table=tables[0], email="a@example.org")
    RegistrationFactory(event=event, table=tables[0], email="w@example.org", status=S.WAITING)
    RegistrationFactory(
        event=event, email="unbestaetigt@example.org", status=S.WAITING, email_confirmed_at=None
    )
    client.force_login(staff_user)
    url = reverse("beteiligung:staff_message", args=[event.pk])
    empty = client.post(url, {"audience": "confirmed", "subject": "", "body": "Mein Entwurf"})
    assert empty.status_code == 400
    assert "zwingend erforderlich" in empty.content.decode()
    assert "Mein Entwurf" in empty.content.decode()
    assert not OutboxMessage.objects.filter(kind="beteiligung.message").exists()
    response = client.post(
        url, {"audience": "confirmed", "subject": "Raumänderung", "body": "Jetzt Raum 225."}
    )
    assert response.status_code == 302
    message = EventMessage.objects.get()
    assert message.recipients == 1
    mail = OutboxMessage.objects.get(kind="beteiligung.message")
    assert mail.recipient == "a@example.org" and "Raum 225" in mail.body
    client.post(url, {"audience": "all", "subject": "Noch eine", "body": "Info"})
    assert OutboxMessage.objects.filter(kind="beteiligung.message").count() == 3
    assert not OutboxMessage.objects.filter(recipient="unbestaetigt@example.org").exists()


def test_staff_creates_invitation_codes(client, staff_user):
    event = EventFactory(access=Event.Access.INVITED)
    client.force_login(staff_user)
    url = reverse("beteiligung:staff_invitations", args=[event.pk])
    response = client.post(url, {"label": "StadtLiga", "max_uses": "3"})
    assert response.status_code == 302
    code = InvitationCode.objects.get()
    assert code.max_uses == 3 and len(code.code) >= 10
    assert f"?code={code.code}" in client.get(url).content.decode()


def test_staff_shred_refuses_before_the_event_and_works_after(client, staff_user, event, tables):
    RegistrationFactory(event=event, table=tables[0], name="Zoe Privat")
    client.force_login(staff_user)
    url = reverse("beteiligung:staff_shred", args=[event.pk])
    client.post(url, {"shred-confirm": "on"})
    assert Registration.objects.get().name == "Zoe Privat"
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1)
    )
    response = client.post(url, {"shred-confirm": "on"}, follow=True)
    assert "anonymisiert" in response.content.decode()
    assert Registration.objects.get().name == ""


def test_dashboard_panel_shows_upcoming_events_to_staff_only(
    client, staff_user, public_user, event
):
    client.force_login(staff_user)
    assert event.title in client.get(reverse("dashboard")).content.decode()
    client.force_login(public_user)
    assert event.title not in client.get(reverse("dashboard")).content.decode()


def test_every_model_is_in_the_admin(client, admin_user, event, tables):
    from django.contrib import admin

    from beteiligung import models

    RegistrationFactory(event=event, table=tables[0])
    client.force_login(admin_user)
    for model in (
        models.Event,
        models.ProgrammeItem,
        models.EventTable,
        models.InvitationCode,
        models.Registration,
        models.EventMessage,
        models.ShredLog,
    ):
        assert model in admin.site._registry
        url = reverse(f"admin:beteiligung_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200


def test_staff_edit_with_more_places_moves_the_waiting_list_up(client, staff_user, event, tables):
    from beteiligung.forms import EventForm, ProgrammeFormSet, TableFormSet

    RegistrationFactory(event=event, table=tables[0])
    RegistrationFactory(event=event, table=tables[0])
    waiting = RegistrationFactory(
        event=event, table=tables[0], status=S.WAITING, waiting_since=timezone.now()
    )
    form = EventForm(instance=event)
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None:
            continue
        if hasattr(value, "strftime"):
            value = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = str(value)
    tables_formset = TableFormSet(instance=event, prefix="tische")
    data.update(
        {
            "programm-TOTAL_FORMS": "0",
            "programm-INITIAL_FORMS": "0",
            "tische-TOTAL_FORMS": str(len(tables)),
            "tische-INITIAL_FORMS": str(len(tables)),
        }
    )
    for i, table in enumerate(tables):
        data.update(
            {
                f"tische-{i}-id": str(table.pk),
                f"tische-{i}-title": table.title,
                f"tische-{i}-description": "",
                f"tische-{i}-capacity": "3" if i == 0 else str(table.capacity),
                f"tische-{i}-position": str(table.position),
            }
        )
    assert tables_formset and ProgrammeFormSet
    client.force_login(staff_user)
    response = client.post(reverse("beteiligung:staff_event_edit", args=[event.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED
    assert OutboxMessage.objects.filter(kind="beteiligung.promoted").count() == 1


def test_staff_cancels_on_behalf_and_the_waiting_list_moves_up(
    client, staff_user, public_user, event, tables
):
    holder = RegistrationFactory(event=event, table=tables[0])
    RegistrationFactory(event=event, table=tables[0])
    waiting = RegistrationFactory(
        event=event, table=tables[0], status=S.WAITING, waiting_since=timezone.now()
    )
    url = reverse("beteiligung:staff_registration_cancel", args=[event.pk, holder.pk])
    client.force_login(public_user)
    assert client.post(url).status_code == 403
    client.force_login(staff_user)
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert "abgemeldet" in response.content.decode()
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == S.CANCELLED and waiting.status == S.CONFIRMED
    other_event = EventFactory()
    wrong = reverse("beteiligung:staff_registration_cancel", args=[other_event.pk, waiting.pk])
    assert client.post(wrong).status_code == 404


def test_registration_list_reads_what_it_shows_in_fixed_queries(client, staff_user, event, tables):
    """user, event, the counts (one aggregate, kinds included), the tables with their counts
    (also the filter's choices), the number of rows, the page of rows; the session comes from
    the cache. The same with one registration and with more than a page."""
    client.force_login(staff_user)
    url = reverse("beteiligung:staff_registrations", args=[event.pk])
    RegistrationFactory(event=event, table=tables[0])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for i in range(30):
        RegistrationFactory(event=event, table=tables[i % 2], needs_step_free=i % 3 == 0)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert len(small) == len(large) == 6, [q["sql"][:120] for q in large.captured_queries]
    assert "31 Anmeldungen" in html


def test_registration_list_offers_to_cancel_each_active_registration_in_one_form(
    client, staff_user, event, tables
):
    """One form carries the CSRF token; each active registration's button posts to its own
    cancel address; a cancelled or expired registration has none."""
    active = [
        RegistrationFactory(event=event, table=tables[0], name="Anna Aktiv"),
        RegistrationFactory(event=event, name="Paul Pending", status=S.PENDING),
        RegistrationFactory(event=event, name="Wanda Warte", status=S.WAITING),
    ]
    gone = [
        RegistrationFactory(event=event, name="Carl Cancel", status=S.CANCELLED),
        RegistrationFactory(event=event, name="Emil Expired", status=S.EXPIRED),
    ]
    RegistrationFactory(event=event, name="", email="")
    client.force_login(staff_user)
    html = client.get(reverse("beteiligung:staff_registrations", args=[event.pk])).content.decode()
    table = html[html.index('<div class="table-scroll"><table>') : html.index("</table>")]
    assert html.count('name="csrfmiddlewaretoken"') == 3  # logout, language, this list
    for registration in active:
        url = reverse("beteiligung:staff_registration_cancel", args=[event.pk, registration.pk])
        assert f'formaction="{url}"' in table
        assert f">{registration.name} abmelden</button>" in table
    for registration in gone:
        url = reverse("beteiligung:staff_registration_cancel", args=[event.pk, registration.pk])
        assert url not in table and registration.name in table
    assert "(anonymisiert)" in table
    assert table.count("formaction=") == len(active) + 1


def test_event_overview_lists_messages_and_shredder_runs_in_fixed_queries(
    client, staff_user, event, tables
):
    from beteiligung.models import ShredLog

    client.force_login(staff_user)
    url = reverse("beteiligung:staff_event_detail", args=[event.pk])
    EventMessage.objects.create(event=event, subject="Raum 1", body="x" * 500, recipients=2)
    ShredLog.objects.create(event=event, actor=staff_user, anonymised=3)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(4):
        EventMessage.objects.create(event=event, subject=f"Raum {i + 2}", body="y", recipients=1)
        ShredLog.objects.create(event=event, actor=staff_user, anonymised=i)
    with CaptureQueriesContext(connection) as large:
        html = client.get(url).content.decode()
    assert len(large) == len(small), [q["sql"][:120] for q in large.captured_queries]
    assert all(f"Raum {i}" in html for i in range(1, 6))
    assert html.count("(Sven Staff)") == 5 and "3 anonymisiert" in html
