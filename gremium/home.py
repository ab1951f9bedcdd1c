"""Home page block: the next public meetings."""

from django.template.loader import render_to_string
from django.utils import timezone

from .selectors.meetings import public_meetings


def next_meetings(request) -> str:
    meetings = list(public_meetings().filter(end__gte=timezone.now())[:3])
    return render_to_string("gremium/_home_section.html", {"meetings": meetings}, request=request)
