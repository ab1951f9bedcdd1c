"""A member who will not come asks the deputy once; attending after all releases the deputy.
The deputy's meeting page and dashboard say for whom they stand in. Reminders skip those who
will not come, and no e-mail promises an attachment it does not carry."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import Meeting
from gremium.services import meetings as meeting_services
from tests.conftest import PASSWORD

NOTICE = "gremium.meeting.deputy_notice"
RELEASED = "gremium.meeting.deputy_released"


def _outbox(meeting, kind=None):
    qs = OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(Meeting), related_id=str(meeting.pk)
    )
    return qs.filter(kind=kind) if kind else qs


@pytest.fixture
def published(committee, member_user, deputy_user, staff_user):
    meeting = meeting_services.meeting_create(
        actor=staff_user,
        committee=committee,
        number=1,
        start=timezone.now() + timedelta(days=20),
        end=timezone.now() + timedelta(days=20, hours=2),
    )
    meeting_services.agenda_item_add(actor=staff_user, meeting=meeting, name="Begrüßung")
    return meeting_services.meeting_publish(actor=staff_user, meeting=meeting)


def _answer(user, meeting, answer, note=""):
    return meeting_services.invitation_answer(actor=user, meeting=meeting, answer=answer, note=note)


def test_the_deputy_is_asked_exactly_once(published, member_user, deputy_user):
    _answer(member_user, published, "deputy")
    _answer(member_user, published, "deputy", note="Ich bin auf Dienstreise.")
    _answer(member_user, published, "declined")
    notices = _outbox(published, NOTICE)
    assert list(notices.values_list("recipient", flat=True)) == [deputy_user.email]
    notice = notices.get()
    assert member_user.person.last_name in notice.subject
    assert "Bitte vertreten Sie die Institution" in notice.body
    assert not notice.attachments.exists() and "Anhang" not in notice.body
    assert not _outbox(published, RELEASED).exists()


def test_attending_after_all_tells_the_deputy_once_that_they_are_no_longer_needed(
    published, member_user, deputy_user
):
    _answer(member_user, published, "deputy")
    _answer(member_user, published, "attending")
    _answer(member_user, published, "attending", note="doch dabei")
    released = _outbox(published, RELEASED)
    assert list(released.values_list("recipient", flat=True)) == [deputy_user.email]
    assert "nicht mehr benötigt" in released.get().body
    # asked again later: a new request, told again once
    _answer(member_user, published, "deputy")
    assert _outbox(published, NOTICE).count() == 2


def test_a_member_attending_from_the_start_tells_the_deputy_nothing(published, member_user):
    _answer(member_user, published, "attending")
    assert not _outbox(published, NOTICE).exists()
    assert not _outbox(published, RELEASED).exists()


def test_the_deputy_sees_for_whom_they_stand_in(client, published, member_user, deputy_user):
    client.login(email=deputy_user.email, password=PASSWORD)
    text = f"Sie wurden gebeten, {member_user.person}"
    assert text not in client.get(published.get_absolute_url()).content.decode()
    _answer(member_user, published, "deputy")
    page = client.get(published.get_absolute_url()).content.decode()
    institution = member_user.person.memberships.get().institution.name
    assert f"{text} ({institution}) in dieser Sitzung zu vertreten" in page
    assert text in client.get(reverse("dashboard")).content.decode()
    _answer(member_user, published, "attending")
    assert text not in client.get(published.get_absolute_url()).content.decode()
    assert text not in client.get(reverse("dashboard")).content.decode()


def test_the_member_is_not_told_to_stand_in(client, published, member_user):
    _answer(member_user, published, "deputy")
    client.login(email=member_user.email, password=PASSWORD)
    assert "Sie wurden gebeten" not in client.get(published.get_absolute_url()).content.decode()


def test_reminders_skip_those_who_will_not_come(published, member_user, deputy_user):
    _answer(member_user, published, "declined")
    later = published.start - timedelta(days=1)
    assert meeting_services.reminders_send_due(now=later) == 1
    reminders = _outbox(published, "gremium.meeting.reminder")
    assert list(reminders.values_list("recipient", flat=True)) == [deputy_user.email]


def test_reminders_skip_a_deputy_who_declined(published, member_user, deputy_user):
    _answer(deputy_user, published, "declined")
    _answer(member_user, published, "attending")
    meeting_services.reminders_send_due(now=published.start - timedelta(days=1))
    reminders = _outbox(published, "gremium.meeting.reminder")
    assert list(reminders.values_list("recipient", flat=True)) == [member_user.email]


def test_no_mail_promises_an_attachment_it_does_not_carry(published, staff_user, member_user):
    meeting_services.agenda_item_add(actor=staff_user, meeting=published, name="Standorte")
    meeting_services.reminders_send_due(now=published.start - timedelta(days=1))
    meeting_services.meeting_cancel(actor=staff_user, meeting=published, reason="Raum fehlt")
    kinds = set()
    for message in _outbox(published).prefetch_related("attachments"):
        kinds.add(message.kind)
        names = [a.filename for a in message.attachments.all()]
        has_pdf = any(n.endswith(".pdf") for n in names)
        has_ics = any(n.endswith(".ics") for n in names)
        assert ("PDF" in message.body) == has_pdf, (message.kind, names)
        if "Anhang" in message.body:
            assert names, message.kind
        assert ("Kalender" in message.body and "Anhang" in message.body) == has_ics, message.kind
    assert {
        "gremium.meeting.invitation",
        "gremium.meeting.update",
        "gremium.meeting.reminder",
        "gremium.meeting.cancel",
    } <= kinds
    cancel = _outbox(published, "gremium.meeting.cancel").first()
    assert "Im Anhang finden Sie die Absage für Ihren Kalender." in cancel.body
    reminder = _outbox(published, "gremium.meeting.reminder").first()
    assert "die aktuelle Tagesordnung steht auf der Sitzungsseite" in reminder.body
