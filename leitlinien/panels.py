"""Dashboard panel: open rounds the user can comment in; for staff the rounds awaiting Abwägung."""

from django.template.loader import render_to_string

from erfurt_srp.accounts.roles import is_staff

from .selectors import (
    latest_adopted_versions,
    open_public_rounds,
    rounds_for_dashboard,
)


def rounds_panel(request) -> str:
    rounds = rounds_for_dashboard(request.user)
    if not rounds:
        return ""
    return render_to_string(
        "leitlinien/_dashboard_panel.html",
        {"rounds": rounds, "is_staff": is_staff(request.user)},
    )


def home_section(request) -> str:
    """Home page: the open public consultation rounds and the latest adopted guidelines."""
    return render_to_string(
        "leitlinien/_home_section.html",
        {"rounds": list(open_public_rounds()), "adopted": latest_adopted_versions()},
        request=request,
    )
