"""The gremium block on the dashboard: the user's committees' coming and past meetings."""

from django.template.loader import render_to_string

from erfurt_srp.accounts.roles import is_staff

from . import selectors
from .cache import cached_fragments, fragment_key
from .permissions import user_committee_ids


def _facts(staff: bool, coming, past) -> tuple:
    """Everything the panel's template reads (dates, titles, states, the user's answers): the
    rendered panel is cached under a hash of these, so changed data gives a new key."""

    def meeting(m):
        answer = m.my_response.answer if getattr(m, "my_response", None) else None
        return (m.pk, m.title, m.start, m.state, bool(m.changed_at), answer)

    return (staff, [meeting(m) for m in coming], [meeting(m) for m in past])


def meetings_panel(request) -> str:
    user = request.user
    staff = is_staff(user)
    if not (staff or user_committee_ids(user)):
        return ""
    coming, past = selectors.dashboard_meetings_for_user(user)
    answers = selectors.responses_by_meeting(user, coming)
    for meeting in coming:
        meeting.my_response = answers.get(meeting.pk)

    # No request: the panel needs no context processors (they would run the whole navigation
    # again for each panel); the dashboard page around it has them. It holds no form, so no
    # CSRF token to swap.
    def render(_name):
        return render_to_string(
            "gremium/partials/dashboard_panel.html",
            {"coming": coming, "past": past, "staff": staff},
        )

    keys = {"panel": fragment_key("dashboard-meetings", _facts(staff, coming, past))}
    return cached_fragments(keys, render, csrf_token="")["panel"]
