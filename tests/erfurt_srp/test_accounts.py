"""Accounts: allauth pages in our layout, e-mail login, sign-up with verification, MFA for staff."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from erfurt_srp.accounts.models import User
from erfurt_srp.accounts.roles import Role, role_of


@pytest.mark.parametrize(
    "name",
    [
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_email_verification_sent",
    ],
)
def test_account_pages_use_our_layout_with_labels(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zum Inhalt springen" in html  # our base layout
    assert '<html lang="de">' in html
    if name != "account_email_verification_sent":
        assert "<label for=" in html


def test_login_by_email_lands_on_dashboard(client, public_user, password):
    response = client.post(
        reverse("account_login"), {"login": public_user.email, "password": password}
    )
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


@pytest.mark.parametrize("email", ["public@example.org", "unbekannt@example.org"])
def test_wrong_password_or_unknown_email_gives_a_clear_message(client, public_user, email):
    response = client.post(reverse("account_login"), {"login": email, "password": "falsch-falsch"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "errorlist" in html
    assert "Passwort" in html
    assert f'value="{email}"' in html  # input kept


def test_signup_requires_email_verification(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "neu@example.org",
            "password1": "Erfurt-Plan-2026!",
            "password2": "Erfurt-Plan-2026!",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="neu@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert role_of(user) == Role.PUBLIC
    # Not verified: logging in sends the verification again instead of a session.
    client.logout()
    login = client.post(
        reverse("account_login"), {"login": "neu@example.org", "password": "Erfurt-Plan-2026!"}
    )
    assert login.status_code == 302
    assert login.url == reverse("account_email_verification_sent")


def test_signup_errors_next_to_the_field(client, db):
    response = client.post(
        reverse("account_signup"), {"email": "kaputt", "password1": "a", "password2": "b"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "field-has-error" in html
    assert 'value="kaputt"' in html


def test_password_reset_for_unknown_email_does_not_fail(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "wer@example.org"})
    assert response.status_code == 302


def test_mfa_page_renders_for_a_user(client, public_user):
    client.force_login(public_user)
    response = client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert "Zwei-Faktor" in response.content.decode()


# --- MFA required for staff in production mode -----------------------------------------------


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True


@pytest.mark.parametrize("fixture", ["staff_user", "admin_user"])
def test_staff_without_totp_is_sent_to_mfa_setup(client, request, mfa_required, fixture):
    client.force_login(request.getfixturevalue(fixture))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # the MFA and account pages stay reachable
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get("/healthz").status_code in (200, 503)


def test_staff_with_totp_passes_after_the_second_factor(client, staff_user, mfa_required):
    from tests.erfurt_srp.test_login_security import activate_totp, login_with_totp

    secret = activate_totp(staff_user)
    login_with_totp(client, staff_user, secret)
    assert client.get("/").status_code == 200


def test_members_and_public_are_not_forced(client, member_user, public_user, mfa_required):
    for user in (member_user, public_user):
        client.force_login(user)
        assert client.get("/").status_code == 200


def test_mfa_not_forced_when_setting_is_off(client, staff_user, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client.force_login(staff_user)
    assert client.get("/").status_code == 200


# --- roles ------------------------------------------------------------------------------------


def test_role_of_every_role(db, admin_user, staff_user, member_user, deputy_user, public_user):
    from django.contrib.auth.models import AnonymousUser

    assert role_of(AnonymousUser()) == Role.ANONYMOUS
    assert role_of(admin_user) == Role.ADMIN
    assert role_of(staff_user) == Role.STAFF
    assert role_of(member_user) == Role.MEMBER
    assert role_of(deputy_user) == Role.MEMBER
    assert role_of(public_user) == Role.PUBLIC


def test_ended_membership_is_no_longer_member(member_membership):
    from datetime import timedelta

    from django.utils import timezone

    member_membership.end_date = timezone.localdate()
    member_membership.start_date = timezone.localdate() - timedelta(days=10)
    member_membership.save()
    user = User.objects.get(pk=member_membership.person.user_id)
    assert role_of(user) == Role.PUBLIC


def test_staff_can_open_the_totp_setup_page_in_our_layout(client, staff_user, mfa_required):
    client.force_login(staff_user)
    response = client.get(reverse("dashboard"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_activate_totp")) or (
        "reauthenticate" in response.redirect_chain[-1][0]
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zum Inhalt springen" in html
    assert "Zwei-Faktor-Anmeldung Pflicht" in html  # the warning message


def test_password_reset_end_to_end(client, public_user):
    import re

    response = client.post(reverse("account_reset_password"), {"email": public_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/password/reset/key/[^\s]+", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    path = "/" + link.group(0).split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert "Zum Inhalt springen" in form_page.content.decode()
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    mismatch = client.post(action, {"password1": "Neu-Erfurt-2026!", "password2": "anders"})
    assert mismatch.status_code == 200
    assert "field-has-error" in mismatch.content.decode()
    done = client.post(action, {"password1": "Neu-Erfurt-2026!", "password2": "Neu-Erfurt-2026!"})
    assert done.status_code == 302
    public_user.refresh_from_db()
    assert public_user.check_password("Neu-Erfurt-2026!")
