"""RFC 5545 output of the .ics helper, parsed back with icalendar."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from erfurt_srp.notifications.ics import (
    CalendarEvent,
    calendar_uid,
    ics_attachment,
    ics_bytes,
    ics_feed,
)
from erfurt_srp.notifications.services import Attachment

BERLIN = ZoneInfo("Europe/Berlin")
UTC = ZoneInfo("UTC")


@pytest.fixture
def event():
    return CalendarEvent(
        uid=calendar_uid("meeting", 7, domain="erfurt.de"),
        start=datetime(2022, 12, 2, 9, 0, tzinfo=BERLIN),
        end=datetime(2022, 12, 2, 13, 0, tzinfo=BERLIN),
        summary="Beteiligungsveranstaltung; Sozialraumplanung, Teil 1",
        description="Programm:\n1. Begrüßung\n2. Thementische",
        location="Rathaus Erfurt, Fischmarkt 1",
        url="https://srp.erfurt.de/beteiligung/1/",
        sequence=2,
        organizer_email="sozialraumplanung@erfurt.de",
        organizer_name="Geschäftsstelle Sozialraumplanung",
        attendees=(("ada@example.org", "Ada Admin"),),
    )


def _parse(data: bytes):
    calendar = icalendar.Calendar.from_ical(data)
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_invitation_is_a_request_with_all_fields(event):
    attachment = ics_attachment(event)

    assert isinstance(attachment, Attachment)
    assert attachment.filename == "termin.ics"
    assert attachment.mimetype == "text/calendar; method=REQUEST"
    calendar, [vevent] = _parse(attachment.content)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    assert "Erfurt" in str(calendar["PRODID"])
    assert str(vevent["UID"]) == "srp-meeting-7@erfurt.de"
    assert vevent["SEQUENCE"] == 2
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["SUMMARY"]) == event.summary
    assert str(vevent["DESCRIPTION"]) == event.description
    assert str(vevent["LOCATION"]) == event.location
    assert str(vevent["URL"]) == event.url
    assert str(vevent["ORGANIZER"]) == "mailto:sozialraumplanung@erfurt.de"
    assert vevent["ORGANIZER"].params["CN"] == "Geschäftsstelle Sozialraumplanung"
    assert str(vevent["ATTENDEE"]) == "mailto:ada@example.org"
    assert vevent.decoded("DTSTAMP").tzinfo is not None


def test_times_are_in_europe_berlin_with_a_vtimezone(event):
    data = ics_bytes(event)
    calendar, [vevent] = _parse(data)

    assert b"DTSTART;TZID=Europe/Berlin:20221202T090000" in data
    assert vevent.decoded("DTSTART") == datetime(2022, 12, 2, 9, 0, tzinfo=BERLIN)
    assert vevent.decoded("DTEND") == datetime(2022, 12, 2, 13, 0, tzinfo=BERLIN)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_utc_input_is_expressed_in_berlin_time(event):
    from dataclasses import replace

    summer = replace(
        event,
        start=datetime(2023, 6, 1, 7, 30, tzinfo=UTC),
        end=datetime(2023, 6, 1, 9, 0, tzinfo=UTC),
    )
    data = ics_bytes(summer)

    assert b"DTSTART;TZID=Europe/Berlin:20230601T093000" in data  # CEST = UTC+2
    _calendar, [vevent] = _parse(data)
    assert vevent.decoded("DTSTART") == datetime(2023, 6, 1, 7, 30, tzinfo=UTC)


def test_cancellation_keeps_the_uid_and_says_cancelled(event):
    from dataclasses import replace

    attachment = ics_attachment(replace(event, sequence=3), cancel=True)

    assert attachment.mimetype == "text/calendar; method=CANCEL"
    assert attachment.filename == "absage.ics"
    calendar, [vevent] = _parse(attachment.content)
    assert calendar["METHOD"] == "CANCEL"
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["UID"]) == "srp-meeting-7@erfurt.de"
    assert vevent["SEQUENCE"] == 3


def test_publish_method_for_a_single_event(event):
    attachment = ics_attachment(event, method="PUBLISH", filename="veranstaltung.ics")
    calendar, _events = _parse(attachment.content)

    assert calendar["METHOD"] == "PUBLISH"
    assert attachment.filename == "veranstaltung.ics"


def test_without_an_end_an_event_lasts_two_hours_and_all_day_events_a_day(event):
    from dataclasses import replace

    _c, [timed] = _parse(ics_bytes(replace(event, end=None)))
    assert timed.decoded("DTEND") - timed.decoded("DTSTART") == timedelta(hours=2)

    _c, [all_day] = _parse(ics_bytes(replace(event, start=date(2022, 12, 2), end=None)))
    assert all_day.decoded("DTSTART") == date(2022, 12, 2)
    assert all_day.decoded("DTEND") == date(2022, 12, 3)


def test_naive_datetimes_count_as_berlin_time(event):
    from dataclasses import replace

    data = ics_bytes(replace(event, start=datetime(2022, 12, 2, 9), end=datetime(2022, 12, 2, 10)))
    assert b"DTSTART;TZID=Europe/Berlin:20221202T090000" in data


def test_feed_holds_many_events_with_cancelled_ones_marked(event):
    from dataclasses import replace

    events = [
        replace(event, uid=calendar_uid("event", i, domain="erfurt.de"), sequence=0)
        for i in range(3)
    ]
    events.append(replace(event, uid="srp-event-99@erfurt.de", cancelled=True))
    data = ics_feed(events, name="Beteiligung Sozialraumplanung")

    calendar, vevents = _parse(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Beteiligung Sozialraumplanung"
    assert [str(v["UID"]) for v in vevents] == [
        "srp-event-0@erfurt.de",
        "srp-event-1@erfurt.de",
        "srp-event-2@erfurt.de",
        "srp-event-99@erfurt.de",
    ]
    assert [str(v["STATUS"]) for v in vevents] == ["CONFIRMED"] * 3 + ["CANCELLED"]
    assert len(set(str(v["UID"]) for v in vevents)) == 4


def test_empty_feed_is_a_valid_calendar():
    calendar, vevents = _parse(ics_feed([], name="Leer"))
    assert vevents == []
    assert calendar["VERSION"] == "2.0"


def test_uid_is_stable():
    assert calendar_uid("meeting", 7, domain="erfurt.de") == calendar_uid(
        "meeting", 7, domain="erfurt.de"
    )
    assert calendar_uid("meeting", 7).endswith("@erfurt.de")  # from DEFAULT_FROM_EMAIL
