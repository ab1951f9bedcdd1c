"""The staff outbox in a real browser: filter, open, send again; axe checks every page."""

import pytest
from playwright.sync_api import expect

from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.services import message_queue
from tests.browser import conftest as harness
from tests.conftest import make_user

pytestmark = pytest.mark.browser

# Use the shared browser harness (page with axe, login_as, ...): its fixtures live in
# tests/browser/conftest.py, which pytest only applies below tests/browser/.
globals().update(
    {
        name: value
        for name, value in vars(harness).items()
        if hasattr(value, "_fixture_function_marker")
    }
)


def test_staff_find_a_failed_message_and_send_it_again(
    page,
    live_server,
    login_as,
    transactional_db,
):
    message_queue(kind="test.ok", recipient="ok@example.org", subject="Angekommen", body="x")
    failed = message_queue(
        kind="meeting.invitation",
        recipient="weg@example.org",
        subject="Einladung zur Sitzung",
        body="Guten Tag,\nSie sind eingeladen.",
    )
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxMessage.Status.FAILED, attempts=5, last_error="SMTPServerDisconnected: weg"
    )
    login_as(make_user("outbox-staff@example.org", is_staff=True))

    page.goto("/outbox/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Postausgang")
    page.get_by_label("Status", exact=True).select_option(label="fehlgeschlagen")
    page.get_by_role("button", name="Filtern").click()
    expect(page.get_by_role("cell", name="weg@example.org")).to_be_visible()
    expect(page.get_by_role("cell", name="ok@example.org")).to_have_count(0)

    page.get_by_role("link", name="Einladung zur Sitzung").click()
    expect(page.get_by_text("SMTPServerDisconnected: weg")).to_be_visible()
    page.get_by_role("button", name="Erneut senden").click()

    expect(page.locator(".message-success")).to_contain_text("Die Nachricht wird erneut gesendet.")
    expect(page.locator(".outbox-facts")).to_contain_text("gesendet")  # eager worker in tests
    failed.refresh_from_db()
    assert failed.status == OutboxMessage.Status.SENT
    assert len(page.axe.checked) >= 3
