"""One language at a time: the main pages of every role, walked in German and in English, show
no text of the other language (what people typed stays as typed); allauth says "Sie"; numbers
follow the language."""

import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from erfurt_srp.accounts.models import User
from tests.crawl import html_pages
from tests.languages import GENERATED_FIELDS, foreign_text, typed_texts, visible_text

MAIN_PAGES = [
    "/",
    "/leitlinien/",
    "/beteiligung/",
    "/gremium/sitzungen/",
    "/gremium/drucksachen/",
    "/standorte/",
    "/standorte/karte/",
]
ROLES = [
    None,
    "buergerin@demo.erfurt-srp.de",
    "mitglied.dezernat-05@demo.erfurt-srp.de",
    "stellvertretung.dezernat-05@demo.erfurt-srp.de",
    "geschaeftsstelle@demo.erfurt-srp.de",
]
INFORMAL = re.compile(r"\b(du|dich|dir|dein\w*|versuche|bitte gib)\b", re.IGNORECASE)


@pytest.fixture
def demo(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    cache.clear()


def _client(language: str, email: str | None = None) -> Client:
    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def test_the_fields_named_as_generated_exist():
    for name in GENERATED_FIELDS:
        app, model, field = name.split(".")
        apps.get_model(app, model)._meta.get_field(field)


@pytest.mark.parametrize("language", ["en", "de"])
def test_main_pages_of_every_role_speak_one_language(demo, language):
    typed = typed_texts() if language == "en" else []
    found = []
    for email in ROLES:
        client = _client(language, email)
        start = MAIN_PAGES + (["/dashboard/"] if email else [])
        pages = html_pages(client, start, depth=2)
        assert len(pages) > 20
        for path in pages:
            response = client.get(path)
            assert f'<html lang="{language}">' in response.content.decode()
            for text in foreign_text(response.content.decode(), language, typed=typed):
                found.append(f"{email or 'anonymous'} {path}: {text[:160]}")
    assert not found, "text of the other language:\n" + "\n".join(found)


def test_district_table_numbers_follow_the_language(demo):
    from standorte.models import IndicatorValue

    value = IndicatorValue.objects.filter(
        district__social_area__isnull=False, value__gt=100, value__lt=1000
    ).first()
    area = value.district.social_area
    stored = value.value.normalize()
    german = str(stored).replace(".", ",")
    url = reverse("standorte:area_detail", args=[area.pk])
    client = Client()
    client.force_login(User.objects.get(email="geschaeftsstelle@demo.erfurt-srp.de"))
    html_de = client.get(url).content.decode()
    assert f"<td>{german}</td>" in html_de
    assert f"<td>{german}00</td>" not in html_de and f"<td>{stored}</td>" not in html_de
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html_en = client.get(url).content.decode()
    assert f"<td>{stored}</td>" in html_en
    assert f"<td>{german}</td>" not in html_en


def test_login_rate_limit_message_says_sie(client, public_user, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip,2/5m/key"}
    url = reverse("account_login")
    for _attempt in range(4):
        response = client.post(url, {"login": public_user.email, "password": "falsch"})
    text = " ".join(visible_text(response.content.decode()))
    assert "Zu viele gescheiterte Anmeldeversuche. Bitte versuchen Sie es später erneut." in text
    assert not INFORMAL.search(text), INFORMAL.search(text)


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/logout/",
        "/accounts/email/",
        "/accounts/password/reset/key/1-ungueltig/",
    ],
)
def test_allauth_pages_say_sie(client, public_user, url):
    if url in ("/accounts/logout/", "/accounts/email/"):
        client.force_login(public_user)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    text = " ".join(visible_text(response.content.decode()))
    assert text
    assert not INFORMAL.search(text), INFORMAL.search(text)


def test_allauth_messages_say_sie(client, public_user):
    from django.utils import translation
    from django.utils.translation import gettext

    from erfurt_srp.accounts.allauth_texts import TEXTS

    with translation.override("de"):
        informal = [gettext(text) for text in TEXTS if INFORMAL.search(gettext(text))]
    assert not informal, (
        "allauth's texts say du: is locale/de/LC_MESSAGES/django.mo compiled from its .po "
        "(compilemessages -l de)?\n" + "\n".join(informal)
    )
