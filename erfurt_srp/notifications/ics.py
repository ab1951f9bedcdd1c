"""RFC 5545 calendar data: .ics attachments for invitations and public iCal feeds.

    event = CalendarEvent(uid=calendar_uid("meeting", meeting.pk), start=..., end=...,
                          summary=..., location=..., url=..., sequence=meeting.revision)
    attachment = ics_attachment(event)                 # METHOD:REQUEST, an invitation
    attachment = ics_attachment(event, cancel=True)    # METHOD:CANCEL, STATUS:CANCELLED
    body = ics_feed([event, ...], name="Sitzungen")    # METHOD:PUBLISH, for a feed view

Keep the UID stable for the life of the event and raise SEQUENCE whenever date, time or place
change: calendar programs then update the entry they already have instead of adding a second.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils import timezone

from .services import Attachment

PRODID = "-//Landeshauptstadt Erfurt//Sozialraumplanung//DE"
BERLIN = ZoneInfo("Europe/Berlin")


def calendar_uid(kind: str, pk, *, domain: str | None = None) -> str:
    """Return a stable, globally unique UID for one object, e.g. meeting-12@erfurt.de."""
    if domain is None:
        _, _, domain = settings.DEFAULT_FROM_EMAIL.rstrip(">").rpartition("@")
    return f"srp-{kind}-{pk}@{domain or 'localhost'}"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    start: datetime | date
    summary: str
    end: datetime | date | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    sequence: int = 0
    organizer_email: str = ""
    organizer_name: str = ""
    attendees: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (email, name)
    cancelled: bool = False
    last_modified: datetime | None = None


def _local(value):
    """Express aware datetimes in Europe/Berlin (with a VTIMEZONE); naive ones count as Berlin."""
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            return value.replace(tzinfo=BERLIN)
        return value.astimezone(BERLIN)
    return value  # a date: an all-day event


def _address(email: str, name: str = "", **params) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = icalendar.vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = icalendar.vText(value)
    return address


def _event_component(event: CalendarEvent, *, cancelled: bool, stamp: datetime):
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("dtstamp", stamp)
    component.add("sequence", int(event.sequence))
    component.add("dtstart", _local(event.start))
    end = event.end
    if end is None:
        end = event.start + (
            timedelta(days=1) if not isinstance(event.start, datetime) else timedelta(hours=2)
        )
    component.add("dtend", _local(end))
    component.add("summary", event.summary)
    if event.description:
        component.add("description", event.description)
    if event.location:
        component.add("location", event.location)
    if event.url:
        component.add("url", event.url)
    if event.organizer_email:
        component.add("organizer", _address(event.organizer_email, event.organizer_name))
    for email, name in event.attendees:
        component.add(
            "attendee",
            _address(email, name, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="FALSE"),
        )
    if event.last_modified:
        component.add("last-modified", event.last_modified.astimezone(ZoneInfo("UTC")))
    component.add("status", "CANCELLED" if cancelled or event.cancelled else "CONFIRMED")
    return component


def build_calendar(
    events, *, method: str = "PUBLISH", name: str = "", cancel: bool = False
) -> icalendar.Calendar:
    """Return a VCALENDAR with one VEVENT per event (and the VTIMEZONEs they use)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    stamp = timezone.now().astimezone(ZoneInfo("UTC")).replace(microsecond=0)
    events = list(events)
    for event in events:
        calendar.add_component(_event_component(event, cancelled=cancel, stamp=stamp))
    if events:
        # Only the transitions around the events: keeps each invitation small.
        days = [e.start if not isinstance(e.start, datetime) else e.start.date() for e in events]
        calendar.add_missing_timezones(
            first_date=min(days) - timedelta(days=366), last_date=max(days) + timedelta(days=366)
        )
    return calendar


def ics_bytes(event: CalendarEvent, *, cancel: bool = False, method: str | None = None) -> bytes:
    """Return one event as .ics bytes: METHOD:REQUEST, or CANCEL when cancel is set."""
    method = method or ("CANCEL" if cancel else "REQUEST")
    return build_calendar([event], method=method, cancel=cancel).to_ical()


def ics_attachment(
    event: CalendarEvent,
    *,
    cancel: bool = False,
    method: str | None = None,
    filename: str = "",
) -> Attachment:
    """Return the event as an e-mail attachment (text/calendar with its METHOD)."""
    method = method or ("CANCEL" if cancel else "REQUEST")
    content = ics_bytes(event, cancel=cancel, method=method)
    filename = filename or ("absage.ics" if cancel else "termin.ics")
    return Attachment(
        filename=filename, mimetype=f"text/calendar; method={method}", content=content
    )


def ics_feed(events, *, name: str = "") -> bytes:
    """Return a feed of many events (METHOD:PUBLISH) for a public iCal URL.

    Serve it with content type "text/calendar; charset=utf-8". Cancelled events stay in the
    feed with STATUS:CANCELLED so subscribers remove them.
    """
    return build_calendar(list(events), method="PUBLISH", name=name).to_ical()
