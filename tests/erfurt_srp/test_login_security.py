"""Every login path asks for the second factor of an account that has one; the admin login is
allauth's (second factor, rate limits)."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache(settings):
    """allauth's rate-limit counters and used TOTP codes live in the cache."""
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a 30 s step still counts
    cache.clear()
    yield
    cache.clear()


def activate_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login_with_totp(client, user, secret):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- the admin login ----------------------------------------------------------------------------


def test_admin_login_page_sends_to_the_allauth_login(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")


def test_admin_login_form_does_not_log_in_without_the_second_factor(client, staff_user):
    activate_totp(staff_user)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": staff_user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert not _logged_in(client)
    assert client.get("/admin/").status_code == 302


def test_admin_login_form_does_not_log_in_staff_without_totp_either(client, staff_user):
    client.post("/admin/login/", {"username": staff_user.email, "password": PASSWORD})
    assert not _logged_in(client)


def test_logged_in_non_staff_is_refused_at_the_admin_login(client, public_user):
    client.force_login(public_user)
    assert client.get("/admin/login/").status_code == 403


def test_staff_reaches_the_admin_after_password_and_totp(client, staff_user, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    secret = activate_totp(staff_user)
    login_with_totp(client, staff_user, secret)
    assert client.get("/admin/").status_code == 200


# --- the session must have passed the second factor -------------------------------------------------


@pytest.mark.parametrize("fixture", ["public_user", "staff_user", "admin_user"])
def test_session_without_the_second_factor_is_logged_out(client, request, fixture):
    """A login that skipped the TOTP step (any path other than allauth's) does not count."""
    user = request.getfixturevalue(fixture)
    activate_totp(user)
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not _logged_in(client)


def test_password_alone_does_not_log_in_an_account_with_totp(client, public_user):
    activate_totp(public_user)
    client.post(reverse("account_login"), {"login": public_user.email, "password": PASSWORD})
    assert not _logged_in(client)
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_wrong_code_does_not_log_in(client, public_user):
    activate_totp(public_user)
    client.post(reverse("account_login"), {"login": public_user.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert not _logged_in(client)


def test_password_and_code_log_in(client, public_user):
    secret = activate_totp(public_user)
    login_with_totp(client, public_user, secret)
    assert _logged_in(client)
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db(transaction=True)  # allauth reports the activation on commit
def test_staff_who_sets_up_totp_now_is_not_logged_out(client, staff_user, settings):
    """Activating TOTP proves the second factor for this session."""
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.post(reverse("account_login"), {"login": staff_user.email, "password": PASSWORD})
    assert client.get(reverse("dashboard")).url == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200, page
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff_user, type="totp").exists()
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200, dashboard
    assert _logged_in(client)
