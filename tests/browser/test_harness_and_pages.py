"""The axe harness can fail, and the invitation and account pages pass it."""

import pytest
from playwright.sync_api import expect

from tests.conftest import make_user
from tests.gremium.factories import CommitteeFactory, InstitutionFactory

from .conftest import AxeRecorder

pytestmark = pytest.mark.browser

BAD_PAGE = """<!DOCTYPE html><html><head><title>x</title></head><body>
<main><img src="/missing.png"><p style="color:#bbb;background:#fff">hard to read</p>
<input type="text"></main></body></html>"""


def test_the_axe_harness_reports_serious_violations(browser, live_server, _axe_hooks):
    from .conftest import _recorders

    context = browser.new_context()
    try:
        page = context.new_page()
        recorder = AxeRecorder(page)
        _recorders[id(page)] = recorder
        page.route(
            "**/a11y-broken/",
            lambda route: route.fulfill(body=BAD_PAGE, content_type="text/html"),
        )
        page.goto(live_server.url + "/a11y-broken/")
        page.goto(live_server.url + "/")  # checks happen around each navigation
        text = "\n".join(recorder.findings)
        assert "/a11y-broken/" in text
        assert "image-alt" in text
        assert "label" in text
        assert recorder.checked == [live_server.url + "/a11y-broken/", live_server.url + "/"]
    finally:
        _recorders.pop(id(page), None)
        context.close()


def test_staff_invitation_pages_and_account_pages_pass_axe(
    page, live_server, login_as, transactional_db
):
    CommitteeFactory(name="Begleitgremium", slug="begleitgremium")
    InstitutionFactory(name="Jugendamt")
    login_as(make_user("staff-browser@example.org", is_staff=True))
    page.goto("/gremium/einladungen/neu/")
    page.get_by_role("button", name="Einladung senden").click()  # empty form: errors
    expect(page.locator(".errorlist").first).to_be_visible()
    page.get_by_label("E-Mail-Adresse").fill("neu@example.org")
    page.get_by_label("Gremium").select_option(label="Begleitgremium")
    page.get_by_label("Institution").select_option(label="Jugendamt")
    page.get_by_label("Stellvertretung").check()
    page.get_by_role("button", name="Einladung senden").click()
    expect(page.get_by_role("cell", name="neu@example.org", exact=True)).to_be_visible()
    expect(page.locator(".message-success")).to_be_visible()
    for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert len(page.axe.checked) >= 6


def test_invitee_accepts_the_invitation_and_lands_on_the_dashboard(
    page, live_server, transactional_db
):
    import re

    from erfurt_srp.accounts import services
    from gremium.services.invitations import membership_invitation_create

    staff = make_user("staff-invites@example.org", is_staff=True)
    committee = CommitteeFactory(name="Begleitgremium", slug="begleitgremium")
    institution = InstitutionFactory(name="Jugendamt")
    tokens = []
    original = services._new_token

    def capture():
        token, token_hash = original()
        tokens.append(token)
        return token, token_hash

    services._new_token = capture
    try:
        membership_invitation_create(
            email="eingeladen@example.org",
            committee=committee,
            institution=institution,
            role="member",
            actor=staff,
        )
    finally:
        services._new_token = original

    page.goto(f"/konto/einladung/{tokens[0]}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Einladung annehmen")
    page.get_by_label(re.compile("^Vorname")).fill("Erika")
    page.get_by_label(re.compile("^Nachname")).fill("Eingeladen")
    page.get_by_label(re.compile(r"^Passwort \(Pflicht")).fill("Sozialraum-2026-gut")
    page.get_by_label(re.compile("^Passwort wiederholen")).fill("Sozialraum-2026-gut")
    page.get_by_role("button", name="Konto einrichten").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_text("Erika Eingeladen").first).to_be_visible()
    page.goto(f"/konto/einladung/{tokens[0]}/")  # second use: clear page, no error
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Diese Einladung wurde bereits angenommen"
    )
