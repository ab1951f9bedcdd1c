"""Each account stores the language its e-mails are written in: set at sign-up to the page's
language, changed on the settings page."""

import pytest
from django.test import Client
from django.urls import reverse

from erfurt_srp.accounts.languages import language_of, languages_of, supported
from erfurt_srp.accounts.models import User

URL = "/konto/einstellungen/"


def test_settings_page_needs_a_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    response = client.post(URL, {"language": "en"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_settings_page_stores_the_language(client, public_user):
    client.force_login(public_user)
    page = client.get(URL).content.decode()
    assert 'type="radio" name="language" value="de"' in page
    assert reverse("accounts:settings") in page  # linked from the account menu
    response = client.post(URL, {"language": "en"})
    assert response.status_code == 302
    public_user.refresh_from_db()
    assert public_user.language == "en"


def test_unknown_language_is_refused_next_to_the_field(client, public_user):
    client.force_login(public_user)
    response = client.post(URL, {"language": "fr"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_language_error"' in html
    assert 'aria-describedby="id_language_error id_language_helptext"' in html
    public_user.refresh_from_db()
    assert public_user.language == "de"


@pytest.mark.parametrize("language", ["de", "en"])
def test_sign_up_keeps_the_language_of_the_page(db, language):
    client = Client()
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    password = "Erfurt-Plan-2026!"
    client.post(
        reverse("account_signup"),
        {"email": f"neu-{language}@example.org", "password1": password, "password2": password},
    )
    assert User.objects.get(email=f"neu-{language}@example.org").language == language


def test_recipient_languages(public_user, staff_user):
    User.objects.filter(pk=public_user.pk).update(language="en")
    assert languages_of([public_user.email.upper(), staff_user.email, "fremd@example.org"]) == {
        public_user.email: "en",
        staff_user.email: "de",
        "fremd@example.org": "de",
    }
    assert language_of("fremd@example.org", default="en") == "en"
    assert supported("en-gb") == "en" and supported("fr") == "de" and supported(None) == "de"
