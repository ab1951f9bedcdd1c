"""Writes of gremium: committees' memberships, meetings, agendas, papers, files, invitations,
attendance and minutes. Each service is keyword-only, runs in one transaction, locks before it
checks, and queues its e-mails through the outbox inside the same transaction.

Vote and statement services live in services_votes.py.
"""

import hashlib
import mimetypes
import re
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.services import Attachment, message_queue, message_queue_bulk

from . import ics
from .cache import content_changed
from .models import (
    AgendaItem,
    Attendance,
    Committee,
    Consultation,
    File,
    Institution,
    Location,
    Meeting,
    MeetingResponse,
    Membership,
    Minutes,
    MinutesEntry,
    Paper,
    Person,
)

PAPER_REFERENCE_RE = re.compile(r"^\d{1,5}/\d{2}$")


def _history(obj, actor):
    """Let simple-history record who made the change (outside a request too)."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        obj._history_user = actor
    return obj


def _reminder_days() -> int:
    return int(getattr(settings, "GREMIUM_REMINDER_DAYS", 2))


# --- memberships ---------------------------------------------------------------------------


def membership_create(
    *,
    actor,
    committee: Committee,
    institution: Institution,
    person: Person,
    role: str,
    start_date: date | None = None,
) -> Membership:
    """Add a person to a committee for an institution. Access starts on start_date."""
    start_date = start_date or timezone.localdate()
    with transaction.atomic():
        Committee.objects.select_for_update().get(pk=committee.pk)
        clash = (
            Membership.objects.active(on=start_date)
            .filter(committee=committee, institution=institution, role=role)
            .exclude(person=person)
            .exists()
        )
        if clash:
            raise DomainError(
                _(
                    "Diese Institution hat in diesem Gremium bereits eine aktive "
                    "Mitgliedschaft in dieser Rolle. Beenden oder ersetzen Sie sie zuerst."
                ),
                field="role",
            )
        if (
            Membership.objects.active(on=start_date)
            .filter(committee=committee, person=person)
            .exists()
        ):
            raise DomainError(
                _("Diese Person ist bereits Mitglied dieses Gremiums."), field="person"
            )
        membership = _history(
            Membership(
                committee=committee,
                institution=institution,
                person=person,
                role=role,
                start_date=start_date,
            ),
            actor,
        )
        membership.full_clean()
        membership.save()
        institution.committees.add(committee)
    return membership


def membership_end(*, actor, membership: Membership, end_date: date | None = None) -> Membership:
    """End a membership. From end_date on the person no longer sees internal items."""
    end_date = end_date or timezone.localdate()
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if membership.end_date is not None and membership.end_date <= timezone.localdate():
            raise DomainError(_("Diese Mitgliedschaft ist bereits beendet."), field="end_date")
        if end_date < membership.start_date:
            raise DomainError(
                _("Das Ende darf nicht vor dem Beginn (%(start)s) liegen.")
                % {"start": membership.start_date.strftime("%d.%m.%Y")},
                field="end_date",
            )
        membership.end_date = end_date
        _history(membership, actor).save(update_fields=["end_date"])
    return membership


def membership_replace(
    *, actor, membership: Membership, person: Person, start_date: date | None = None
) -> Membership:
    """Replace a member or deputy: the old membership ends the day the new one starts."""
    start_date = start_date or timezone.localdate()
    with transaction.atomic():
        old = Membership.objects.select_for_update().get(pk=membership.pk)
        if old.person_id == person.pk:
            raise DomainError(
                _("Bitte wählen Sie eine andere Person als die bisherige."), field="person"
            )
        if not old.is_active(on=start_date) and old.end_date is not None:
            raise DomainError(_("Diese Mitgliedschaft ist bereits beendet."), field="start_date")
        if start_date < old.start_date:
            raise DomainError(
                _("Die neue Mitgliedschaft kann nicht vor der bisherigen beginnen."),
                field="start_date",
            )
        old.end_date = start_date
        _history(old, actor).save(update_fields=["end_date"])
        new = _history(
            Membership(
                committee_id=old.committee_id,
                institution_id=old.institution_id,
                person=person,
                role=old.role,
                start_date=start_date,
            ),
            actor,
        )
        new.full_clean()
        new.save()
    return new


def person_get_or_create(*, actor, first_name: str, last_name: str, email: str) -> Person:
    email = email.strip().lower()
    person = Person.objects.filter(email__iexact=email).first()
    if person:
        return person
    person = _history(
        Person(first_name=first_name.strip(), last_name=last_name.strip(), email=email), actor
    )
    person.full_clean()
    person.save()
    return person


# --- meetings ------------------------------------------------------------------------------


def location_get_or_create(*, actor, description: str, street_address: str = "", room: str = ""):
    """Find a meeting place by its description and address, or create it."""
    if not description.strip():
        raise DomainError(_("Bitte geben Sie eine Bezeichnung des Ortes an."), field="new_location")
    location, _created = Location.objects.get_or_create(
        description=description.strip(),
        street_address=street_address.strip(),
        room=room.strip(),
    )
    return location


MEETING_FIELDS = ("name", "start", "end", "location", "video_url", "notice_days")


def _check_times(start: datetime, end: datetime) -> None:
    if end <= start:
        raise DomainError(_("Das Ende der Sitzung muss nach ihrem Beginn liegen."), field="end")


def meeting_create(
    *,
    actor,
    committee: Committee,
    number: int,
    start: datetime,
    end: datetime,
    name: str = "",
    location: Location | None = None,
    video_url: str = "",
    notice_days: int = 7,
) -> Meeting:
    _check_times(start, end)
    with transaction.atomic():
        Committee.objects.select_for_update().get(pk=committee.pk)
        if Meeting.objects.filter(committee=committee, number=number).exists():
            raise DomainError(
                _("Dieses Gremium hat bereits eine Sitzung mit der Nummer %(number)s.")
                % {"number": number},
                field="number",
            )
        meeting = _history(
            Meeting(
                committee=committee,
                number=number,
                name=name,
                start=start,
                end=end,
                location=location,
                video_url=video_url,
                notice_days=notice_days,
            ),
            actor,
        )
        meeting.save()
    return meeting


def meeting_next_number(committee: Committee) -> int:
    return (Meeting.objects.filter(committee=committee).aggregate(n=Max("number"))["n"] or 0) + 1


def meeting_update(*, actor, meeting: Meeting, change_note: str = "", **fields) -> Meeting:
    """Change a meeting's data. A change to an announced meeting is marked and announced."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state in (Meeting.State.CANCELLED, Meeting.State.MINUTES_APPROVED):
            raise DomainError(_("Diese Sitzung kann nicht mehr geändert werden."))
        changed = [name for name, value in fields.items() if getattr(meeting, name) != value]
        for name in changed:
            setattr(meeting, name, fields[name])
        _check_times(meeting.start, meeting.end)
        if not changed:
            return meeting
        _history(meeting, actor).save()
        if meeting.is_announced and meeting.state == Meeting.State.PUBLISHED:
            if "start" in changed:
                meeting.reminder_due_at = meeting.start - timedelta(days=_reminder_days())
                meeting.reminder_sent_at = None
                meeting.save(update_fields=["reminder_due_at", "reminder_sent_at"])
            _announce_change(meeting, actor=actor, note=change_note or _("Sitzungsdaten geändert"))
    return meeting


