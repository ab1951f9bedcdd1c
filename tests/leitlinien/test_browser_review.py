"""Staff review held public comments in a real browser; axe checks every page."""

import pytest
from playwright.sync_api import expect

from leitlinien import services
from tests.browser import conftest as harness
from tests.conftest import make_user

from .factories import GuidelineFactory, RoundFactory, ThemeFactory, VersionFactory

pytestmark = pytest.mark.browser

globals().update(
    {
        name: value
        for name, value in vars(harness).items()
        if hasattr(value, "_fixture_function_marker")
    }
)


def test_staff_release_a_held_comment(page, live_server, login_as, transactional_db):
    consultation_round = RoundFactory(
        version=VersionFactory(guideline=GuidelineFactory(theme=ThemeFactory()))
    )
    author = make_user("neu-im-netz@example.org", first_name="Nora", last_name="Neu")
    services.round_comment_create(
        consultation_round=consultation_round,
        actor=author,
        anchor="",
        body="Mehr dazu unter https://example.org/info",
    )
    login_as(make_user("review-staff@example.org", is_staff=True))

    page.goto("/leitlinien/kommentare/pruefung/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommentare prüfen")
    expect(page.get_by_text("https://example.org/info")).to_be_visible()
    page.get_by_role("button", name="Veröffentlichen Kommentar von Nora Neu").click()

    expect(page.locator(".message-success")).to_contain_text("jetzt veröffentlicht")
    expect(page.get_by_text("Keine Kommentare warten auf Prüfung.")).to_be_visible()
    page.goto(consultation_round.get_absolute_url())
    expect(page.get_by_text("https://example.org/info")).to_be_visible()
    assert len(page.axe.checked) >= 3
