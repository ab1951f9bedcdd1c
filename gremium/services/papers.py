"""Writes for papers (Drucksachen), their files and consultations."""

import hashlib
import re
from datetime import date

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
)
from .common import validate_upload, with_history
from .meetings import lock_open_meeting, mark_item_changed

PAPER_REFERENCE_RE = re.compile(r"^\d{1,5}/\d{2}$")


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
