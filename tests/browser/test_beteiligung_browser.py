"""The staff registration list in chromium: each row's button cancels its own registration
through the one form around the table, and axe passes before and after."""

import pytest
from playwright.sync_api import expect

from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_staff_cancels_one_registration_from_the_list(
    page, live_server, login_as, transactional_db
):
    from beteiligung.models import Registration
    from tests.beteiligung.factories import EventFactory, RegistrationFactory

    event = EventFactory(capacity=10)
    anna = RegistrationFactory(event=event, name="Anna Abmeldung")
    bernd = RegistrationFactory(event=event, name="Bernd Bleibt")
    login_as(make_user("staff@example.org", is_staff=True))
    page.goto(f"/beteiligung/verwaltung/{event.pk}/anmeldungen/")
    expect(page.get_by_role("button", name="Bernd Bleibt abmelden")).to_be_visible()
    page.get_by_role("button", name="Anna Abmeldung abmelden").click()
    expect(page.get_by_text("Anna Abmeldung ist abgemeldet")).to_be_visible()
    assert page.url.endswith(f"/beteiligung/verwaltung/{event.pk}/anmeldungen/")
    expect(page.get_by_role("button", name="Anna Abmeldung abmelden")).to_have_count(0)
    anna.refresh_from_db()
    bernd.refresh_from_db()
    assert anna.status == Registration.Status.CANCELLED
    assert bernd.status == Registration.Status.CONFIRMED
