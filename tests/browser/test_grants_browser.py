"""The staff pages for guests and editors in chromium: keyboard-usable forms, the end-date error
next to its field with the input kept, and axe on every state."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_staff_grant_a_guest_access_and_an_editor(page, live_server, login_as, transactional_db):
    from leitlinien.models import Theme
    from tests.gremium.factories import (
        AgendaItemFactory,
        CommitteeFactory,
        ConsultationFactory,
        MeetingFactory,
        PaperFactory,
    )
    from tests.leitlinien.factories import GuidelineFactory, ThemeFactory

    committee = CommitteeFactory(name="Begleitgremium", slug="begleitgremium")
    meeting = MeetingFactory(committee=committee, number=3)
    item = AgendaItemFactory(meeting=meeting, name="Standorte", public=False)
    ConsultationFactory(agenda_item=item, paper=PaperFactory(reference="1/26", public=False))
    GuidelineFactory(theme=ThemeFactory(committee=committee, title="Wohnen", slug="wohnen"))
    make_user("expertin@example.org", first_name="Erika", last_name="Expertin")
    login_as(make_user("staff@example.org", is_staff=True, first_name="Sven", last_name="Staff"))

    page.goto(f"/gremium/sitzungen/{meeting.pk}/")
    page.get_by_role("link", name="Gastzugänge").first.click()
    page.get_by_label(re.compile("^E-Mail-Adresse der Person")).fill("expertin@example.org")
    page.get_by_role("button", name="Zugang erteilen").click()
    end_date = page.get_by_label(re.compile("^gültig bis einschließlich"))
    expect(page.locator("#id_ends_on_error")).to_contain_text("bis wann der Zugang gelten soll")
    expect(page.get_by_label(re.compile("^E-Mail-Adresse der Person"))).to_have_value(
        "expertin@example.org"
    )
    end_date.fill("2099-12-31")
    page.get_by_role("button", name="Zugang erteilen").click()
    expect(page.get_by_text("Erika Expertin hat jetzt Zugang.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Widerrufen"))).to_be_visible()

    theme = Theme.objects.get(slug="wohnen")
    page.goto(f"/leitlinien/themen/{theme.slug}/federfuehrung/")
    page.get_by_label(re.compile("^E-Mail-Adresse der Person")).fill("expertin@example.org")
    page.get_by_role("button", name="Federführung übertragen").click()
    expect(page.get_by_text("Erika Expertin hat jetzt die Federführung.")).to_be_visible()
    page.axe_check()
    assert len(page.axe.checked) >= 5
