"""Writes for papers (Drucksachen), their files and consultations."""

import hashlib
import re
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError

from ..cache import content_changed
from ..models import (
    AgendaItem,
    Committee,
    Consultation,
    File,
    Meeting,
    Paper,
    PaperNumberSequence,
)
from .common import validate_upload, with_history
from .meetings import agenda_item_add, lock_open_meeting, mark_item_changed

PAPER_REFERENCE_RE = re.compile(r"^\d{1,5}/\d{2}$")


def format_paper_reference(number: int, year: int) -> str:
    """The city's form of a Drucksache number: four digits (more once past 9999), slash, year."""
    return f"{number:04d}/{year % 100:02d}"


def _sequence_locked(year: int, start: int) -> PaperNumberSequence:
    """The year's sequence row, created at `start` if missing, locked until the transaction ends."""
    sequence = PaperNumberSequence.objects.select_for_update().filter(year=year).first()
    if sequence is None:
        # Two first allocations of a year: the primary key lets one insert win.
        PaperNumberSequence.objects.bulk_create(
            [PaperNumberSequence(year=year, next_number=max(start, 1))], ignore_conflicts=True
        )
        sequence = PaperNumberSequence.objects.select_for_update().get(year=year)
    return sequence


def paper_reference_allocate(*, on: date | None = None) -> str:
    """Give out the next Drucksache number of the year of `on` (default: today).

    The year's sequence row is locked (select_for_update) until the caller's transaction ends,
    so concurrent allocations wait for each other and never get the same number. The number is
    spent even if its paper is later deleted; numbers typed in by hand are skipped. A year
    without a row starts at settings.GREMIUM_PAPER_NUMBER_START (staff can set each year's
    next number in the admin).
    """
    year = (on or timezone.localdate()).year
    with transaction.atomic():
        sequence = _sequence_locked(year, settings.GREMIUM_PAPER_NUMBER_START)
        number = sequence.next_number
        while Paper.objects.filter(reference=format_paper_reference(number, year)).exists():
            number += 1
        if number > 99999:
            raise DomainError(
                _("Der Nummernkreis für Drucksachen des Jahres %(year)s ist erschöpft.")
                % {"year": year}
            )
        sequence.last_issued = number
        sequence.next_number = number + 1
        sequence.save(update_fields=["last_issued", "next_number", "modified_at"])
    return format_paper_reference(number, year)


def _check_reference(reference: str, *, exclude_pk=None) -> str:
    """The number in the city's form NNNN/YY ("18/22" becomes "0018/22"), if no paper has it."""
    reference = reference.strip()
    if not PAPER_REFERENCE_RE.match(reference):
        raise DomainError(
            _("Bitte geben Sie die Nummer in der Form 1803/22 an (laufende Nummer/Jahr)."),
            field="reference",
        )
    number, year = reference.split("/")
    reference = f"{int(number):04d}/{year}"
    clash = Paper.objects.filter(reference=reference)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(
            _("Eine Drucksache mit der Nummer %(ref)s gibt es bereits.") % {"ref": reference},
            field="reference",
        )
    return reference


def paper_number_sequence_set(*, actor, year: int, next_number: int) -> PaperNumberSequence:
    """Set where a year's Drucksache numbers continue (e.g. after the city's own numbers).

    A number already given out is never given out again: `next_number` must be above the
    year's last issued number.
    """
    if not 1 <= next_number <= 99999:
        raise DomainError(_("Bitte eine Nummer zwischen 1 und 99999 angeben."), field="next_number")
    with transaction.atomic():
        sequence = _sequence_locked(year, next_number)
        if next_number <= sequence.last_issued:
            raise DomainError(
                _(
                    "Die Nummer %(n)s ist im Jahr %(year)s schon vergeben; die nächste Nummer "
                    "muss größer sein als %(last)s."
                )
                % {"n": next_number, "year": year, "last": sequence.last_issued},
                field="next_number",
            )
        sequence.next_number = next_number
        sequence.save(update_fields=["next_number", "modified_at"])
    return sequence


def paper_create(
    *,
    actor,
    reference: str = "",
    name: str,
    kind: str,
    public: bool = True,
    date: date | None = None,
    committee: Committee | None = None,
    originator: str = "",
    text: str = "",
    main_file=None,
) -> Paper:
    """Create a paper; without a number it gets the next of its year's sequence."""
    if reference.strip():
        reference = _check_reference(reference)
    try:
        with transaction.atomic():
            if not reference.strip():
                reference = paper_reference_allocate(on=date or timezone.localdate())
            paper = with_history(
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
            with_history(paper, actor).save()
    except IntegrityError:
        raise DomainError(
            _("Eine Drucksache mit dieser Nummer gibt es bereits."), field="reference"
        )
    return paper


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
            lock_open_meeting(agenda_item.meeting)
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
            mark_item_changed(
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
        with_history(locked, actor).save(update_fields=changed)  # post_save refreshes page caches
    return locked


def consultation_place_on_agenda(
    *, actor, consultation: Consultation, meeting: Meeting | None, name: str = ""
) -> AgendaItem:
    """Put a step of a paper's Beratungsfolge on the agenda of a meeting of its committee, in one
    step: a new agenda item for the paper, and this step (not a new one) linked to it and dated
    with the meeting."""
    if meeting is None:
        raise DomainError(_("Bitte wählen Sie eine Sitzung."), field="meeting")
    with transaction.atomic():
        step = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("paper", "agenda_item__meeting")
            .get(pk=consultation.pk)
        )
        if step.committee_id is None or step.committee_id != meeting.committee_id:
            raise DomainError(
                _("Die Sitzung gehört zu einem anderen Gremium als diese Beratung."),
                field="meeting",
            )
        if step.agenda_item_id:
            raise DomainError(
                _("Die Drucksache steht schon auf TOP %(n)s der Sitzung am %(date)s.")
                % {
                    "n": step.agenda_item.number,
                    "date": timezone.localtime(step.agenda_item.meeting.start).strftime("%d.%m.%Y"),
                },
                field="meeting",
            )
        if meeting.state in (Meeting.State.CANCELLED, Meeting.State.MINUTES_APPROVED):
            raise DomainError(
                _("Die Tagesordnung dieser Sitzung kann nicht mehr geändert werden."),
                field="meeting",
            )
        paper = step.paper
        item = agenda_item_add(
            actor=actor,
            meeting=meeting,
            name=(name or f"{_('Drucksache')} {paper.reference}: {paper.name}")[:300],
            public=step.public,
        )
        step.agenda_item, step.meeting = item, meeting
        step.date = timezone.localtime(meeting.start).date()
        with_history(step, actor).save(
            update_fields=["agenda_item", "meeting", "date", "modified_at"]
        )
    return item


def agenda_item_record_result(*, actor, item: AgendaItem, result: str, resolution_text: str):
    """Write what the committee decided on an agenda item (result and resolution text)."""
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        content_changed()
        item.result = result.strip()[:200]
        item.resolution_text = resolution_text.strip()
        with_history(item, actor).save(update_fields=["result", "resolution_text", "modified_at"])
    return item
