"""Real pages in chromium: log in through the login page, sign up, switch the language."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_login_through_the_real_login_page_lands_on_dashboard(page, live_server, transactional_db):
    make_user("browser@example.org", first_name="Bruno", last_name="Browser")
    page.goto("/")
    page.get_by_role("link", name="Anmelden").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label(re.compile("^E-Mail")).fill("browser@example.org")
    page.get_by_label(re.compile(r"^Passwort \(Pflicht")).fill("falsch-falsch")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator(".errorlist")).to_be_visible()
    expect(page.get_by_label(re.compile("^E-Mail"))).to_have_value("browser@example.org")
    page.get_by_label(re.compile(r"^Passwort \(Pflicht")).fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ihre Übersicht")
    expect(page.get_by_text("Bruno Browser").first).to_be_visible()
    page.axe_check()
    assert len(page.axe.checked) >= 4  # home, login, login with error, dashboard


def test_signup_and_language_switch(page, live_server, transactional_db):
    page.goto("/accounts/signup/")
    page.get_by_label(re.compile("^E-Mail")).fill("neu@example.org")
    page.get_by_label(re.compile(r"^Passwort \(Pflicht")).fill("Erfurt-Plan-2026!")
    page.get_by_label(re.compile(r"^Passwort \(Wiederholung")).fill("Erfurt-Plan-2026!")
    page.get_by_role("button", name="Registrieren").click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Sprache wechseln").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
