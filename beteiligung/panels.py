"""Dashboard panel: upcoming events with their counts (staff only)."""

from django.template.loader import render_to_string

from erfurt_srp.accounts.roles import is_staff

from .selectors import event_list_upcoming_staff


def upcoming_events(request) -> str:
    if not is_staff(request.user):
        return ""
    return render_to_string(
        "beteiligung/panel_upcoming.html",
        {"events": event_list_upcoming_staff()},
        request=request,
    )
