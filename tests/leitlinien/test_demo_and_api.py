from datetime import date, timedelta
from io import StringIO

import pytest
from django.utils import timezone

from erfurt_srp.discussion.models import Comment
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
    logins = demo.seed(StringIO())
    counts = (ConsultationRound.objects.count(), Comment.objects.count())
    assert demo.seed(StringIO()) == logins
    assert (ConsultationRound.objects.count(), Comment.objects.count()) == counts
    assert Theme.objects.filter(is_demo=True).count() == 4
    assert GuidelineVersion.objects.count() == 8
    closed = ConsultationRound.objects.filter(evaluated_at__isnull=False)
    assert closed.count() == 5
    for consultation_round in closed:
        assert comments_needing_answer_count(consultation_round) == 0
        # the rounds of 2022/23 at their dates
        assert date(2022, 6, 1) <= timezone.localtime(consultation_round.starts_at).date()
        assert timezone.localtime(consultation_round.ends_at).date() <= date(2023, 2, 28)
    assert Disposition.objects.count() == 15
    after_event = closed.get(audience=Audience.PUBLIC)
    assert "02.12.2022" in after_event.title
    consultation_round = open_public_round()
    assert (
        consultation_round is not None
        and consultation_round.version.guideline.theme.title == "Wohnen und Nachbarschaft"
    )
    assert Measure.objects.count() == 5
    adopted = GuidelineVersion.objects.filter(state="adopted")
    assert sorted(v.adopted_on for v in adopted) == [date(2023, 1, 17), date(2023, 3, 14)]


def test_an_old_demo_database_gets_a_public_round_open_today():
    demo.seed(StringIO())
    ConsultationRound.objects.filter(audience=Audience.PUBLIC).update(
        starts_at=timezone.now() - timedelta(days=500), ends_at=timezone.now() - timedelta(days=400)
    )
    assert open_public_round() is None
    demo.seed(StringIO())
    consultation_round = open_public_round()
    assert (
        consultation_round is not None
        and consultation_round.starts_at < timezone.now() < consultation_round.ends_at
    )


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
