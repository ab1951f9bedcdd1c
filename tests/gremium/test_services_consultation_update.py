"""consultation_update: changing a step of a paper's Beratungsfolge."""

from datetime import date

import pytest
from django.utils import timezone

from erfurt_srp.core.errors import DomainError
from gremium.models import Consultation
from gremium.services.papers import consultation_update
from tests.gremium.factories import CommitteeFactory, MeetingFactory, PaperFactory

pytestmark = pytest.mark.django_db


def _step(committee, **fields):
    return Consultation.objects.create(
        paper=PaperFactory(), committee=committee, role=Consultation.Role.DECISION, **fields
    )


def test_it_sets_the_date_and_keeps_the_rest(committee, staff_user):
    step = _step(committee, public=False, authoritative=True)
    updated = consultation_update(consultation=step, actor=staff_user, date=date(2026, 3, 4))
    step.refresh_from_db()
    assert updated.date == step.date == date(2026, 3, 4)
    assert step.public is False and step.authoritative is True
    assert step.committee == committee and step.role == Consultation.Role.DECISION


def test_a_meeting_brings_its_date(committee, staff_user):
    meeting = MeetingFactory(committee=committee)
    step = _step(committee)
    consultation_update(consultation=step, actor=staff_user, meeting=meeting)
    step.refresh_from_db()
    assert step.meeting == meeting
    assert step.date == timezone.localtime(meeting.start).date()


def test_it_refuses_a_meeting_of_another_committee(committee, staff_user):
    step = _step(committee)
    other = MeetingFactory(committee=CommitteeFactory(name="Anderes Gremium", slug="anderes"))
    with pytest.raises(DomainError):
        consultation_update(consultation=step, actor=staff_user, meeting=other)
    step.refresh_from_db()
    assert step.meeting is None


def test_it_rejects_fields_it_does_not_change(committee, staff_user):
    step = _step(committee)
    with pytest.raises(ValueError):
        consultation_update(consultation=step, actor=staff_user, paper=PaperFactory())
