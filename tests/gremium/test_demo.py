"""Demo data of gremium: the Begleitgremium's meetings since 28.09.2021, the coming meeting,
the feedback bodies' meetings and paper 1803/22 with its real Beratungsfolge."""

import io
from datetime import date

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from erfurt_srp.notifications.models import OutboxMessage
from gremium.demo import committees, meetings
from gremium.models import Meeting, Paper


@pytest.fixture
def seeded(db):
    committees.seed(io.StringIO())
    meetings.seed(io.StringIO())


def test_six_meetings_since_september_2021_and_one_coming(seeded):
    held = Meeting.objects.filter(committee__slug="begleitgremium", start__lt=timezone.now())
    assert held.count() == 6
    assert timezone.localtime(held.order_by("start").first().start).date() == date(2021, 9, 28)
    names = " ".join(held.values_list("agenda_items__name", flat=True))
    for topic in ("Raumverständnis", "Planungsebenen", "Bedarfe", "Themenschwerpunkte", "ThINKA"):
        assert topic in names
    coming = Meeting.objects.get(committee__slug="begleitgremium", start__gt=timezone.now())
    assert coming.state == Meeting.State.PUBLISHED
    assert "BAG" in " ".join(coming.agenda_items.values_list("name", flat=True))
    invitations = OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(Meeting), related_id=str(coming.pk)
    )
    assert invitations.count() == 36  # 18 institutions, a member and a deputy each


def test_each_feedback_body_has_a_meeting(seeded):
    for slug in ("ak-quartiersarbeit", "jour-fixe-fachplaner", "ag-sozialpolitische-sprecher"):
        assert Meeting.objects.filter(committee__slug=slug).count() == 1


def test_paper_1803_22_has_its_real_beratungsfolge_and_the_seed_text(seeded):
    paper = Paper.objects.get(reference="1803/22")
    assert paper.public and "Begleitgremium" in paper.text
    steps = list(paper.consultations.order_by("position"))
    assert [(s.body_display, s.date, s.public) for s in steps] == [
        ("Dienstberatung OB", date(2022, 10, 20), False),
        ("Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung", date(2022, 11, 3), True),
    ]


def test_seeding_twice_changes_nothing(seeded):
    before = (Meeting.objects.count(), Paper.objects.count(), OutboxMessage.objects.count())
    meetings.seed(io.StringIO())
    assert (Meeting.objects.count(), Paper.objects.count(), OutboxMessage.objects.count()) == before


def test_reminder_job_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["gremium-meeting-reminders"]
    assert entry["task"] == "gremium.tasks.meeting_reminders_send"
