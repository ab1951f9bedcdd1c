from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone

from leitlinien import demo
from leitlinien.diff import paragraph_diff
from leitlinien.models import (
    Audience,
    ConsultationRound,
    Disposition,
    GuidelineVersion,
    Measure,
    Theme,
)
from leitlinien.selectors import comments_needing_answer_count, open_public_round

from .factories import RoundFactory, VersionFactory

pytestmark = pytest.mark.django_db


def test_demo_seed_is_complete_and_idempotent():
    demo.seed(StringIO())
    assert demo.seed(StringIO()) == []
    assert Theme.objects.filter(is_demo=True).count() == 4
    assert GuidelineVersion.objects.count() == 8
    closed = ConsultationRound.objects.filter(evaluated_at__isnull=False)
    assert closed.count() == 4
    for round in closed:
        assert comments_needing_answer_count(round) == 0
    assert Disposition.objects.count() == 13
    round = open_public_round()
    assert round is not None and round.version.guideline.theme.title == "Bildung und Aufwachsen"
    assert Measure.objects.count() == 5
    assert GuidelineVersion.objects.filter(state="adopted").count() == 2


def test_open_public_round_for_the_events_app(version):
    assert open_public_round() is None
    RoundFactory(version=version, audience=Audience.FACTIONS)
    later = RoundFactory(version=version, ends_at=timezone.now() + timedelta(days=20))
    sooner = RoundFactory(version=version, ends_at=timezone.now() + timedelta(days=2))
    assert open_public_round() == sooner
    assert later.get_absolute_url().startswith("/leitlinien/runde/")
    draft = VersionFactory(state="draft")
    RoundFactory(version=draft, ends_at=timezone.now() + timedelta(hours=1))
    assert open_public_round() == sooner


def test_paragraph_diff_pairs_similar_paragraphs():
    rows = paragraph_diff(
        ["Eins bleibt.", "Zwei wird geändert.", "Drei fällt weg."],
        ["Eins bleibt.", "Zwei wird deutlich geändert.", "Vier ist neu und anders."],
    )
    assert [r.kind for r in rows] == ["equal", "changed", "removed", "added"]
    assert "<ins>" in rows[1].html and "deutlich" in rows[1].html
    assert (rows[2].old_number, rows[2].new_number) == (3, None)


def test_paragraph_diff_escapes_html():
    rows = paragraph_diff(["<script>a</script>"], ["<script>b</script>"])
    assert "<script>" not in "".join(r.html for r in rows)
