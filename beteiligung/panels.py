"""Dashboard panel: upcoming events with their counts (staff only); home page: the next events."""

from django.template.loader import render_to_string

from erfurt_srp.accounts.roles import is_staff

from .selectors import event_list_next_public, event_list_upcoming_staff


def upcoming_events(request) -> str:
    if not is_staff(request.user):
        return ""
    return render_to_string(
        "beteiligung/panel_upcoming.html",
        {"events": event_list_upcoming_staff()},
    )


def next_events(request) -> str:
    events = event_list_next_public()
    for event in events:
        event.state = event.registration_state()
    return render_to_string("beteiligung/_home_section.html", {"events": events}, request=request)
