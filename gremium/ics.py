"""iCalendar for meetings: one event per meeting with a stable UID and a rising SEQUENCE.

Built with the icalendar package directly; a cancelled meeting is sent with METHOD:CANCEL.
"""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting

PRODID = "-//Landeshauptstadt Erfurt//Sozialraumplanung//DE"


def _uid(meeting: Meeting) -> str:
    return f"meeting-{meeting.uid}@sozialraumplanung.erfurt.de"


def _event(meeting: Meeting, *, url: str = "", cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", _uid(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end)
    event.add("summary", meeting.title)
    location = str(meeting.location) if meeting.location_id else ""
    if meeting.video_url:
        location = f"{location} ({meeting.video_url})" if location else meeting.video_url
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
        event.add("description", url)
    event.add("status", "CANCELLED" if cancelled or meeting.is_cancelled else "CONFIRMED")
    return event


def _calendar(method: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    if method:
        cal.add("method", method)
    return cal


def meeting_ics(meeting: Meeting, *, url: str = "") -> bytes:
    """One meeting as an invitation (METHOD:REQUEST) or, when cancelled, METHOD:CANCEL."""
    cal = _calendar("CANCEL" if meeting.is_cancelled else "REQUEST")
    cal.add_component(_event(meeting, url=url))
    return cal.to_ical()


def meetings_feed(meetings, *, url_for=None) -> bytes:
    """A subscribable feed (METHOD:PUBLISH) of the given meetings."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", "Sitzungen – Sozialraumplanung Erfurt")
    for meeting in meetings:
        cal.add_component(_event(meeting, url=url_for(meeting) if url_for else ""))
    return cal.to_ical()


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
