"""Calendar data for an event, built with the shared erfurt_srp.notifications.ics module."""

from django.utils.translation import gettext as _

from erfurt_srp.notifications.ics import CalendarEvent, calendar_uid, ics_bytes


def event_calendar_entry(event, *, url: str = "") -> CalendarEvent:
    location = ", ".join(part for part in (event.venue, event.address) if part)
    description = event.summary or ""
    if event.accessibility_notes:
        notes = _("Barrierefreiheit: %(notes)s") % {"notes": event.accessibility_notes}
        description = f"{description}\n\n{notes}".strip()
    return CalendarEvent(
        uid=calendar_uid("event", event.pk),
        start=event.starts_at,
        end=event.ends_at,
        summary=event.title,
        description=description,
        location=location,
        url=url,
        last_modified=event.updated_at,
    )


def event_ics(event, *, url: str = "") -> bytes:
    """The event as .ics (METHOD:PUBLISH: an entry to add, not a meeting request)."""
    return ics_bytes(event_calendar_entry(event, url=url), method="PUBLISH")
