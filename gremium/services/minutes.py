"""Writes for minutes (Niederschrift) and attendance: save, publish, approve."""

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erfurt_srp.accounts.languages import languages_of
from erfurt_srp.accounts.roles import require_staff
from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.services import message_queue_bulk

from .. import ics
from ..cache import content_changed
from ..models import (
    AgendaItem,
    Attendance,
    Meeting,
    Membership,
    Minutes,
    MinutesEntry,
)
from .common import with_history
from .meetings import meeting_recipients


def attendance_record(
    *, actor, meeting: Meeting, present_membership_ids, guests: list[tuple[str, str]] = ()
) -> list[Attendance]:
    """Replace the attendance list: the given memberships present, plus guests (name, org)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state in (Meeting.State.DRAFT, Meeting.State.CANCELLED):
            raise DomainError(_("Für diese Sitzung kann keine Anwesenheit erfasst werden."))
        memberships = {
            m.pk: m
            for m in Membership.objects.filter(
                committee_id=meeting.committee_id, pk__in=list(present_membership_ids)
            )
        }
        if len(memberships) != len(set(present_membership_ids)):
            raise DomainError(
                _("Mindestens eine Person gehört nicht zu diesem Gremium."), field="present"
            )
        meeting.attendances.all().delete()
        rows = [
            Attendance(meeting=meeting, membership=m, role=m.role, present=True)
            for m in memberships.values()
        ]
        for guest_name, organisation in guests:
            if guest_name.strip():
                rows.append(
                    Attendance(
                        meeting=meeting,
                        guest_name=guest_name.strip()[:200],
                        guest_organisation=organisation.strip()[:200],
                        role=Attendance.Role.GUEST,
                    )
                )
        return Attendance.objects.bulk_create(rows)


def minutes_save(
    *, actor, meeting: Meeting, introduction: str, entries: dict[int, tuple[str, str]]
) -> Minutes:
    """Write the minutes: general part and, per agenda item id, (text, result)."""
    content_changed()
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state not in (Meeting.State.PUBLISHED, Meeting.State.HELD):
            raise DomainError(_("Eine Niederschrift gibt es erst für eine durchgeführte Sitzung."))
        if meeting.start > timezone.now():
            raise DomainError(_("Die Sitzung hat noch nicht stattgefunden."))
        minutes, _created = Minutes.objects.select_for_update().get_or_create(
            meeting=meeting, defaults={"author": actor}
        )
        if minutes.state == Minutes.State.APPROVED:
            raise DomainError(
                _("Die Niederschrift ist genehmigt und kann nicht mehr geändert werden.")
            )
        minutes.introduction = introduction
        with_history(minutes, actor).save()
        items = {i.pk: i for i in meeting.agenda_items.all()}
        existing = {e.agenda_item_id: e for e in minutes.entries.all()}
        for item_id, (text, result) in entries.items():
            if item_id not in items:
                continue
            entry = existing.get(item_id) or MinutesEntry(minutes=minutes, agenda_item_id=item_id)
            entry.text, entry.result = text, result
            with_history(entry, actor).save()
            AgendaItem.objects.filter(pk=item_id).update(result=result[:200])
        if meeting.state == Meeting.State.PUBLISHED:
            meeting.state = Meeting.State.HELD
            meeting.save(update_fields=["state"])
    return minutes


def minutes_publish(*, actor, meeting: Meeting) -> Minutes:
    """Publish the draft minutes to the members for comment."""
    with transaction.atomic():
        minutes = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting__committee")
            .filter(meeting=meeting)
            .first()
        )
        if minutes is None:
            raise DomainError(_("Es gibt noch keine Niederschrift."))
        if minutes.state != Minutes.State.DRAFT:
            raise DomainError(_("Die Niederschrift ist bereits veröffentlicht."))
        minutes.state = Minutes.State.PUBLISHED
        minutes.published_at = timezone.now()
        with_history(minutes, actor).save()
        url = ics.absolute(reverse("gremium:minutes_detail", kwargs={"pk": meeting.pk}))
        recipients = list(meeting_recipients(minutes.meeting))
        languages = languages_of([m.person.email for m in recipients])
        messages = []
        for m in recipients:
            with translation.override(languages[m.person.email.strip().lower()]):
                messages.append(
                    {
                        "kind": "gremium.minutes.published",
                        "recipient": m.person.email,
                        "subject": _("Entwurf der Niederschrift: %(meeting)s")
                        % {"meeting": minutes.meeting.title},
                        "body": render_to_string(
                            "gremium/email/minutes_published.txt",
                            {"meeting": minutes.meeting, "person": m.person, "url": url},
                        ),
                        "related": minutes,
                        "revision": "draft",
                    }
                )
        message_queue_bulk(messages)
    return minutes


def approval_meeting_problem(minutes_meeting: Meeting, approved_in: Meeting, now=None) -> str:
    """Why `approved_in` cannot approve the minutes of `minutes_meeting` ("" when it can).

    Minutes are approved at a later meeting of the same committee that has taken place: not at
    a cancelled, a coming or an earlier one, nor at another committee's.
    """
    now = now or timezone.now()
    if approved_in.committee_id != minutes_meeting.committee_id:
        return _("Die Niederschrift wird in einer Sitzung desselben Gremiums genehmigt.")
    if approved_in.pk == minutes_meeting.pk or approved_in.start <= minutes_meeting.start:
        return _(
            "Die Niederschrift wird in einer späteren Sitzung genehmigt, nicht in dieser oder einer früheren."
        )
    if approved_in.state == Meeting.State.CANCELLED:
        return _("Die gewählte Sitzung ist abgesagt; in ihr kann nichts genehmigt werden.")
    if approved_in.start > now:
        return _("Die gewählte Sitzung hat noch nicht stattgefunden.")
    if approved_in.state not in (Meeting.State.HELD, Meeting.State.MINUTES_APPROVED):
        return _(
            "Die gewählte Sitzung ist noch nicht als durchgeführt markiert. Markieren Sie sie "
            "zuerst als durchgeführt."
        )
    return ""


def minutes_approve(*, actor, meeting: Meeting, approved_in: Meeting) -> Minutes:
    """Mark the minutes approved at a later, held meeting of the same committee."""
    content_changed()
    with transaction.atomic():
        minutes = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting")
            .filter(meeting=meeting)
            .first()
        )
        if minutes is None or minutes.state != Minutes.State.PUBLISHED:
            raise DomainError(
                _("Nur ein veröffentlichter Entwurf der Niederschrift kann genehmigt werden.")
            )
        approved_in = Meeting.objects.get(pk=approved_in.pk)
        problem = approval_meeting_problem(minutes.meeting, approved_in)
        if problem:
            raise DomainError(problem, field="approved_in")
        minutes.state = Minutes.State.APPROVED
        minutes.approved_at = timezone.now()
        minutes.approved_in = approved_in
        minutes._change_reason = _("genehmigt in der %(meeting)s") % {"meeting": approved_in.title}
        with_history(minutes, actor).save()
        minutes_meeting = Meeting.objects.select_for_update().get(pk=minutes.meeting_id)
        minutes_meeting.state = Meeting.State.MINUTES_APPROVED
        with_history(minutes_meeting, actor).save(update_fields=["state"])
    return minutes


def minutes_approval_revoke(*, actor, meeting: Meeting, reason: str) -> Minutes:
    """Staff undo a wrong approval: the minutes are an open draft again, the reason stays in the
    minutes' history together with who revoked it and when."""
    require_staff(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Bitte geben Sie an, warum die Genehmigung aufgehoben wird."), field="reason"
        )
    content_changed()
    with transaction.atomic():
        minutes = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("approved_in")
            .filter(meeting=meeting)
            .first()
        )
        if minutes is None or minutes.state != Minutes.State.APPROVED:
            raise DomainError(_("Diese Niederschrift ist nicht genehmigt."))
        minutes.state = Minutes.State.PUBLISHED
        minutes.approved_at = None
        minutes.approved_in = None
        minutes._change_reason = reason
        with_history(minutes, actor).save()
        minutes_meeting = Meeting.objects.select_for_update().get(pk=minutes.meeting_id)
        if minutes_meeting.state == Meeting.State.MINUTES_APPROVED:
            minutes_meeting.state = Meeting.State.HELD
            with_history(minutes_meeting, actor).save(update_fields=["state"])
    return minutes
