from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from beteiligung import services
from beteiligung.models import Registration
from erfurt_srp.notifications.models import OutboxMessage
from tests.beteiligung.factories import (
    EventFactory,
    InvitationCodeFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
)

S = Registration.Status
pytestmark = pytest.mark.django_db


def form_data(tables, **overrides):
    data = {
        "name": "Erika <b>Muster</b>",
        "email": "erika@example.org",
        "organisation": "Quartiersverein Nord",
        "kind": "provider",
        "places": "1",
        "table": str(tables[0].pk),
        "needs_step_free": "on",
        "needs_other": "Leichte Sprache",
        "consent": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def url(event):
    return reverse("beteiligung:event_detail", args=[event.slug])


def test_event_page_shows_programme_tables_accessibility_and_form(client, event, tables):
    ProgrammeItemFactory(event=event, title="Begrüßung")
    response = client.get(url(event))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Begrüßung", "Wohnen", "Bildung", "Stufenloser Zugang", "Verbindlich anmelden"):
        assert text in html
    assert 'class="honeypot"' in html
    assert "<legend>" in html


def test_event_list_shows_published_events_only(client, event):
    hidden = EventFactory(published=False, title="Geheimer Entwurf")
    response = client.get(reverse("beteiligung:event_list"))
    assert event.title in response.content.decode()
    assert hidden.title not in response.content.decode()
    assert client.get(url(hidden)).status_code == 404


def test_registration_redirects_to_the_check_your_mail_page(client, event, tables):
    response = client.post(url(event), form_data(tables))
    assert response.status_code == 302
    assert response.url == reverse("beteiligung:registration_pending", args=[event.slug])
    registration = Registration.objects.get()
    assert registration.status == S.PENDING
    assert registration.needs_step_free and registration.needs_other == "Leichte Sprache"
    assert OutboxMessage.objects.filter(kind="beteiligung.opt_in").count() == 1
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"email": "not-an-email"}, "gültige E-Mail-Adresse"),
        ({"consent": ""}, "stimmen Sie der Verarbeitung"),
        ({"name": ""}, "Dieses Feld ist zwingend erforderlich"),
        ({"table": "999999"}, "Thementisch"),
    ],
)
def test_bad_input_shows_a_message_and_keeps_the_entries(
    client, event, tables, overrides, field_error
):
    response = client.post(url(event), form_data(tables, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error in html
    assert 'aria-invalid="true"' in html
    assert 'value="Quartiersverein Nord"' in html
    assert "Erika &lt;b&gt;Muster&lt;/b&gt;" in html or not overrides.get("name", "x")
    assert Registration.objects.count() == 0


def test_full_table_is_explained_and_entries_kept(client, event, tables):
    RegistrationFactory(event=event, table=tables[0])
    RegistrationFactory(event=event, table=tables[0])
    response = client.post(url(event), form_data(tables))
    assert response.status_code == 409
    html = response.content.decode()
    assert "ist ausgebucht" in html and "Wohnen" in html
    assert 'value="erika@example.org"' in html
    # with the waiting-list box ticked the same entries go on the waiting list
    response = client.post(url(event), form_data(tables, join_waiting_list="on"))
    assert response.status_code == 302 and "warteliste=1" in response.url
    assert Registration.objects.get(email="erika@example.org").status == S.WAITING


def test_closed_registration_window_is_explained(client, event, tables):
    event.registration_opens_at = timezone.now() - timedelta(days=5)
    event.registration_closes_at = timezone.now() - timedelta(days=1)
    event.save()
    assert "Die Anmeldung ist geschlossen" in client.get(url(event)).content.decode()
    response = client.post(url(event), form_data(tables))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Anmeldefrist" in html and 'value="erika@example.org"' in html


def test_double_submit_is_explained_not_duplicated(client, event, tables):
    assert client.post(url(event), form_data(tables)).status_code == 302
    response = client.post(url(event), form_data(tables))
    assert response.status_code == 409
    assert "besteht schon eine Anmeldung" in response.content.decode()
    assert Registration.objects.count() == 1


def test_honeypot_stores_nothing_but_looks_like_success(client, event, tables):
    response = client.post(url(event), form_data(tables, website="http://spam.example"))
    assert response.status_code == 302
    assert Registration.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_rate_limit_per_address(client, event, tables, settings):
    settings.BETEILIGUNG_RATE_LIMIT = 2
    for i in range(2):
        r = client.post(url(event), form_data(tables, email=f"p{i}@example.org"))
        assert r.status_code == 302
    response = client.post(url(event), form_data(tables, email="p3@example.org"))
    assert response.status_code == 429
    assert "Zu viele Anmeldeversuche" in response.content.decode()
    assert 'value="p3@example.org"' in response.content.decode()
    # another address is not affected
    other = client.post(
        url(event),
        form_data(tables, email="p4@example.org", table=str(tables[1].pk)),
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302


def test_rate_limit_can_be_switched_off(client, event, tables, settings):
    settings.BETEILIGUNG_RATE_LIMIT = 0
    for i in range(4):
        r = client.post(
            url(event), form_data(tables, email=f"p{i}@example.org", table=str(tables[i % 2].pk))
        )
        assert r.status_code == 302


def test_invitation_link_prefills_the_code(client):
    code = InvitationCodeFactory()
    response = client.get(url(code.event) + f"?code={code.code}")
    assert f'value="{code.code}"' in response.content.decode()
    assert "nur mit Einladung" in response.content.decode()


def _registration(event, tables, **kw):
    return services.registration_create(
        event_id=event.pk,
        name="Erika",
        email=kw.pop("email", "erika@example.org"),
        kind="citizen",
        consent=True,
        table_id=tables[0].pk,
        **kw,
    )


def test_confirm_link_asks_then_confirms_and_reuse_is_explained(client, event, tables):
    registration = _registration(event, tables)
    token = registration.make_token()
    confirm = reverse("beteiligung:registration_confirm", args=[token])
    page = client.get(confirm)
    assert page.status_code == 200 and Registration.objects.get().status == S.PENDING
    response = client.post(confirm, follow=True)
    assert "Ihre Anmeldung ist bestätigt" in response.content.decode()
    assert Registration.objects.get().status == S.CONFIRMED
    again = client.post(confirm, follow=True)
    assert "schon benutzt" in again.content.decode()


def test_expired_confirm_link_is_explained(client, event, tables):
    registration = _registration(event, tables)
    token = registration.make_token()
    Registration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    services.registrations_expire()
    response = client.post(reverse("beteiligung:registration_confirm", args=[token]))
    assert response.status_code == 404
    assert "ungültig oder abgelaufen" in response.content.decode()


def test_tampered_link_is_refused(client, event):
    registration = RegistrationFactory(event=event)
    token = registration.make_token()[:-2] + "xx"
    response = client.get(reverse("beteiligung:registration_manage", args=[token]))
    assert response.status_code == 404


def test_manage_page_change_table_cancel_and_delete(client, event, tables):
    registration = _registration(event, tables)
    services.registration_confirm(registration_id=registration.pk)
    token = registration.make_token()
    manage = reverse("beteiligung:registration_manage", args=[token])
    html = client.get(manage).content.decode()
    assert "Thementisch wechseln" in html and "Meine Daten löschen" in html

    response = client.post(
        reverse("beteiligung:registration_change_table", args=[token]), {"table": tables[1].pk}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.table == tables[1]

    # cancel needs the confirmation tick
    no_tick = client.post(reverse("beteiligung:registration_cancel", args=[token]), {})
    assert no_tick.status_code == 400
    client.post(reverse("beteiligung:registration_cancel", args=[token]), {"cancel-confirm": "on"})
    registration.refresh_from_db()
    assert registration.status == S.CANCELLED

    response = client.post(
        reverse("beteiligung:registration_delete", args=[token]), {"delete-confirm": "on"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.email == "" and registration.name == ""
    assert client.get(manage).status_code == 404


def test_full_table_on_change_keeps_the_form(client, event, tables):
    RegistrationFactory(event=event, table=tables[1])
    RegistrationFactory(event=event, table=tables[1])
    registration = _registration(event, tables)
    token = registration.make_token()
    response = client.post(
        reverse("beteiligung:registration_change_table", args=[token]), {"table": tables[1].pk}
    )
    assert response.status_code == 400
    assert "ausgebucht" in response.content.decode()


def test_event_calendar_download(client, event):
    response = client.get(reverse("beteiligung:event_calendar", args=[event.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


def test_public_pages_query_count_does_not_grow(
    client, event, tables, django_assert_max_num_queries
):
    for _i in range(3):
        ProgrammeItemFactory(event=event)
    with django_assert_max_num_queries(8):
        client.get(url(event))
    for _ in range(20):
        EventFactory()
        RegistrationFactory(event=event, table=tables[0])
    with django_assert_max_num_queries(8):
        client.get(url(event))
    with django_assert_max_num_queries(4):
        client.get(reverse("beteiligung:event_list"))


def test_privacy_page_has_the_event_registration_section(client, settings):
    settings.BETEILIGUNG_RETENTION_DAYS = 45
    html = client.get(reverse("privacy")).content.decode()
    assert 'id="veranstaltungen"' in html
    assert "45 Tage nach der Veranstaltung" in html
    from beteiligung.privacy import privacy_version

    assert privacy_version() in html


def test_manage_page_shows_the_place_on_the_waiting_list(client, event, tables):
    RegistrationFactory(event=event, table=tables[0])
    RegistrationFactory(event=event, table=tables[0])
    first = _registration(event, tables, email="w1@example.org", join_waiting_list=True)
    second = _registration(event, tables, email="w2@example.org", join_waiting_list=True)
    services.registration_confirm(registration_id=first.pk)
    services.registration_confirm(registration_id=second.pk)
    html = client.get(
        reverse("beteiligung:registration_manage", args=[second.make_token()])
    ).content.decode()
    assert "Platz 2 der Warteliste" in html


def test_used_confirm_link_opened_again_leads_to_the_registration(client, event, tables):
    registration = _registration(event, tables)
    services.registration_confirm(registration_id=registration.pk)
    confirm = reverse("beteiligung:registration_confirm", args=[registration.make_token()])
    response = client.get(confirm, follow=True)
    assert "schon benutzt" in response.content.decode()
    assert response.redirect_chain[-1][0].endswith(
        reverse("beteiligung:registration_manage", args=[registration.make_token()])
    )


def test_group_size_is_limited_with_a_clear_message(client, event, tables, settings):
    settings.BETEILIGUNG_MAX_GROUP_SIZE = 3
    response = client.post(url(event), form_data(tables, places="4"))
    assert response.status_code == 400
    assert "höchstens 3 Personen" in response.content.decode()
    response = client.post(url(event), form_data(tables, places="2"))
    assert response.status_code == 302
    assert Registration.objects.get().places == 2


def _free_line(html):
    return [line for line in html.splitlines() if "Platz frei" in line or "Plätze frei" in line][0]


def test_anonymous_event_page_is_cached_with_each_visitors_own_csrf_token(event, tables):
    from django.test import Client

    from beteiligung.page_cache import CSRF_PLACEHOLDER

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html_first = first.get(url(event)).content.decode()
    response = second.get(url(event))
    html_second = response.content.decode()
    assert CSRF_PLACEHOLDER not in html_first + html_second
    token = response.cookies["csrftoken"].value
    assert len(token) == 32
    # The cached copy carries the second visitor's token, and it is accepted.
    marker = 'name="csrfmiddlewaretoken" value="'
    form_token = html_second.split(marker, 1)[1].split('"', 1)[0]
    assert form_token != html_first.split(marker, 1)[1].split('"', 1)[0]
    posted = second.post(url(event), form_data(tables, csrfmiddlewaretoken=form_token))
    assert posted.status_code == 302


def test_cached_event_page_shows_new_registrations_within_seconds_and_other_changes_at_once(
    client, event, tables, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from beteiligung import page_cache

    def free_line():
        # The held counts are cached for a moment too (selectors.HELD_CACHE_SECONDS): drop
        # them, so the line shows whether the *page* was served from the cache.
        cache.delete(f"beteiligung:held:{event.pk}")
        return _free_line(client.get(url(event)).content.decode())

    assert "Noch 4 Plätze frei" in free_line()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(
            event_id=event.pk,
            name="Max",
            email="max@example.org",
            kind="citizen",
            consent=True,
            table_id=tables[0].pk,
        )
    # A new registration does not throw the page away (bursts of sign-ups) ...
    assert "Noch 4 Plätze frei" in free_line()
    # ... it shows once the stored page runs out (PAGE_SECONDS).
    assert page_cache.PAGE_SECONDS <= 5
    cache.delete(f"beteiligung:page:de:{event.slug}")
    assert "Noch 3 Plätze frei" in free_line()
    # Any other change of a registration (here: a cancellation) is shown at once.
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration_id=registration.pk)
    assert "Noch 4 Plätze frei" in free_line()


def test_event_page_is_not_served_from_cache_with_a_query_or_a_session(client, event, tables):
    client.get(url(event))
    invited = client.get(url(event) + "?code=ABC").content.decode()
    assert 'value="ABC"' in invited or "ABC" in invited


def test_registration_reads_the_event_and_tables_from_the_cached_copy(client, event, tables):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.post(url(event), form_data(tables, email="first@example.org"))  # caches the copy
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url(event), form_data(tables, email="second@example.org"))
    assert response.status_code == 302
    statements = [q["sql"] for q in queries.captured_queries]
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    # The lock (which re-reads capacity and window) and the count with the table capacities.
    assert len(reads) == 2, reads
    assert "FROM beteiligung_event WHERE id" in reads[0]
    if connection.features.has_select_for_update:  # not on SQLite, the embedded default
        assert reads[0].rstrip().endswith("FOR UPDATE")
    assert "UNION ALL" in reads[1]
    inserts = [sql for sql in statements if sql.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 2  # the registration and its e-mail


def test_a_staff_change_to_tables_or_programme_reaches_the_next_visitor(client, event, tables):
    from tests.beteiligung.factories import EventTableFactory

    client.post(url(event), form_data(tables, email="first@example.org"))  # caches the copy
    tables[0].title = "Wohnen und Nachbarschaft"
    tables[0].save()
    new_table = EventTableFactory(event=event, title="Arbeit", capacity=2, position=2)
    ProgrammeItemFactory(event=event, title="Abschlussrunde")
    html = client.get(url(event) + "?code=").content.decode()  # not the whole-page cache
    assert "Wohnen und Nachbarschaft" in html
    assert "Abschlussrunde" in html
    response = client.post(
        url(event), form_data(tables, email="second@example.org", table=str(new_table.pk))
    )
    assert response.status_code == 302
    assert Registration.objects.get(email="second@example.org").table == new_table
    event.published = False
    event.save()
    assert client.post(url(event), form_data(tables, email="third@example.org")).status_code == 404


def test_kept_event_copies_are_private_and_never_outlive_an_emptied_cache(event, tables):
    from django.core.cache import cache

    from beteiligung import page_cache, selectors

    first = selectors.event_get_public_cached(slug=event.slug)
    first.capacity = 0  # the registration path refreshes fields on its copy
    second = selectors.event_get_public_cached(slug=event.slug)
    assert second is not first and second.capacity == event.capacity
    assert [t.title for t in second.tables.all()] == ["Wohnen", "Bildung"]
    version = page_cache.definition_version()
    cache.clear()  # e.g. Redis restarted: the version must not count from the same start
    assert page_cache.definition_version() != version
    assert selectors.event_get_public_cached(slug="no-such-event") is None
    assert "no-such-event" not in selectors._definitions