def invitation_is_late(meeting: Meeting, at: datetime | None = None) -> bool:
    """True when invitations sent at `at` (now) would miss the notice period."""
    at = at or timezone.now()
    return at > meeting.invitation_deadline()


def meeting_recipients(meeting: Meeting) -> list[Membership]:
    """Active members and deputies of the meeting's committee (one query)."""
    return list(
        Membership.objects.active()
        .filter(committee_id=meeting.committee_id)
        .select_related("person", "institution")
        .order_by("institution__name", "role")
    )


def _agenda_items_with_papers(meeting: Meeting) -> list[AgendaItem]:
    from django.db.models import Prefetch

    return list(
        meeting.agenda_items.prefetch_related(
            Prefetch(
                "consultations",
                queryset=Consultation.objects.select_related("paper").order_by("paper__reference"),
                to_attr="visible_consultations",
            ),
            "files",
        ).order_by("order")
    )


def _agenda_pdf(meeting: Meeting, items) -> bytes:
    from erfurt_srp.exports.pdf import render_pdf

    return render_pdf(
        "gremium/pdf/agenda.html", {"meeting": meeting, "items": items, "internal": True}
    )


def _invitation_messages(
    meeting: Meeting, *, kind: str, subject: str, intro: str, revision, attach_pdf: bool = True
) -> list[dict]:
    items = _agenda_items_with_papers(meeting)
    url = ics.absolute(meeting.get_absolute_url())
    attachments = [ics.meeting_ics_attachment(meeting, url=url)]
    if attach_pdf and not meeting.is_cancelled:
        attachments.append(
            Attachment(
                filename=f"tagesordnung-{meeting.pk}.pdf",
                mimetype="application/pdf",
                content=_agenda_pdf(meeting, items),
            )
        )
    messages = []
    for membership in meeting_recipients(meeting):
        body = render_to_string(
            "gremium/email/invitation.txt",
            {
                "meeting": meeting,
                "items": items,
                "url": url,
                "intro": intro,
                "person": membership.person,
                "membership": membership,
            },
        )
        messages.append(
            {
                "kind": kind,
                "recipient": membership.person.email,
                "subject": subject,
                "body": body,
                "related": meeting,
                "revision": revision,
                "attachments": attachments,
            }
        )
    return messages


