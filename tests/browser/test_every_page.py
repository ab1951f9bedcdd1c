"""Every main page of every role, on a phone: axe finds no serious or critical violation and no
page scrolls sideways at 375 px (wide tables scroll inside their own box)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from erfurt_srp.accounts.models import User
from tests.crawl import html_pages

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
# The deepest elements that reach past the right edge: what makes a page too wide.
OVERFLOWING = """(limit) => Array.from(document.querySelectorAll("body *"))
  .filter(el => el.getBoundingClientRect().right > limit + 1 && el.children.length === 0)
  .slice(0, 3)
  .map(el => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ")[0] : "")
       + (el.id ? "#" + el.id : "") + " (" + Math.round(el.getBoundingClientRect().right) + ")")"""
START = ["/", "/dashboard/", "/leitlinien/", "/beteiligung/", "/gremium/sitzungen/", "/standorte/"]
ROLES = [
    ("anonymous", None),
    ("public", "buergerin@demo.erfurt-srp.de"),
    ("member", "mitglied.dezernat-05@demo.erfurt-srp.de"),
    ("staff", "geschaeftsstelle@demo.erfurt-srp.de"),
]
# Pages a role reaches only through a form or an e-mail, walked in addition.
EXTRA = {
    "anonymous": ["/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"],
    "public": ["/konto/loeschen/"],
    "member": [],
    "staff": [],
}


def _pages(email, role):
    client = Client()
    if email:
        client.force_login(User.objects.get(email=email))
    start = [p for p in START if email or p != "/dashboard/"] + EXTRA[role]
    pages = html_pages(client, start, depth=2)
    if role == "staff":
        # the door check-in of the coming event
        from beteiligung.models import Event

        event = Event.objects.filter(slug__startswith="werkstatt").first()
        pages.append(f"/beteiligung/verwaltung/{event.pk}/einlass/")
    return pages


def test_every_page_of_every_role_passes_axe_and_fits_a_phone(
    page, live_server, login_as, transactional_db, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    page.set_viewport_size(PHONE)
    too_wide = []
    walked = 0
    for role, email in ROLES:
        page.context.clear_cookies()
        if email:
            login_as(User.objects.get(email=email))
        for path in _pages(email, role):
            page.goto(path)
            walked += 1
            width = page.evaluate("document.scrollingElement.scrollWidth")
            if width > PHONE["width"]:
                culprits = ", ".join(page.evaluate(OVERFLOWING, PHONE["width"]))
                too_wide.append(f"{role} {path}: {width} px: {culprits}")
    assert not too_wide, "pages wider than the phone:\n" + "\n".join(too_wide)
    assert walked >= 60


def test_door_check_in_works_with_one_thumb_on_a_phone(
    page, live_server, login_as, transactional_db
):
    from playwright.sync_api import expect

    from tests.beteiligung.factories import EventFactory, RegistrationFactory
    from tests.conftest import make_user

    event = EventFactory(capacity=10)
    RegistrationFactory(event=event, name="Karla Kolumna")
    RegistrationFactory(event=event, name="Bernd Brot")
    login_as(make_user("einlass@example.org", is_staff=True))
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(f"/beteiligung/verwaltung/{event.pk}/einlass/")
    search = page.get_by_label("Name oder Organisation suchen")
    search.fill("Kolumna")
    button = page.get_by_role("button", name="Karla Kolumna ist da")
    expect(button).to_be_visible()
    expect(page.get_by_role("button", name="Bernd Brot ist da")).to_have_count(0)
    for target in (search, button, page.get_by_role("button", name="Suchen")):
        box = target.bounding_box()
        assert box["height"] >= 44, box  # a thumb-sized target
    assert button.bounding_box()["width"] >= 0.8 * (375 - 2 * 16 - 2 * 16)
    button.click()
    expect(page.get_by_text("anwesend seit")).to_be_visible()
    expect(page.locator("#checkin-count")).to_contain_text("1 von 2 anwesend")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 375


def test_public_forms_with_mistakes_pass_axe_and_keep_the_entries(
    page, live_server, transactional_db
):
    """The registration and the comment form, empty and with a bad address: axe checks each
    state (the honeypot must not be focusable inside aria-hidden), the entries stay."""
    from playwright.sync_api import expect

    from tests.beteiligung.factories import EventFactory, EventTableFactory
    from tests.leitlinien.factories import RoundFactory, VersionFactory

    event = EventFactory(capacity=10)
    EventTableFactory(event=event, capacity=5)
    consultation_round = RoundFactory(version=VersionFactory(), audience="public")
    page.set_viewport_size(PHONE)
    for url, button, name_label in (
        (event.get_absolute_url(), "Verbindlich anmelden", "Name"),
        (consultation_round.get_absolute_url(), "Kommentar absenden", "Ihr Name"),
    ):
        page.goto(url)
        page.get_by_role("button", name=button).click()
        expect(page.locator(".errorlist").first).to_be_visible()
        page.get_by_label(name_label, exact=False).first.fill("Erika Muster")
        page.get_by_label("E-Mail", exact=False).first.fill("keine-adresse")
        page.get_by_role("button", name=button).click()
        expect(page.get_by_label(name_label, exact=False).first).to_have_value("Erika Muster")
        expect(page.locator(".errorlist").first).to_be_visible()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    assert len(page.axe.checked) >= 6
