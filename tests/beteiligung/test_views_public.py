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
        "table": str(tables[0].pk) if tables else "",
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


def _field_error(html, field):
    """The text of the error list rendered next to a field (the project field template)."""
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error next to {field}"
    return html.split(marker, 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("field", "value", "field_error"),
    [
        ("email", "not-an-email", "gültige E-Mail-Adresse"),
        ("consent", "", "stimmen Sie der Verarbeitung"),
        ("name", "", "Dieses Feld ist zwingend erforderlich"),
        ("table", "999999", "Auswahl"),
        ("places", "0", "größer oder gleich 1"),
    ],
)
def test_bad_input_shows_a_message_next_to_the_field_and_keeps_the_entries(
    client, event, tables, field, value, field_error
):
    response = client.post(url(event), form_data(tables, **{field: value}))
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error in _field_error(html, field)
    assert 'aria-invalid="true"' in html
    assert 'value="Quartiersverein Nord"' in html
    assert ">Leichte Sprache<" in html or 'value="Leichte Sprache"' in html
    if field != "name":
        assert 'value="Erika &lt;b&gt;Muster&lt;/b&gt;"' in html
    if field != "email":
        assert 'value="erika@example.org"' in html
    assert Registration.objects.count() == 0


def test_bad_input_is_explained_in_the_visitors_language(client, event, tables):
    client.cookies["django_language"] = "en"
    response = client.post(url(event), form_data(tables, email="not-an-email", places="0"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please enter a valid e-mail address" in _field_error(html, "email")
    assert "greater than or equal to 1" in _field_error(html, "places")
    assert 'value="Quartiersverein Nord"' in html
    assert "gültige E-Mail-Adresse" not in html


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


def test_a_known_address_gets_the_same_answer_and_its_owner_an_e_mail(client, event, tables):
    first = client.post(url(event), form_data(tables))
    again = client.post(url(event), form_data(tables, name="Jemand anders"))
    assert (again.status_code, again.url) == (first.status_code, first.url)
    assert Registration.objects.count() == 1
    mail = OutboxMessage.objects.get(kind="beteiligung.already_registered")
    assert mail.recipient == "erika@example.org"
    # the owner's own confirmation link, filled in only when the mail is sent
    from erfurt_srp.notifications.links import fill_link

    assert Registration.objects.get().get_confirm_url() in fill_link(mail.body, mail.link_secret)
    # once a day at most
    client.post(url(event), form_data(tables))
    assert OutboxMessage.objects.filter(kind="beteiligung.already_registered").count() == 1


def test_a_full_table_answers_alike_for_known_and_unknown_addresses(client, event, tables):
    client.post(url(event), form_data(tables))  # erika holds one of the two places
    RegistrationFactory(event=event, table=tables[0])
    known = client.post(url(event), form_data(tables))
    unknown = client.post(url(event), form_data(tables, email="new@example.org"))
    assert known.status_code == unknown.status_code == 409
    assert "ist ausgebucht" in known.content.decode()
    known = client.post(url(event), form_data(tables, join_waiting_list="on"))
    unknown = client.post(
        url(event), form_data(tables, email="new@example.org", join_waiting_list="on")
    )
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url and "warteliste=1" in known.url


def test_a_closed_window_answers_alike_for_known_and_unknown_addresses(client, event, tables):
    client.post(url(event), form_data(tables))
    event.registration_opens_at = timezone.now() - timedelta(days=5)
    event.registration_closes_at = timezone.now() - timedelta(days=1)
    event.save()
    known = client.post(url(event), form_data(tables))
    unknown = client.post(url(event), form_data(tables, email="new@example.org"))
    assert known.status_code == unknown.status_code == 400
    for response in (known, unknown):
        assert "Anmeldefrist" in response.content.decode()
    assert not OutboxMessage.objects.filter(kind="beteiligung.already_registered").exists()


def test_a_script_cannot_make_a_40_place_event_look_full(client, settings):
    """Unconfirmed sign-ups hold one place each, and those from one address at most a few."""
    settings.BETEILIGUNG_RATE_LIMIT = 0  # the hold rules alone, not the rate limit
    event = EventFactory(capacity=40)
    for i in range(60):
        response = client.post(
            url(event),
            form_data([], email=f"bot{i}@example.org", places="5", join_waiting_list="on"),
        )
        assert response.status_code == 302
    free = event.capacity - Registration.objects.filter(event=event).held_places(timezone.now())[0]
    assert free >= 40 - settings.BETEILIGUNG_UNCONFIRMED_HOLDS_PER_CLIENT
    assert "Noch 38 Plätze frei" in client.get(url(event)).content.decode()
    # Another visitor still gets a place and holds it.
    other = client.post(url(event), form_data([], email="real@example.org"), REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 302 and "warteliste" not in other.url


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


def test_a_registration_runs_a_fixed_number_of_queries(
    client, event, tables, django_assert_num_queries
):
    client.get(url(event))  # the page view caches the event with its tables
    for i in range(3):
        RegistrationFactory(event=event, table=tables[i % 2])
    # In its transaction (a savepoint here): the tables, the event lock, the places held,
    # the registration, its opt-in mail. No look-up of the address: the unique constraint
    # answers for a known one.
    with django_assert_num_queries(7):
        response = client.post(url(event), form_data(tables, join_waiting_list="on"))
    assert response.status_code == 302
    with django_assert_num_queries(7):
        client.post(url(event), form_data(tables, email="max@example.org", join_waiting_list="on"))
    assert (
        Registration.objects.filter(email__in=["erika@example.org", "max@example.org"]).count() == 2
    )


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


def test_a_staff_change_to_tables_or_programme_reaches_the_next_visitor(
    client, event, tables, django_capture_on_commit_callbacks
):
    assert "Wohnen" in client.get(url(event)).content.decode()  # fragments now cached
    with django_capture_on_commit_callbacks(execute=True):
        tables[0].title = "Wohnen und Nachbarschaft"
        tables[0].save()
        ProgrammeItemFactory(event=event, title="Abschlussrunde")
    html = client.get(url(event)).content.decode()
    assert "Wohnen und Nachbarschaft" in html
    assert "Abschlussrunde" in html
    with django_capture_on_commit_callbacks(execute=True):
        event.published = False
        event.save()
    assert client.post(url(event), form_data(tables, email="third@example.org")).status_code == 404


def test_cached_page_parts_carry_no_csrf_token_each_visitor_gets_their_own(event, tables):
    from django.test import Client

    marker = 'name="csrfmiddlewaretoken" value="'
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    html_first = first.get(url(event)).content.decode()
    html_second = second.get(url(event)).content.decode()  # served from the cached fragments
    token_first = html_first.split(marker, 1)[1].split('"', 1)[0]
    token_second = html_second.split(marker, 1)[1].split('"', 1)[0]
    assert token_first not in html_second and token_second not in html_first
    posted = second.post(url(event), form_data(tables, csrfmiddlewaretoken=token_second))
    assert posted.status_code == 302


def test_the_waiting_list_rule_and_position_are_shown_on_page_and_in_the_e_mail(
    client, event, tables
):
    from beteiligung.waiting_list import RULE

    html = client.get(url(event)).content.decode()
    rule = str(RULE)
    assert rule in html
    RegistrationFactory(event=event, table=tables[0])
    RegistrationFactory(event=event, table=tables[0])
    first = _registration(event, tables, email="w1@example.org", join_waiting_list=True)
    second = _registration(event, tables, email="w2@example.org", join_waiting_list=True)
    services.registration_confirm(registration_id=first.pk)
    services.registration_confirm(registration_id=second.pk)
    mail = OutboxMessage.objects.get(kind="beteiligung.waiting", recipient="w2@example.org")
    assert "Platz 2 der Warteliste" in mail.body
    assert " ".join(rule.split()) in " ".join(mail.body.split())
    manage = client.get(reverse("beteiligung:registration_manage", args=[second.make_token()]))
    assert "Platz 2 der Warteliste" in manage.content.decode() and rule in manage.content.decode()


def test_event_list_shows_changed_events_and_free_places_at_once(
    client, event, tables, django_capture_on_commit_callbacks
):
    list_url = reverse("beteiligung:event_list")
    assert "4 Plätze frei" in client.get(list_url).content.decode()  # cards now cached
    RegistrationFactory(event=event, table=tables[0])
    assert "3 Plätze frei" in client.get(list_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        event.title = "Neuer Titel der Veranstaltung"
        event.save()
    assert "Neuer Titel der Veranstaltung" in client.get(list_url).content.decode()
