"""Dashboard panel for staff: messages that failed or wait for a retry (never fail silently)."""

from django.template.loader import render_to_string

from erfurt_srp.accounts.roles import is_staff

from .selectors import outbox_problem_counts


def outbox_problems(request) -> str:
    if not is_staff(request.user):
        return ""
    counts = outbox_problem_counts()
    if not (counts["failed"] or counts["retrying"]):
        return ""
    return render_to_string("notifications/panel_problems.html", {"counts": counts})
