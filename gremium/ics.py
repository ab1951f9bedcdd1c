"""iCalendar for meetings, built on erfurt_srp.notifications.ics: one event per meeting with a
stable UID (from Meeting.uid) and SEQUENCE = Meeting.sequence, raised with every announced change;
a cancelled meeting is sent with METHOD:CANCEL."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.notifications.ics import CalendarEvent, ics_attachment, ics_bytes, ics_feed
from erfurt_srp.notifications.services import Attachment

from .models import Meeting


def _location(meeting: Meeting) -> str:
    location = str(meeting.location) if meeting.location_id else ""
    if meeting.video_url:
        location = f"{location} ({meeting.video_url})" if location else meeting.video_url
    return location


def meeting_event(meeting: Meeting, *, url: str = "", with_video: bool = True) -> CalendarEvent:
    location = _location(meeting) if with_video else str(meeting.location or "")
    return CalendarEvent(
        uid=f"meeting-{meeting.uid}@sozialraumplanung.erfurt.de",
        start=meeting.start,
        end=meeting.end,
        summary=meeting.title,
        description=url,
        location=location,
        url=url,
        sequence=meeting.sequence,
        cancelled=meeting.is_cancelled,
        last_modified=meeting.modified_at or timezone.now(),
    )


def meeting_ics(meeting: Meeting, *, url: str = "", with_video: bool = True) -> bytes:
    """One meeting as an invitation (METHOD:REQUEST) or, when cancelled, METHOD:CANCEL."""
    event = meeting_event(meeting, url=url, with_video=with_video)
    return ics_bytes(event, cancel=meeting.is_cancelled)


def meeting_ics_attachment(meeting: Meeting, *, url: str = "") -> Attachment:
    return ics_attachment(
        meeting_event(meeting, url=url),
        cancel=meeting.is_cancelled,
        filename=f"sitzung-{meeting.pk}.ics",
    )


def meetings_feed(meetings, *, url_for=None) -> bytes:
    """A subscribable feed (METHOD:PUBLISH) of public meetings (no video links)."""
    return ics_feed(
        [meeting_event(m, url=url_for(m) if url_for else "", with_video=False) for m in meetings],
        name=_("Sitzungen – Sozialraumplanung Erfurt"),
    )


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"
