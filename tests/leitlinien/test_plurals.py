"""Counts read as correct German: "1 Kommentar", "3 Kommentare" (ngettext, blocktranslate count)."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string


@pytest.mark.parametrize("count,text", [(1, "1 Kommentar"), (3, "3 Kommentare")])
def test_paragraph_section_counts_its_comments(count, text):
    section = SimpleNamespace(
        number=1,
        key="1",
        anchor="1",
        label="§ 1",
        text="Absatz",
        threads=[object()] * count,
        shown_threads=[],
        comment_count=count,
    )
    html = render_to_string("leitlinien/_section.html", {"section": section})
    assert f"{text}\n" in html or f"{text} " in html or f"{text}<" in html
    if count == 1:
        assert "1 Kommentare" not in html


@pytest.mark.parametrize(
    "counts,text",
    [
        ((1, 1, 1), "1 Leitlinie, 1 Maßnahme, 1 abgewogener Kommentar."),
        ((2, 5, 0), "2 Leitlinien, 5 Maßnahmen, 0 abgewogene Kommentare."),
    ],
)
def test_plan_status_counts(counts, text):
    g, m, c = counts
    export = SimpleNamespace(
        pk=1,
        status="done",
        is_finished=True,
        get_status_display=lambda: "fertig",
        step="",
        progress=100,
        report_id=None,
        round=None,
        guideline_count=g,
        measure_count=m,
        comment_count=c,
    )
    html = render_to_string("leitlinien/_plan_status.html", {"export": export})
    assert text in html
