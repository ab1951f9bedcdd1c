"""Every edit form with a date or time input, opened in a real browser with a stored value and
saved unchanged, saves (no "Dieses Feld ist zwingend erforderlich") and keeps the value."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from beteiligung.models import Event
from gremium.models import Meeting, Paper
from leitlinien.reports import services as report_services
from standorte import services as standorte_services
from standorte.models import Indicator, Recommendation
from tests.beteiligung.factories import EventFactory, ProgrammeItemFactory
from tests.browser.conftest import _axe_hooks, _playwright, browser, login_as, page  # noqa: F401
from tests.gremium.factories import MeetingFactory, PaperFactory
from tests.standorte.factories import RecommendationFactory

DATE_INPUTS = "input[type=date], input[type=time], input[type=datetime-local]"


def _date_inputs(form) -> dict[str, str]:
    values = {}
    for handle in form.locator(DATE_INPUTS).all():
        values[handle.get_attribute("name")] = handle.input_value()
    return values


def _save_unchanged(page, url: str, field: str) -> dict[str, str]:  # noqa: F811
    """Open `url`, submit the form holding `field` as it is, check it saved and kept its dates."""
    page.goto(url)
    form = page.locator("form", has=page.locator(f"[name='{field}']"))
    before = _date_inputs(form)
    assert before.get(field), (url, before)  # the browser shows the stored value
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    body = page.content()
    assert "zwingend erforderlich" not in body and "This field is required" not in body, url
    assert page.locator(".errorlist").count() == 0, (
        url,
        page.locator(".errorlist").all_inner_texts(),
    )
    page.goto(url)
    after = _date_inputs(page.locator("form", has=page.locator(f"[name='{field}']")))
    assert after == before, url
    return after


@pytest.mark.browser
def test_every_edit_form_with_a_date_saves_unchanged(
    page,  # noqa: F811
    live_server,
    login_as,  # noqa: F811
    staff_user,
    committee,
):
    login_as(staff_user)

    # standorte: the Ausschuss's recorded decision (the form that failed).
    rec = RecommendationFactory(
        site__project__committee=committee, recommended_on=date(2022, 9, 13)
    )
    standorte_services.recommendation_record_decision(
        actor=staff_user,
        recommendation=rec,
        decision=Recommendation.Decision.AGREED,
        decision_date=date(2022, 11, 3),
    )
    values = _save_unchanged(page, rec.get_absolute_url(), "decision_date")
    assert values["decision_date"] == "2022-11-03"
    rec.refresh_from_db()
    assert rec.decision_date == date(2022, 11, 3)

    # standorte: an indicator's reference date (a flushed test database has lost the defaults).
    standorte_services.indicators_ensure_defaults()
    indicator = Indicator.objects.get(key="sozialindex")
    Indicator.objects.filter(pk=indicator.pk).update(reference_date=date(2020, 12, 31))
    url = reverse("standorte:indicator_edit", args=[indicator.pk])
    assert _save_unchanged(page, url, "reference_date")["reference_date"] == "2020-12-31"

    # gremium: a meeting's start and end, a paper's date.
    start = timezone.localtime(timezone.now() + timedelta(days=20)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    meeting = MeetingFactory(
        committee=committee, start=start, end=start + timedelta(hours=2), state=Meeting.State.DRAFT
    )
    values = _save_unchanged(page, reverse("gremium:meeting_edit", args=[meeting.pk]), "start")
    assert values["start"] == start.strftime("%Y-%m-%dT%H:%M")
    meeting.refresh_from_db()
    assert meeting.start == start
    paper = PaperFactory(date=date(2022, 10, 20))
    values = _save_unchanged(page, reverse("gremium:paper_edit", args=[paper.pk]), "date")
    assert values["date"] == "2022-10-20"
    assert Paper.objects.get(pk=paper.pk).date == date(2022, 10, 20)

    # beteiligung: an event's times and its programme's clock times.
    event = EventFactory(
        starts_at=start + timedelta(days=5),
        ends_at=start + timedelta(days=5, hours=4),
        registration_opens_at=start - timedelta(days=10),
        registration_closes_at=start + timedelta(days=4),
    )
    ProgrammeItemFactory(event=event, starts_at=time(9, 30), ends_at=time(10, 15))
    url = reverse("beteiligung:staff_event_edit", args=[event.pk])
    values = _save_unchanged(page, url, "starts_at")
    assert "09:30" in values.values() and "10:15" in values.values()
    fresh = Event.objects.get(pk=event.pk)
    assert (fresh.starts_at, fresh.ends_at) == (event.starts_at, event.ends_at)

    # leitlinien: when the next progress report is due.
    report_services.report_cycle_set(
        actor=staff_user,
        interval_months=12,
        next_due_on=date.today() + timedelta(days=90),
        remind_days_before=28,
        committee=committee,
    )
    values = _save_unchanged(page, reverse("leitlinien:report_index"), "next_due_on")
    assert values["next_due_on"] == (date.today() + timedelta(days=90)).isoformat()
