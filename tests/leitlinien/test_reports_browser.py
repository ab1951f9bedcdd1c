"""The progress-report pages work by keyboard and mouse and pass axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import _axe_hooks, _playwright, browser, login_as, page  # noqa: F401
from tests.conftest import make_user
from tests.gremium.factories import CommitteeFactory

pytestmark = pytest.mark.browser


def test_staff_set_the_cycle_draft_a_report_and_edit_its_text(
    page,  # noqa: F811
    live_server,
    login_as,  # noqa: F811
    transactional_db,
):
    CommitteeFactory(name="Ausschuss für Soziales", slug="ausschuss-test")
    login_as(make_user("staff-report@example.org", is_staff=True))
    page.goto("/leitlinien/berichte/")
    due = (timezone.localdate() + timedelta(days=60)).isoformat()
    page.get_by_label("nächster Bericht fällig am").fill(due)
    page.get_by_label("berichtet an (Ausschuss)").select_option(label="Ausschuss für Soziales")
    page.get_by_role("button", name="Berichtszyklus speichern").click()
    expect(page.locator(".message-success")).to_be_visible()
    page.get_by_role("button", name="Bericht aus den aktuellen Daten entwerfen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sachstandsbericht")
    page.get_by_label("Sachverhalt").fill("Kurzer Sachverhalt für den Ausschuss.")
    page.get_by_role("button", name="Text speichern").click()
    expect(page.get_by_label("Sachverhalt")).to_have_value("Kurzer Sachverhalt für den Ausschuss.")
    page.goto("/leitlinien/sozialraumplan/texte/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert len(page.axe.checked) >= 4
