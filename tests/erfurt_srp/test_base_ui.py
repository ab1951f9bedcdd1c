"""Base layout: navigation per role, skip link, language switch, messages, error pages."""

import pytest
from django.urls import reverse

from erfurt_srp.core import registry


def test_layout_has_skip_link_landmarks_and_language_form(client, db):
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'aria-label="Hauptnavigation"' in html
    assert '<label for="language-select"' in html
    assert reverse("account_login") in html and reverse("account_signup") in html


def test_logged_in_user_sees_dashboard_account_and_logout(client, public_user):
    client.force_login(public_user)
    html = client.get("/").content.decode()
    assert reverse("dashboard") in html
    assert reverse("account_email") in html
    assert "Abmelden" in html
    assert "Registrierte Person" in html  # role label


def test_language_switch_to_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    assert '<html lang="en">' in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert '<html lang="de">' in client.get("/").content.decode()


def test_language_switch_refuses_foreign_next_url(client, db):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response.url


@pytest.fixture
def extra_nav():
    staff_item = registry.NavItem(
        label="Testbereich Geschäftsstelle",
        url_name="privacy",
        visible=lambda user: True,
        order=999,
        section="staff",
    )
    public_item = registry.NavItem(
        label="Testbereich öffentlich", url_name="home", visible=lambda u: True
    )
    member_item = registry.NavItem(
        label="Testbereich Mitglieder",
        url_name="dashboard",
        visible=lambda user: user.is_authenticated,
        order=998,
    )
    broken_item = registry.NavItem(
        label="Kaputt", url_name="does-not-exist", visible=lambda u: True
    )
    saved = list(registry.nav_items)
    for item in (staff_item, public_item, member_item, broken_item):
        registry.register_nav(item)
    yield
    registry.nav_items[:] = saved


def test_navigation_per_role(client, extra_nav, public_user, staff_user, admin_user):
    anonymous = client.get("/").content.decode()
    assert "Testbereich öffentlich" in anonymous
    assert "Testbereich Mitglieder" not in anonymous
    assert "Testbereich Geschäftsstelle" not in anonymous
    assert "Kaputt" not in anonymous  # unknown URL names are left out, not a 500
    client.force_login(public_user)
    public = client.get("/").content.decode()
    assert "Testbereich Mitglieder" in public
    assert "Testbereich Geschäftsstelle" not in public
    for user in (staff_user, admin_user):
        client.force_login(user)
        html = client.get("/").content.decode()
        assert "Testbereich Geschäftsstelle" in html
        assert 'aria-label="Geschäftsstelle"' in html


def test_registry_replaces_items_with_the_same_key(extra_nav):
    before = len(registry.nav_items)
    registry.register_nav(registry.NavItem(label="Neu", url_name="home", visible=lambda u: True))
    assert len(registry.nav_items) == before
    assert [i.label for i in registry.nav_items if i.url_name == "home"] == ["Neu"]


def test_dashboard_requires_login(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_404_page_in_our_layout(client, db, settings):
    settings.DEBUG = False
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Seite nicht gefunden" in html
    assert "Zum Inhalt springen" in html


def test_success_message_is_shown_once(client, public_user, password):
    response = client.post(
        reverse("account_login"),
        {"login": public_user.email, "password": password},
        follow=True,
    )
    html = response.content.decode()
    assert 'class="messages" role="status"' in html
    assert "message-success" in html
    assert "message-success" not in client.get("/").content.decode()


def test_english_is_served_when_switched(client, db, settings):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html
    assert "Integrated Social-Area Planning Erfurt" in html
    assert "Sign in" in html and "Anmelden" not in html
    login = client.get(reverse("account_login")).content.decode()
    assert "Sign in with your e-mail address and password." in login


def test_english_from_the_browser_language(client, db):
    html = client.get("/", headers={"accept-language": "en-GB,en;q=0.8"}).content.decode()
    assert "Skip to content" in html


def test_items_visible_only_to_staff_go_to_the_staff_bar(client, staff_user, public_user):
    from erfurt_srp.accounts.roles import is_staff

    saved = list(registry.nav_items)
    registry.register_nav(
        registry.NavItem(label="Nur Geschäftsstelle", url_name="privacy", visible=is_staff)
    )
    try:
        client.force_login(staff_user)
        html = client.get("/").content.decode()
        staff_bar = html[html.index('class="staff-bar"') :]
        assert "Nur Geschäftsstelle" in staff_bar
        client.force_login(public_user)
        assert "Nur Geschäftsstelle" not in client.get("/").content.decode()
    finally:
        registry.nav_items[:] = saved


def test_navigation_is_computed_once_per_request(client, public_user):
    """The home page renders its sections with the request, which runs the context processors
    for each section; the navigation's visibility rules still run once."""
    calls = []

    def visible(user):
        calls.append(user)
        return True

    saved = list(registry.nav_items)
    registry.register_nav(registry.NavItem(label="Gezählt", url_name="privacy", visible=visible))
    try:
        client.force_login(public_user)
        html = client.get("/").content.decode()
        assert "Gezählt" in html
        assert len(calls) == 1
    finally:
        registry.nav_items[:] = saved


def test_navigation_follows_a_change_of_user_within_the_request(rf, public_user, staff_user):
    from erfurt_srp.core.context_processors import navigation

    request = rf.get("/")
    request.user = public_user
    assert navigation(request)["staff_nav_items"] == []
    request.user = staff_user  # e.g. a view that logs someone in and renders a page
    assert navigation(request)["staff_nav_items"]
    assert navigation(request)["user_role"] == "staff"
