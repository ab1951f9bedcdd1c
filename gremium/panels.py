"""The gremium block on the dashboard: the user's committees' coming and past meetings."""

from django.template.loader import render_to_string

from erfurt_srp.accounts.roles import is_staff

from . import selectors
from .permissions import user_committee_ids


def meetings_panel(request) -> str:
    user = request.user
    if not (is_staff(user) or user_committee_ids(user)):
        return ""
    coming, past = selectors.dashboard_meetings_for_user(user)
    answers = selectors.responses_by_meeting(user, coming)
    for meeting in coming:
        meeting.my_response = answers.get(meeting.pk)
    # No request: the panel needs no context processors (they would run the whole navigation
    # again for each panel); the dashboard page around it has them.
    return render_to_string(
        "gremium/partials/dashboard_panel.html",
        {"coming": coming, "past": past, "staff": is_staff(user)},
    )
