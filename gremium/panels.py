"""gremium's blocks on the dashboard (registered in GremiumConfig.ready()).

meetings_panel: the user's committees' coming and past meetings. votes_panel: members see what
still needs their vote or statement, staff the open votes and rounds.
"""

from django.template.loader import render_to_string

from erfurt_srp.accounts.roles import is_staff

from .permissions import user_committee_ids
from .selectors import meetings as meeting_selectors
from .selectors import votes as vote_selectors


def meetings_panel(request) -> str:
    user = request.user
    staff = is_staff(user)
    if not (staff or user_committee_ids(user)):
        return ""
    coming, past = meeting_selectors.dashboard_meetings_for_user(user)
    if not staff:  # the staff panel has no answer column
        stand_in = meeting_selectors.stand_in_requests_for_user(user, coming)
        for meeting in coming:
            meeting.standing_in_for = stand_in.get(meeting.pk, [])

    # No request: the panel needs no context processors (they would run the whole navigation
    # again for each panel); the dashboard page around it has them.
    return render_to_string(
        "gremium/partials/dashboard_panel.html",
        {"coming": coming, "past": past, "staff": staff},
    )


def votes_panel(request) -> str:
    """Members: what still needs their vote or statement. Staff: open votes and rounds."""
    user = request.user
    if not user.is_authenticated:
        return ""
    if is_staff(user):
        items = vote_selectors.open_items_for_staff(user)
        template = "gremium/votes/dashboard_staff.html"
    else:
        items = vote_selectors.open_items_for_member(user)
        template = "gremium/votes/dashboard_member.html"
    if not items["votes"] and not items["rounds"]:
        return ""
    # No request: the panel needs no context processors (see meetings_panel).
    return render_to_string(template, items)
