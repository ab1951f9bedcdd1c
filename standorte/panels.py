"""The standorte block on the dashboard: running deliberations and undecided recommendations."""

from django.template.loader import render_to_string

from .models import Deliberation, Recommendation
from .permissions import can_manage, member_committee_ids


def dashboard_panel(request) -> str:
    user = request.user
    manage = can_manage(user)
    committees = frozenset() if manage else member_committee_ids(user)
    if not (manage or committees):
        return ""
    # only what the panel shows: titles, states, the project's name, the paper's reference
    running = (
        Deliberation.objects.filter(
            state__in=[Deliberation.State.STATEMENTS, Deliberation.State.VOTING]
        )
        .select_related("project")
        .only("id", "title", "state", "project_id", "project__name", "project__committee_id")
    )
    if not manage:
        running = running.filter(project__committee_id__in=committees)
    undecided = []
    if manage:
        undecided = list(
            Recommendation.objects.filter(decision=Recommendation.Decision.PENDING)
            .select_related("paper")
            .only("id", "title", "paper_id", "paper__reference")
            .order_by("recommended_on")[:10]
        )
    running = list(running[:10])
    if not running and not undecided:
        return ""
    return render_to_string(
        "standorte/_dashboard_panel.html",
        {"running": running, "undecided": undecided},
    )
