"""Calendar file for an event (built with icalendar: erfurt_srp/notifications/ics.py does not
exist yet; switch to it once the notifications app offers one)."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as IcsEvent


def event_ics(event, *, url: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Landeshauptstadt Erfurt//Sozialraumplanung//DE")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = IcsEvent()
    entry.add("uid", f"beteiligung-event-{event.pk}@{settings.SITE_URL.split('//')[-1]}")
    entry.add("dtstamp", timezone.now())
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    entry.add("location", ", ".join(p for p in (event.venue, event.address) if p))
    description = event.summary or ""
    if url:
        description = f"{description}\n\n{url}".strip()
    entry.add("description", description)
    if url:
        entry.add("url", url)
    calendar.add_component(entry)
    return calendar.to_ical()