def meeting_publish(*, actor, meeting: Meeting) -> Meeting:
    """Publish a draft: invitations with agenda PDF and .ics to every active member and deputy."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("committee", "location")
            .get(pk=meeting.pk)
        )
        if meeting.state != Meeting.State.DRAFT:
            raise DomainError(_("Nur ein Entwurf kann veröffentlicht werden."))
        if not meeting.agenda_items.exists():
            raise DomainError(
                _("Die Tagesordnung ist leer. Legen Sie zuerst Tagesordnungspunkte an.")
            )
        now = timezone.now()
        if meeting.start <= now:
            raise DomainError(_("Die Sitzung liegt in der Vergangenheit."))
        meeting.state = Meeting.State.PUBLISHED
        meeting.published_at = now
        meeting.reminder_due_at = meeting.start - timedelta(days=_reminder_days())
        _history(meeting, actor).save()
        message_queue_bulk(
            _invitation_messages(
                meeting,
                kind="gremium.meeting.invitation",
                subject=_("Einladung: %(meeting)s am %(date)s")
                % {"meeting": meeting.title, "date": _date_de(meeting.start)},
                intro=_("hiermit laden wir Sie zur folgenden Sitzung ein."),
                revision=meeting.sequence,
            )
        )
    return meeting


def _announce_change(meeting: Meeting, *, actor, note: str) -> None:
    """Mark an announced meeting as changed and send the update (revision = new sequence)."""
    content_changed()
    Meeting.objects.filter(pk=meeting.pk).update(
        sequence=F("sequence") + 1, changed_at=timezone.now(), change_note=note
    )
    meeting.refresh_from_db(fields=["sequence", "changed_at", "change_note"])
    message_queue_bulk(
        _invitation_messages(
            meeting,
            kind="gremium.meeting.update",
            subject=_("Geänderte Einladung: %(meeting)s am %(date)s")
            % {"meeting": meeting.title, "date": _date_de(meeting.start)},
            intro=_("die Einladung zur folgenden Sitzung hat sich geändert: %(note)s")
            % {"note": note},
            revision=meeting.sequence,
        )
    )


def meeting_cancel(*, actor, meeting: Meeting, reason: str) -> Meeting:
    if not reason.strip():
        raise DomainError(_("Bitte geben Sie einen Grund für die Absage an."), field="reason")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state not in (Meeting.State.DRAFT, Meeting.State.PUBLISHED):
            raise DomainError(_("Diese Sitzung kann nicht mehr abgesagt werden."))
        announced = meeting.is_announced
        meeting.state = Meeting.State.CANCELLED
        meeting.cancelled_at = timezone.now()
        meeting.change_note = reason.strip()
        if announced:
            meeting.sequence += 1
            meeting.changed_at = meeting.cancelled_at
        _history(meeting, actor).save()
        if announced:
            message_queue_bulk(
                _invitation_messages(
                    meeting,
                    kind="gremium.meeting.cancel",
                    subject=_("Abgesagt: %(meeting)s am %(date)s")
                    % {"meeting": meeting.title, "date": _date_de(meeting.start)},
                    intro=_("die folgende Sitzung ist abgesagt: %(reason)s")
                    % {"reason": reason.strip()},
                    revision=meeting.sequence,
                    attach_pdf=False,
                )
            )
    return meeting


def meeting_mark_held(*, actor, meeting: Meeting) -> Meeting:
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.state != Meeting.State.PUBLISHED:
            raise DomainError(_("Nur eine veröffentlichte Sitzung kann als durchgeführt gelten."))
        if meeting.start > timezone.now():
            raise DomainError(_("Die Sitzung hat noch nicht begonnen."))
        meeting.state = Meeting.State.HELD
        _history(meeting, actor).save(update_fields=["state"])
    return meeting


def reminders_send_due(*, now: datetime | None = None, limit: int = 50) -> int:
    """Send the reminders that are due (called by beat). Rows are claimed with skip_locked."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(
            Meeting.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("committee", "location")
            .filter(
                state=Meeting.State.PUBLISHED,
                reminder_due_at__lte=now,
                reminder_sent_at__isnull=True,
                start__gt=now,
            )[:limit]
        )
        for meeting in due:
            message_queue_bulk(
                _invitation_messages(
                    meeting,
                    kind="gremium.meeting.reminder",
                    subject=_("Erinnerung: %(meeting)s am %(date)s")
                    % {"meeting": meeting.title, "date": _date_de(meeting.start)},
                    intro=_("wir erinnern Sie an die folgende Sitzung."),
                    revision=f"{meeting.sequence}-{meeting.start:%Y%m%d%H%M}",
                    attach_pdf=False,
                )
            )
            meeting.reminder_sent_at = now
            meeting.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent


