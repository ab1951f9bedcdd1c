"""Services of gremium: meetings, agenda, papers, files, invitations, reminders, minutes."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from icalendar import Calendar

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.models import OutboxMessage
from gremium.models import AgendaItem, Meeting, MeetingResponse, Membership, Minutes, Paper
from gremium.services import committees as committee_services
from gremium.services import meetings as meeting_services
from gremium.services import minutes as minutes_services
from gremium.services import papers as paper_services
from tests.gremium.factories import AgendaItemFactory, MeetingFactory, PaperFactory


def _outbox(meeting, kind=None):
    qs = OutboxMessage.objects.filter(
        related_type=ContentType.objects.get_for_model(Meeting), related_id=str(meeting.pk)
    )
    return qs.filter(kind=kind) if kind else qs


def _ics(message):
    attachment = message.attachments.get(filename__endswith=".ics")
    return Calendar.from_ical(bytes(attachment.content))


@pytest.fixture
def draft(committee, member_user, deputy_user, staff_user):
    meeting = meeting_services.meeting_create(
        actor=staff_user,
        committee=committee,
        number=1,
        start=timezone.now() + timedelta(days=20),
        end=timezone.now() + timedelta(days=20, hours=2),
    )
    meeting_services.agenda_item_add(actor=staff_user, meeting=meeting, name="Begrüßung")
    meeting_services.agenda_item_add(
        actor=staff_user, meeting=meeting, name="Standorte", public=False
    )
    return meeting


def test_meeting_that_ends_before_it_starts_is_refused(committee, staff_user):
    start = timezone.now() + timedelta(days=3)
    with pytest.raises(DomainError) as error:
        meeting_services.meeting_create(
            actor=staff_user,
            committee=committee,
            number=1,
            start=start,
            end=start - timedelta(hours=1),
        )
    assert error.value.field == "end"
    assert not Meeting.objects.exists()


def test_meeting_number_is_unique_per_committee(draft, staff_user):
    with pytest.raises(DomainError) as error:
        meeting_services.meeting_create(
            actor=staff_user, committee=draft.committee, number=1, start=draft.start, end=draft.end
        )
    assert error.value.field == "number"


def test_agenda_items_are_numbered_and_reordered_without_gaps(draft, staff_user):
    third = meeting_services.agenda_item_add(actor=staff_user, meeting=draft, name="Verschiedenes")
    assert third.number == "3"
    meeting_services.agenda_item_move(actor=staff_user, item=third, position=1)
    names = list(draft.agenda_items.order_by("order").values_list("name", "order"))
    assert names == [("Verschiedenes", 1), ("Begrüßung", 2), ("Standorte", 3)]
    meeting_services.agenda_item_delete(actor=staff_user, item=draft.agenda_items.get(order=2))
    assert list(draft.agenda_items.order_by("order").values_list("order", flat=True)) == [1, 2]


@pytest.mark.parametrize("position", [0, 3, 99, -1])
def test_agenda_item_moved_past_the_end_is_refused(draft, staff_user, position):
    item = draft.agenda_items.get(order=1)
    with pytest.raises(DomainError) as error:
        meeting_services.agenda_item_move(actor=staff_user, item=item, position=position)
    assert error.value.field == "position"
    assert "1 und 2" in str(error.value)
    assert list(draft.agenda_items.order_by("order").values_list("name", flat=True)) == [
        "Begrüßung",
        "Standorte",
    ]


def test_publish_sends_one_invitation_per_active_member_and_deputy(
    draft, staff_user, committee, member_user, deputy_user
):
    ended = Membership.objects.create(
        person=Membership.objects.get(person__user=member_user).person.__class__.objects.create(
            first_name="Ex", last_name="Mitglied", email="ex@example.org"
        ),
        committee=committee,
        institution=Membership.objects.get(person__user=member_user).institution,
        role="member",
        start_date=timezone.localdate() - timedelta(days=100),
        end_date=timezone.localdate(),
    )
    meeting = meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    assert meeting.state == Meeting.State.PUBLISHED
    invitations = _outbox(meeting, "gremium.meeting.invitation")
    assert sorted(invitations.values_list("recipient", flat=True)) == sorted(
        [member_user.email, deputy_user.email]
    )
    assert ended.person.email not in invitations.values_list("recipient", flat=True)
    message = invitations.first()
    assert "TOP 1: Begrüßung" in message.body
    assert meeting.get_absolute_url() in message.body
    assert message.attachments.filter(mimetype="application/pdf").count() == 1
    assert bytes(message.attachments.get(mimetype="application/pdf").content).startswith(b"%PDF")
    cal = _ics(message)
    assert cal["METHOD"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]).startswith(f"meeting-{meeting.uid}")
    assert int(event["SEQUENCE"]) == 0
    assert meeting.reminder_due_at == meeting.start - timedelta(days=2)


def test_publish_twice_is_refused(draft, staff_user):
    meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    with pytest.raises(DomainError):
        meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    assert _outbox(draft, "gremium.meeting.invitation").count() == 2


def test_change_after_publishing_is_marked_and_announced_with_higher_sequence(draft, staff_user):
    meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    item = meeting_services.agenda_item_add(actor=staff_user, meeting=draft, name="Neuer Punkt")
    draft.refresh_from_db()
    item.refresh_from_db()
    assert draft.sequence == 1 and draft.changed_at is not None
    assert item.changed_at is not None
    updates = _outbox(draft, "gremium.meeting.update")
    assert updates.count() == 2
    assert set(updates.values_list("revision", flat=True)) == {"1"}
    assert int(_ics(updates.first()).walk("VEVENT")[0]["SEQUENCE"]) == 1
    meeting_services.meeting_update(
        actor=staff_user,
        meeting=draft,
        start=draft.start + timedelta(hours=1),
        end=draft.end + timedelta(hours=1),
    )
    draft.refresh_from_db()
    assert draft.sequence == 2
    assert _outbox(draft, "gremium.meeting.update").filter(revision="2").count() == 2


def test_cancel_sends_method_cancel(draft, staff_user):
    meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    meeting_services.meeting_cancel(actor=staff_user, meeting=draft, reason="Krankheit")
    message = _outbox(draft, "gremium.meeting.cancel").first()
    cal = _ics(message)
    assert cal["METHOD"] == "CANCEL"
    assert cal.walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    assert int(cal.walk("VEVENT")[0]["SEQUENCE"]) == 1


def test_reminders_are_sent_once_when_due(draft, staff_user):
    meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    assert meeting_services.reminders_send_due() == 0
    later = draft.start - timedelta(days=1)
    assert meeting_services.reminders_send_due(now=later) == 1
    assert meeting_services.reminders_send_due(now=later) == 0
    assert _outbox(draft, "gremium.meeting.reminder").count() == 2


def test_reminder_days_are_configurable(draft, staff_user, settings):
    settings.GREMIUM_REMINDER_DAYS = 5
    meeting = meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    assert meeting.reminder_due_at == meeting.start - timedelta(days=5)


def test_late_invitation_is_detected(committee, staff_user):
    start = timezone.now() + timedelta(days=3)
    meeting = meeting_services.meeting_create(
        actor=staff_user, committee=committee, number=9, start=start, end=start + timedelta(hours=1)
    )
    assert meeting_services.invitation_is_late(meeting)
    meeting.notice_days = 2
    assert not meeting_services.invitation_is_late(meeting)


def test_member_declining_tells_the_deputy(draft, staff_user, member_user, deputy_user):
    meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    response = meeting_services.invitation_answer(
        actor=member_user, meeting=draft, answer="declined"
    )
    assert response.answer == MeetingResponse.Answer.DECLINED
    notices = _outbox(draft, "gremium.meeting.deputy_notice")
    assert list(notices.values_list("recipient", flat=True)) == [deputy_user.email]
    # answering again updates the one response
    meeting_services.invitation_answer(actor=member_user, meeting=draft, answer="attending")
    assert MeetingResponse.objects.filter(meeting=draft).count() == 1


def test_deputy_cannot_send_a_deputy(draft, staff_user, deputy_user):
    meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    with pytest.raises(DomainError):
        meeting_services.invitation_answer(actor=deputy_user, meeting=draft, answer="deputy")


def test_outsider_cannot_answer(draft, staff_user, outsider_user):
    meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    with pytest.raises(DomainError):
        meeting_services.invitation_answer(actor=outsider_user, meeting=draft, answer="attending")


def test_paper_number_that_exists_is_refused(staff_user):
    paper_services.paper_create(actor=staff_user, reference="1803/22", name="A", kind="information")
    with pytest.raises(DomainError) as error:
        paper_services.paper_create(
            actor=staff_user, reference="1803/22", name="B", kind="information"
        )
    assert error.value.field == "reference"
    assert "1803/22" in str(error.value)
    with pytest.raises(DomainError):
        paper_services.paper_create(
            actor=staff_user, reference="18-03", name="C", kind="information"
        )
    assert Paper.objects.count() == 1


def test_upload_too_large_or_forbidden_type_is_refused(staff_user, settings):
    paper = PaperFactory()
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(DomainError) as error:
        paper_services.file_attach(
            actor=staff_user, paper=paper, upload=SimpleUploadedFile("a.pdf", b"%PDF" + b"x" * 20)
        )
    assert error.value.field == "file" and "zu groß" in str(error.value)
    with pytest.raises(DomainError) as error:
        paper_services.file_attach(
            actor=staff_user, paper=paper, upload=SimpleUploadedFile("a.exe", b"MZ")
        )
    assert "nicht erlaubt" in str(error.value)
    assert not paper.files.exists()


def test_main_file_and_attachments(staff_user):
    paper = PaperFactory()
    first = paper_services.file_attach(
        actor=staff_user, paper=paper, upload=SimpleUploadedFile("v.pdf", b"%PDF-1"), is_main=True
    )
    second = paper_services.file_attach(
        actor=staff_user, paper=paper, upload=SimpleUploadedFile("w.pdf", b"%PDF-2"), is_main=True
    )
    paper_services.file_attach(
        actor=staff_user, paper=paper, upload=SimpleUploadedFile("anlage.csv", b"a;b")
    )
    first.refresh_from_db()
    assert not first.is_main and second.is_main
    assert paper.files.count() == 3
    assert second.sha1 and second.size == 6 and second.mime_type == "application/pdf"


def test_attendance_and_minutes_lifecycle(committee, staff_user, member_user, deputy_user):
    past = MeetingFactory(committee=committee, number=3, start=timezone.now() - timedelta(days=3))
    past.end = past.start + timedelta(hours=2)
    past.save()
    item = AgendaItemFactory(meeting=past, name="Standorte")
    later = MeetingFactory(
        committee=committee,
        number=4,
        start=timezone.now() - timedelta(days=1),
        end=timezone.now() - timedelta(hours=22),
        state=Meeting.State.HELD,
    )
    members = list(Membership.objects.filter(committee=committee))
    minutes_services.attendance_record(
        actor=staff_user,
        meeting=past,
        present_membership_ids=[m.pk for m in members],
        guests=[("Gisela Gast", "BAG"), ("", "")],
    )
    assert past.attendances.count() == 3
    minutes_services.minutes_save(
        actor=staff_user,
        meeting=past,
        introduction="Begrüßung",
        entries={item.pk: ("Text", "beschlossen")},
    )
    past.refresh_from_db()
    assert past.state == Meeting.State.HELD
    assert AgendaItem.objects.get(pk=item.pk).result == "beschlossen"
    with pytest.raises(DomainError):
        minutes_services.minutes_approve(actor=staff_user, meeting=past, approved_in=later)
    minutes_services.minutes_publish(actor=staff_user, meeting=past)
    minutes_ct = ContentType.objects.get_for_model(Minutes)
    assert OutboxMessage.objects.filter(related_type=minutes_ct).count() == 2
    with pytest.raises(DomainError):
        minutes_services.minutes_approve(actor=staff_user, meeting=past, approved_in=past)
    minutes = minutes_services.minutes_approve(actor=staff_user, meeting=past, approved_in=later)
    assert minutes.state == Minutes.State.APPROVED
    past.refresh_from_db()
    assert past.state == Meeting.State.MINUTES_APPROVED
    with pytest.raises(DomainError):
        minutes_services.minutes_save(actor=staff_user, meeting=past, introduction="x", entries={})


def test_membership_replace_and_end_are_kept_in_history(committee, staff_user, member_user):
    from tests.gremium.factories import PersonFactory

    membership = Membership.objects.get(person__user=member_user)
    new_person = PersonFactory()
    new = committee_services.membership_replace(
        actor=staff_user, membership=membership, person=new_person
    )
    membership.refresh_from_db()
    assert membership.end_date == timezone.localdate()
    assert not membership.is_active()
    assert new.is_active() and new.role == "member"
    history = Membership.history.filter(id=membership.pk).order_by("-history_date").first()
    assert history.history_user == staff_user and history.end_date == timezone.localdate()
    committee_services.membership_end(actor=staff_user, membership=new)
    assert not Membership.objects.active().filter(committee=committee, role="member").exists()
    with pytest.raises(DomainError):
        committee_services.membership_end(actor=staff_user, membership=new)


def test_membership_create_refuses_a_second_active_member_for_the_institution(
    committee, staff_user, member_user
):
    from tests.gremium.factories import PersonFactory

    existing = Membership.objects.get(person__user=member_user)
    with pytest.raises(DomainError) as error:
        committee_services.membership_create(
            actor=staff_user,
            committee=committee,
            institution=existing.institution,
            person=PersonFactory(),
            role="member",
        )
    assert error.value.field == "role"


def test_beat_task_sends_due_reminders(draft, staff_user):
    from gremium.tasks import meeting_reminders_send

    meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    Meeting.objects.filter(pk=draft.pk).update(reminder_due_at=timezone.now())
    assert meeting_reminders_send() == 1
    assert meeting_reminders_send() == 0


def test_publish_stores_the_agenda_pdf_once_for_all_invitations(
    draft, staff_user, member_user, deputy_user
):
    from erfurt_srp.notifications.models import AttachmentContent, OutboxAttachment

    meeting = meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    pdfs = OutboxAttachment.objects.filter(
        mimetype="application/pdf", message__in=_outbox(meeting, "gremium.meeting.invitation")
    )
    assert pdfs.count() == 2  # member and deputy
    assert len({a.stored_id for a in pdfs}) == 1
    stored = AttachmentContent.objects.get(pk=pdfs[0].stored_id)
    assert bytes(stored.content).startswith(b"%PDF")


def test_publish_lays_out_the_pdf_outside_its_locked_transaction(draft, staff_user, monkeypatch):
    from django.db import connection

    from erfurt_srp.exports import pdf as pdf_module

    depth_outside = len(connection.atomic_blocks)
    depths = []
    real = pdf_module.pdf_from_html

    def recording(html, **kwargs):
        depths.append(len(connection.atomic_blocks))
        return real(html, **kwargs)

    monkeypatch.setattr(pdf_module, "pdf_from_html", recording)
    meeting = meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    assert meeting.state == Meeting.State.PUBLISHED
    assert depths == [depth_outside]  # laid out once, and not inside the service's transaction


def test_publish_refuses_an_agenda_changed_while_its_pdf_was_laid_out(
    draft, staff_user, monkeypatch
):
    from erfurt_srp.exports import pdf as pdf_module

    def changing(html, **kwargs):
        AgendaItem.objects.filter(meeting=draft, order=1).update(name="Begrüßung (neu)")
        return b"%PDF-old"

    monkeypatch.setattr(pdf_module, "pdf_from_html", changing)
    with pytest.raises(DomainError) as error:
        meeting_services.meeting_publish(actor=staff_user, meeting=draft)
    assert "eben geändert" in str(error.value)
    draft.refresh_from_db()
    assert draft.state == Meeting.State.DRAFT
    assert not _outbox(draft).exists()
