"""Demo data of gremium: the Begleitgremium's meetings since 28.09.2021, the coming meeting,
the feedback bodies' meetings and paper 1803/22 with its real Beratungsfolge."""

import io
from datetime import date, timedelta

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


def test_the_meetings_at_their_real_dates_and_the_next_two_from_today(seeded):
    held = Meeting.objects.filter(committee__slug="begleitgremium", start__lt=timezone.now())
    days = [timezone.localtime(m.start).date() for m in held.order_by("start")]
    assert days[0] == date(2021, 9, 28)
    assert len([d for d in days if d <= date(2022, 10, 20)]) == 6  # "sechs Sitzungen" in 1803/22
    assert {date(2022, 11, 22), date(2023, 1, 17), date(2023, 3, 14)} <= set(days)
    names = " ".join(held.values_list("agenda_items__name", flat=True))
    for topic in ("Raumverständnis", "Planungsebenen", "Bedarfe", "Themenschwerpunkte", "ThINKA"):
        assert topic in names
    study = held.get(agenda_items__name__contains="BAG Soziale Stadtentwicklung")
    assert timezone.localtime(study.start).date().month == 11
    coming = list(
        Meeting.objects.filter(committee__slug="begleitgremium", start__gt=timezone.now()).order_by(
            "start"
        )
    )
    assert len(coming) == 2
    assert coming[0].state == Meeting.State.PUBLISHED
    assert (coming[0].start - timezone.now()).days in (13, 14)
    coming = coming[0]
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


def test_an_old_demo_database_gets_new_coming_meetings(seeded):
    Meeting.objects.filter(start__gt=timezone.now()).update(
        start=timezone.now() - timedelta(days=400), end=timezone.now() - timedelta(days=400)
    )
    meetings.seed(io.StringIO())
    assert (
        Meeting.objects.filter(committee__slug="begleitgremium", start__gt=timezone.now()).count()
        == 2
    )


def test_seeding_twice_changes_nothing(seeded):
    before = (Meeting.objects.count(), Paper.objects.count(), OutboxMessage.objects.count())
    meetings.seed(io.StringIO())
    assert (Meeting.objects.count(), Paper.objects.count(), OutboxMessage.objects.count()) == before


def test_reminder_job_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["gremium-meeting-reminders"]
    assert entry["task"] == "gremium.tasks.meeting_reminders_send"