def _date_de(value: datetime) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y, %H:%M Uhr")


# --- agenda --------------------------------------------------------------------------------


def _lock_open_meeting(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    content_changed()  # agenda writes use bulk updates that send no signals
    if meeting.state in (Meeting.State.CANCELLED, Meeting.State.MINUTES_APPROVED):
        raise DomainError(_("Die Tagesordnung dieser Sitzung kann nicht mehr geändert werden."))
    return meeting


def _mark_item_changed(meeting: Meeting, item: AgendaItem | None, *, actor, note: str) -> None:
    if meeting.is_announced and meeting.state == Meeting.State.PUBLISHED:
        if item is not None and item.pk:
            AgendaItem.objects.filter(pk=item.pk).update(changed_at=timezone.now())
        _announce_change(meeting, actor=actor, note=note)


def _link_papers(item: AgendaItem, papers) -> None:
    wanted = {p.pk for p in papers}
    existing = set(item.consultations.values_list("paper_id", flat=True))
    item.consultations.exclude(paper_id__in=wanted).update(agenda_item=None, meeting=None)
    Consultation.objects.bulk_create(
        Consultation(
            paper_id=paper_id,
            agenda_item=item,
            meeting=item.meeting,
            committee_id=item.meeting.committee_id,
            date=timezone.localtime(item.meeting.start).date(),
            public=item.public,
            role=Consultation.Role.INFORMATION,
            position=99,
        )
        for paper_id in wanted - existing
    )
    item.consultations.update(public=item.public)


def agenda_item_add(
    *,
    actor,
    meeting: Meeting,
    name: str,
    public: bool = True,
    text: str = "",
    papers=(),
) -> AgendaItem:
    """Append an item; it gets the next TOP number."""
    if not name.strip():
        raise DomainError(_("Bitte geben Sie einen Titel an."), field="name")
    with transaction.atomic():
        meeting = _lock_open_meeting(meeting)
        order = (meeting.agenda_items.aggregate(n=Max("order"))["n"] or 0) + 1
        item = _history(
            AgendaItem(meeting=meeting, order=order, name=name.strip(), public=public, text=text),
            actor,
        )
        item.save()
        _link_papers(item, papers)
        _mark_item_changed(
            meeting,
            item,
            actor=actor,
            note=_("TOP %(n)s neu: %(name)s") % {"n": order, "name": name},
        )
    return item


def agenda_item_update(
    *, actor, item: AgendaItem, name: str, public: bool, text: str, papers=None
) -> AgendaItem:
    if not name.strip():
        raise DomainError(_("Bitte geben Sie einen Titel an."), field="name")
    with transaction.atomic():
        meeting = _lock_open_meeting(item.meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.meeting = meeting
        item.name, item.public, item.text = name.strip(), public, text
        _history(item, actor).save()
        if papers is not None:
            _link_papers(item, papers)
        else:
            item.consultations.update(public=public)
        _mark_item_changed(
            meeting,
            item,
            actor=actor,
            note=_("TOP %(n)s geändert: %(name)s") % {"n": item.number, "name": item.name},
        )
    return item


def agenda_item_move(*, actor, item: AgendaItem, position: int) -> AgendaItem:
    """Move an item to TOP `position` (1..n); the others shift, numbers stay gapless."""
    with transaction.atomic():
        meeting = _lock_open_meeting(item.meeting)
        items = list(meeting.agenda_items.select_for_update().order_by("order"))
        if not 1 <= position <= len(items):
            raise DomainError(
                _("Bitte wählen Sie eine Position zwischen 1 und %(n)s.") % {"n": len(items)},
                field="position",
            )
        current = next((i for i in items if i.pk == item.pk), None)
        if current is None:
            raise DomainError(_("Der Tagesordnungspunkt gehört nicht zu dieser Sitzung."))
        if current.order == position:
            return current
        items.remove(current)
        items.insert(position - 1, current)
        changed = []
        for index, agenda_item in enumerate(items, start=1):
            if agenda_item.order != index:
                agenda_item.order = index
                changed.append(agenda_item)
        # The unique (meeting, order) constraint is deferred: checked at commit.
        AgendaItem.objects.bulk_update(changed, ["order"])
        _mark_item_changed(
            meeting,
            current,
            actor=actor,
            note=_("Reihenfolge geändert: %(name)s ist jetzt TOP %(n)s")
            % {"name": current.name, "n": position},
        )
    return current


def agenda_item_delete(*, actor, item: AgendaItem) -> None:
    with transaction.atomic():
        meeting = _lock_open_meeting(item.meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        name = item.name
        _history(item, actor).delete()
        rest = list(meeting.agenda_items.select_for_update().order_by("order"))
        for index, agenda_item in enumerate(rest, start=1):
            agenda_item.order = index
        AgendaItem.objects.bulk_update(rest, ["order"])
        _mark_item_changed(
            meeting, None, actor=actor, note=_("TOP gestrichen: %(name)s") % {"name": name}
        )


# --- papers and files ----------------------------------------------------------------------


def _check_reference(reference: str, *, exclude_pk=None) -> str:
    reference = reference.strip()
    if not PAPER_REFERENCE_RE.match(reference):
        raise DomainError(
            _("Bitte geben Sie die Nummer in der Form 1803/22 an (laufende Nummer/Jahr)."),
            field="reference",
        )
    clash = Paper.objects.filter(reference=reference)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(
            _("Eine Drucksache mit der Nummer %(ref)s gibt es bereits.") % {"ref": reference},
            field="reference",
        )
    return reference


def paper_create(
    *,
    actor,
    reference: str,
    name: str,
    kind: str,
    public: bool = True,
    date: date | None = None,
    committee: Committee | None = None,
    originator: str = "",
    text: str = "",
    main_file=None,
) -> Paper:
    reference = _check_reference(reference)
    try:
        with transaction.atomic():
            paper = _history(
                Paper(
                    reference=reference,
                    name=name.strip(),
                    kind=kind,
                    public=public,
                    date=date or timezone.localdate(),
                    committee=committee,
                    originator=originator,
                    text=text,
                ),
                actor,
            )
            paper.save()
            if main_file is not None:
                file_attach(actor=actor, upload=main_file, paper=paper, is_main=True)
    except IntegrityError:
        # Two staff members saved the same number at once: the constraint caught the second.
        raise DomainError(
            _("Eine Drucksache mit der Nummer %(ref)s gibt es bereits.") % {"ref": reference},
            field="reference",
        )
    return paper


def paper_update(*, actor, paper: Paper, **fields) -> Paper:
    allowed = {"reference", "name", "kind", "public", "date", "committee", "originator", "text"}
    if set(fields) - allowed:
        raise TypeError(f"unknown fields: {sorted(set(fields) - allowed)}")
    if "reference" in fields:
        fields["reference"] = _check_reference(fields["reference"], exclude_pk=paper.pk)
    try:
        with transaction.atomic():
            paper = Paper.objects.select_for_update().get(pk=paper.pk)
            for key, value in fields.items():
                setattr(paper, key, value)
            _history(paper, actor).save()
    except IntegrityError:
        raise DomainError(
            _("Eine Drucksache mit dieser Nummer gibt es bereits."), field="reference"
        )
    return paper


def validate_upload(upload) -> tuple[str, str]:
    """Check size and type of an upload; return (extension, mimetype) or raise DomainError."""
    if upload is None:
        raise DomainError(_("Bitte wählen Sie eine Datei aus."), field="file")
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = [e.lower() for e in settings.UPLOAD_ALLOWED_EXTENSIONS]
    if extension not in allowed:
        raise DomainError(
            _("Dateityp „%(ext)s“ ist nicht erlaubt. Erlaubt sind: %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(allowed)},
            field="file",
        )
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise DomainError(
            _("Die Datei ist zu groß (%(size)s MB); erlaubt sind höchstens %(max)s MB.")
            % {
                "size": f"{upload.size / 1048576:.1f}".replace(".", ","),
                "max": f"{settings.UPLOAD_MAX_BYTES / 1048576:.0f}",
            },
            field="file",
        )
    if upload.size == 0:
        raise DomainError(_("Die Datei ist leer."), field="file")
    mimetype = mimetypes.guess_type(f"x.{extension}")[0] or "application/octet-stream"
    return extension, mimetype


def file_attach(
    *,
    actor,
    upload,
    paper: Paper | None = None,
    agenda_item: AgendaItem | None = None,
    is_main: bool = False,
    name: str = "",
) -> File:
    """Store an uploaded file for a paper (main file or attachment) or an agenda item."""
    if (paper is None) == (agenda_item is None):
        raise ValueError("give exactly one of paper or agenda_item")
    content_changed()
    mimetype = validate_upload(upload)[1]
    digest = hashlib.sha1(usedforsecurity=False)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    file_name = upload.name.replace("\\", "/").rsplit("/", 1)[-1][:200]
    with transaction.atomic():
        if paper is not None:
            Paper.objects.select_for_update().get(pk=paper.pk)
            if is_main:
                paper.files.filter(is_main=True).update(is_main=False)
        else:
            _lock_open_meeting(agenda_item.meeting)
        file = File(
            name=(name or file_name)[:200],
            file_name=file_name,
            mime_type=mimetype,
            size=upload.size,
            sha1=digest.hexdigest(),
            paper=paper,
            agenda_item=agenda_item,
            is_main=is_main and paper is not None,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        file.file.save(file_name, upload, save=False)
        file.save()
        if agenda_item is not None:
            _mark_item_changed(
                agenda_item.meeting,
                agenda_item,
                actor=actor,
                note=_("Neue Anlage zu TOP %(n)s: %(name)s")
                % {"n": agenda_item.number, "name": file.name},
            )
    return file


def consultation_add(
    *,
    actor,
    paper: Paper,
    committee: Committee | None = None,
    body_name: str = "",
    meeting: Meeting | None = None,
    date: date | None = None,
    public: bool = True,
    role: str = Consultation.Role.INFORMATION,
    authoritative: bool = False,
) -> Consultation:
    """Add a step to the paper's Beratungsfolge."""
    if committee is None and not body_name.strip() and meeting is None:
        raise DomainError(
            _("Bitte wählen Sie ein Gremium oder geben Sie ein Beratungsgremium an."),
            field="body_name",
        )
    if meeting is not None:
        committee = committee or meeting.committee
        date = date or timezone.localtime(meeting.start).date()
    with transaction.atomic():
        paper = Paper.objects.select_for_update().get(pk=paper.pk)
        position = (paper.consultations.aggregate(n=Max("position"))["n"] or 0) + 1
        return Consultation.objects.create(
            paper=paper,
            committee=committee,
            body_name=body_name.strip(),
            meeting=meeting,
            date=date,
            public=public,
            role=role,
            authoritative=authoritative,
            position=position,
        )


# --- invitations: answers -------------------------------------------------------------------


def invitation_answer(*, actor, meeting: Meeting, answer: str, note: str = "") -> MeetingResponse:
    """A member or deputy answers the invitation. When a member declines or sends the deputy,
    the institution's deputies are told."""
    if answer not in MeetingResponse.Answer.values:
        raise DomainError(_("Bitte wählen Sie eine Antwort."), field="answer")
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("committee")
            .get(pk=meeting.pk)
        )
        if meeting.state != Meeting.State.PUBLISHED:
            raise DomainError(_("Auf diese Einladung kann nicht mehr geantwortet werden."))
        membership = (
            Membership.objects.active()
            .filter(committee_id=meeting.committee_id, person__user=actor)
            .select_related("person", "institution")
            .first()
        )
        if membership is None:
            raise DomainError(_("Sie sind nicht zu dieser Sitzung eingeladen."))
        if answer == MeetingResponse.Answer.DEPUTY and membership.role != Membership.Role.MEMBER:
            raise DomainError(
                _("Nur ein Mitglied kann die Stellvertretung schicken."), field="answer"
            )
        response, _created = MeetingResponse.objects.update_or_create(
            meeting=meeting,
            membership=membership,
            defaults={"answer": answer, "note": note.strip()[:500], "answered_at": timezone.now()},
        )
        if membership.role == Membership.Role.MEMBER and answer in (
            MeetingResponse.Answer.DECLINED,
            MeetingResponse.Answer.DEPUTY,
        ):
            deputies = (
                Membership.objects.active()
                .filter(
                    committee_id=meeting.committee_id,
                    institution_id=membership.institution_id,
                    role=Membership.Role.DEPUTY,
                )
                .select_related("person")
            )
            url = ics.absolute(meeting.get_absolute_url())
            for deputy in deputies:
                message_queue(
                    kind="gremium.meeting.deputy_notice",
                    recipient=deputy.person.email,
                    subject=_("Bitte vertreten Sie %(member)s: %(meeting)s am %(date)s")
                    % {
                        "member": membership.person,
                        "meeting": meeting.title,
                        "date": _date_de(meeting.start),
                    },
                    body=render_to_string(
                        "gremium/email/deputy_notice.txt",
                        {
                            "meeting": meeting,
                            "member": membership,
                            "deputy": deputy,
                            "answer": response,
                            "url": url,
                        },
                    ),
                    related=meeting,
                    revision=f"{response.pk}-{response.answered_at:%Y%m%d%H%M%S%f}",
                )
    return response


# --- attendance and minutes ----------------------------------------------------------------


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
        _history(minutes, actor).save()
        items = {i.pk: i for i in meeting.agenda_items.all()}
        existing = {e.agenda_item_id: e for e in minutes.entries.all()}
        for item_id, (text, result) in entries.items():
            if item_id not in items:
                continue
            entry = existing.get(item_id) or MinutesEntry(minutes=minutes, agenda_item_id=item_id)
            entry.text, entry.result = text, result
            _history(entry, actor).save()
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
        _history(minutes, actor).save()
        url = ics.absolute(reverse("gremium:minutes_detail", kwargs={"pk": meeting.pk}))
        message_queue_bulk(
            [
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
                for m in meeting_recipients(minutes.meeting)
            ]
        )
    return minutes


def minutes_approve(*, actor, meeting: Meeting, approved_in: Meeting) -> Minutes:
    """Mark the minutes approved at a later meeting of the same committee."""
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
        if (
            approved_in.committee_id != minutes.meeting.committee_id
            or approved_in.start <= minutes.meeting.start
        ):
            raise DomainError(
                _("Die Niederschrift wird in einer späteren Sitzung desselben Gremiums genehmigt."),
                field="approved_in",
            )
        minutes.state = Minutes.State.APPROVED
        minutes.approved_at = timezone.now()
        minutes.approved_in = approved_in
        _history(minutes, actor).save()
        Meeting.objects.filter(pk=minutes.meeting_id).update(state=Meeting.State.MINUTES_APPROVED)
    return minutes


CONSULTATION_UPDATE_FIELDS = frozenset({"date", "meeting", "public", "role", "authoritative"})


def consultation_update(*, consultation: Consultation, actor, **fields) -> Consultation:
    """Change a step of a paper's Beratungsfolge, e.g. the date a committee decided on it.

    Accepts `date`, `meeting`, `public`, `role` and `authoritative`; a meeting sets the committee
    and, unless given, the date.
    """
    unknown = set(fields) - CONSULTATION_UPDATE_FIELDS
    if unknown:
        raise ValueError(f"consultation_update: unknown fields {sorted(unknown)}")
    meeting = fields.get("meeting")
    if meeting is not None and fields.get("date") is None:
        fields["date"] = timezone.localtime(meeting.start).date()
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if meeting is not None:
            if locked.committee_id and locked.committee_id != meeting.committee_id:
                raise DomainError(
                    _("Die Sitzung gehört zu einem anderen Gremium als diese Beratung."),
                    field="meeting",
                )
            locked.committee_id = meeting.committee_id
        for name, value in fields.items():
            setattr(locked, name, value)
        changed = [*fields, "modified_at"] + (["committee"] if meeting is not None else [])
        _history(locked, actor).save(update_fields=changed)  # post_save refreshes page caches
    return locked
