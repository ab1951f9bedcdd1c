"""Writes for meetings and their agendas: create, update, publish (invitations), cancel, mark held,
reminders, the members' answers to invitations and the agenda items."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from erfurt_srp.accounts.languages import languages_of, recipient_language
from erfurt_srp.core import versioned_cache
from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.services import Attachment, message_queue_bulk

from .. import cache, ics
from ..cache import content_changed
from ..models import (
    AgendaItem,
    Committee,
    Consultation,
    Location,
    Meeting,
    MeetingResponse,
    Membership,
)
from .common import date_de, with_history


def _reminder_days() -> int:
    return int(getattr(settings, "GREMIUM_REMINDER_DAYS", 2))


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
        meeting = with_history(
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
        with_history(meeting, actor).save()
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


def _agenda_items_with_papers(meeting: Meeting, *, internal: bool = True) -> list[AgendaItem]:
    """The agenda with its papers: all of them for the committee (internal), else the public
    items with their public papers."""
    from django.db.models import Prefetch

    items = meeting.agenda_items.all()
    papers = Consultation.objects.select_related("paper").order_by("paper__reference")
    if not internal:
        items = items.filter(public=True)
        papers = papers.filter(paper__public=True)
    return list(
        items.prefetch_related(
            Prefetch("consultations", queryset=papers, to_attr="visible_consultations"),
            "files",
        ).order_by("order")
    )


def agenda_pdf_html(meeting: Meeting, *, internal: bool, items=None) -> str:
    """The HTML the agenda PDF is made from (cheap: no layout)."""
    if items is None:
        items = _agenda_items_with_papers(meeting, internal=internal)
    return render_to_string(
        "gremium/pdf/agenda.html", {"meeting": meeting, "items": items, "internal": internal}
    )


# A rendered agenda stays valid until the next content change; the day only bounds memory.
AGENDA_PDF_TIMEOUT = 24 * 3600


def agenda_pdf(meeting_id: int, *, internal: bool) -> bytes:
    """The agenda PDF as the public (internal=False) or the committee and staff (internal=True)
    see it, rendered once per content version of gremium (see gremium.cache) and language."""
    from erfurt_srp.exports.pdf import pdf_from_html

    def build() -> bytes:
        meeting = Meeting.objects.select_related("committee", "location").get(pk=meeting_id)
        return pdf_from_html(agenda_pdf_html(meeting, internal=internal))

    return versioned_cache.get_or_set(
        cache.NAMESPACE,
        ("agenda-pdf", meeting_id, internal, get_language()),
        build,
        timeout=AGENDA_PDF_TIMEOUT,
    )


def _invitation_messages(
    meeting: Meeting,
    *,
    kind: str,
    subject,
    intro,
    revision,
    attach_pdf: bool = True,
    skip_answers=(),
    pdfs: dict[str, bytes] | None = None,
) -> list[dict]:
    """One invitation per active member and deputy (except those whose answer is in
    `skip_answers`), each in the language the person reads: `subject()` and `intro()` give the
    texts, called inside that language. The text names exactly the attachments it carries.
    pdfs: the agenda PDF per language when the caller has laid it out already (outside its
    transaction)."""
    from erfurt_srp.exports.pdf import pdf_from_html

    items = _agenda_items_with_papers(meeting)
    url = ics.absolute(meeting.get_absolute_url())
    with_pdf = attach_pdf and not meeting.is_cancelled
    recipients = list(meeting_recipients(meeting))
    if skip_answers:
        skipped = set(
            meeting.responses.filter(answer__in=skip_answers).values_list(
                "membership_id", flat=True
            )
        )
        recipients = [m for m in recipients if m.pk not in skipped]
    languages = languages_of([m.person.email for m in recipients])
    texts: dict[str, tuple] = {}
    messages = []
    for membership in recipients:
        email = membership.person.email
        language = languages.get(email.strip().lower(), settings.LANGUAGE_CODE)
        with translation.override(language):
            if language not in texts:
                attachments = [ics.meeting_ics_attachment(meeting, url=url)]
                if with_pdf:
                    pdf = (pdfs or {}).get(language)
                    if pdf is None:
                        pdf = pdf_from_html(agenda_pdf_html(meeting, internal=True, items=items))
                    attachments.append(
                        Attachment(
                            filename=f"tagesordnung-{meeting.pk}.pdf",
                            mimetype="application/pdf",
                            content=pdf,
                        )
                    )
                texts[language] = (str(subject()), str(intro()), attachments)
            subject_text, intro_text, attachments = texts[language]
            body = render_to_string(
                "gremium/email/invitation.txt",
                {
                    "meeting": meeting,
                    "items": items,
                    "url": url,
                    "intro": intro_text,
                    "person": membership.person,
                    "membership": membership,
                    "with_pdf": with_pdf,
                },
            )
        messages.append(
            {
                "kind": kind,
                "recipient": email,
                "subject": subject_text,
                "body": body,
                "related": meeting,
                "revision": revision,
                "attachments": attachments,
            }
        )
    return messages


def _agenda_html_in(language: str, meeting: Meeting) -> str:
    with translation.override(language):
        return agenda_pdf_html(meeting, internal=True)


def meeting_publish(*, actor, meeting: Meeting) -> Meeting:
    """Publish a draft: invitations with agenda PDF and .ics to every active member and deputy.

    The PDF is laid out before the meeting is locked (WeasyPrint takes far longer than the
    rest); under the lock the agenda's HTML is rendered again, and a change in between refuses
    the publication instead of sending an outdated agenda. The invitations in one language carry
    the same PDF, which the outbox stores once."""
    from erfurt_srp.exports.pdf import pdf_from_html

    unlocked = Meeting.objects.select_related("committee", "location").get(pk=meeting.pk)
    recipients = [m.person.email for m in meeting_recipients(unlocked)]
    html = {}
    for language in set(languages_of(recipients).values()):
        with translation.override(language):
            html[language] = agenda_pdf_html(unlocked, internal=True)
    pdfs = {language: pdf_from_html(text) for language, text in html.items()}
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
        if not Membership.objects.active().filter(committee_id=meeting.committee_id).exists():
            raise DomainError(
                _(
                    "Das Gremium „%(committee)s“ hat keine aktiven Mitglieder oder "
                    "Stellvertretungen: Es gäbe niemanden einzuladen. Tragen Sie zuerst die "
                    "Mitglieder ein; die Sitzung bleibt bis dahin ein Entwurf."
                )
                % {"committee": meeting.committee.name}
            )
        if any(_agenda_html_in(language, meeting) != text for language, text in html.items()):
            raise DomainError(
                _(
                    "Die Tagesordnung wurde eben geändert. Bitte prüfen Sie sie und "
                    "veröffentlichen Sie dann noch einmal."
                )
            )
        meeting.state = Meeting.State.PUBLISHED
        meeting.published_at = now
        meeting.reminder_due_at = meeting.start - timedelta(days=_reminder_days())
        with_history(meeting, actor).save()
        message_queue_bulk(
            _invitation_messages(
                meeting,
                kind="gremium.meeting.invitation",
                subject=lambda: (
                    _("Einladung: %(meeting)s am %(date)s")
                    % {"meeting": meeting.title, "date": date_de(meeting.start)}
                ),
                intro=lambda: _("hiermit laden wir Sie zur folgenden Sitzung ein."),
                revision=meeting.sequence,
                pdfs=pdfs,
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
            subject=lambda: (
                _("Geänderte Einladung: %(meeting)s am %(date)s")
                % {"meeting": meeting.title, "date": date_de(meeting.start)}
            ),
            intro=lambda: (
                _("die Einladung zur folgenden Sitzung hat sich geändert: %(note)s")
                % {"note": note}
            ),
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
        with_history(meeting, actor).save()
        if announced:
            message_queue_bulk(
                _invitation_messages(
                    meeting,
                    kind="gremium.meeting.cancel",
                    subject=lambda: (
                        _("Abgesagt: %(meeting)s am %(date)s")
                        % {"meeting": meeting.title, "date": date_de(meeting.start)}
                    ),
                    intro=lambda: (
                        _("die folgende Sitzung ist abgesagt: %(reason)s")
                        % {"reason": reason.strip()}
                    ),
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
        with_history(meeting, actor).save(update_fields=["state"])
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
                    subject=lambda meeting=meeting: (
                        _("Erinnerung: %(meeting)s am %(date)s")
                        % {"meeting": meeting.title, "date": date_de(meeting.start)}
                    ),
                    intro=lambda: _("wir erinnern Sie an die folgende Sitzung."),
                    revision=f"{meeting.sequence}-{meeting.start:%Y%m%d%H%M}",
                    attach_pdf=False,
                    skip_answers=MeetingResponse.NOT_ATTENDING,
                )
            )
            meeting.reminder_sent_at = now
            meeting.save(update_fields=["reminder_sent_at"])
            sent += 1
    return sent


def lock_open_meeting(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    content_changed()  # agenda writes use bulk updates that send no signals
    if meeting.state in (Meeting.State.CANCELLED, Meeting.State.MINUTES_APPROVED):
        raise DomainError(_("Die Tagesordnung dieser Sitzung kann nicht mehr geändert werden."))
    return meeting


def mark_item_changed(meeting: Meeting, item: AgendaItem | None, *, actor, note: str) -> None:
    if meeting.is_announced and meeting.state == Meeting.State.PUBLISHED:
        if item is not None and item.pk:
            AgendaItem.objects.filter(pk=item.pk).update(changed_at=timezone.now())
        _announce_change(meeting, actor=actor, note=note)


def _link_papers(item: AgendaItem, papers) -> None:
    """Put the papers on the item. A paper whose Beratungsfolge already names this committee in
    a step not yet on an agenda gets that step linked; only a paper without one gets a new step."""
    wanted = {p.pk for p in papers}
    existing = set(item.consultations.values_list("paper_id", flat=True))
    item.consultations.exclude(paper_id__in=wanted).update(agenda_item=None, meeting=None)
    meeting = item.meeting
    day = timezone.localtime(meeting.start).date()
    new = []
    for paper_id in sorted(wanted - existing):
        step = (
            Consultation.objects.select_for_update()
            .filter(paper_id=paper_id, committee_id=meeting.committee_id, agenda_item__isnull=True)
            .filter(Q(meeting__isnull=True) | Q(meeting=meeting))
            .order_by("position", "pk")
            .first()
        )
        if step is not None:
            step.agenda_item, step.meeting, step.date = item, meeting, day
            step.save(update_fields=["agenda_item", "meeting", "date", "modified_at"])
            continue
        new.append(
            Consultation(
                paper_id=paper_id,
                agenda_item=item,
                meeting=meeting,
                committee_id=meeting.committee_id,
                date=day,
                public=item.public,
                role=Consultation.Role.INFORMATION,
                position=99,
            )
        )
    Consultation.objects.bulk_create(new)
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
        meeting = lock_open_meeting(meeting)
        order = (meeting.agenda_items.aggregate(n=Max("order"))["n"] or 0) + 1
        item = with_history(
            AgendaItem(meeting=meeting, order=order, name=name.strip(), public=public, text=text),
            actor,
        )
        item.save()
        _link_papers(item, papers)
        mark_item_changed(
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
        meeting = lock_open_meeting(item.meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.meeting = meeting
        item.name, item.public, item.text = name.strip(), public, text
        with_history(item, actor).save()
        if papers is not None:
            _link_papers(item, papers)
        else:
            item.consultations.update(public=public)
        mark_item_changed(
            meeting,
            item,
            actor=actor,
            note=_("TOP %(n)s geändert: %(name)s") % {"n": item.number, "name": item.name},
        )
    return item


def agenda_item_move(*, actor, item: AgendaItem, position: int) -> AgendaItem:
    """Move an item to TOP `position` (1..n); the others shift, numbers stay gapless."""
    with transaction.atomic():
        meeting = lock_open_meeting(item.meeting)
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
        mark_item_changed(
            meeting,
            current,
            actor=actor,
            note=_("Reihenfolge geändert: %(name)s ist jetzt TOP %(n)s")
            % {"name": current.name, "n": position},
        )
    return current


def agenda_item_delete(*, actor, item: AgendaItem) -> None:
    with transaction.atomic():
        meeting = lock_open_meeting(item.meeting)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        name = item.name
        with_history(item, actor).delete()
        rest = list(meeting.agenda_items.select_for_update().order_by("order"))
        for index, agenda_item in enumerate(rest, start=1):
            agenda_item.order = index
        AgendaItem.objects.bulk_update(rest, ["order"])
        mark_item_changed(
            meeting, None, actor=actor, note=_("TOP gestrichen: %(name)s") % {"name": name}
        )


def invitation_answer(*, actor, meeting: Meeting, answer: str, note: str = "") -> MeetingResponse:
    """A member or deputy answers the invitation.

    When a member's answer newly leaves the seat to the deputy ("my deputy attends" or "I
    decline"), the institution's deputies are asked once to stand in; saving the same kind of
    answer again tells nobody. When the member then attends after all, the deputies are told
    that they are no longer needed.
    """
    if answer not in MeetingResponse.Answer.values:
        raise DomainError(_("Bitte wählen Sie eine Antwort."), field="answer")
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("committee", "location")
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
        previous = (
            MeetingResponse.objects.filter(meeting=meeting, membership=membership)
            .values_list("answer", flat=True)
            .first()
        )
        response, _created = MeetingResponse.objects.update_or_create(
            meeting=meeting,
            membership=membership,
            defaults={"answer": answer, "note": note.strip()[:500], "answered_at": timezone.now()},
        )
        if membership.role == Membership.Role.MEMBER:
            was_needed = previous in MeetingResponse.NOT_ATTENDING
            needed = answer in MeetingResponse.NOT_ATTENDING
            if needed and not was_needed:
                _tell_deputies(meeting, membership, response, released=False)
            elif was_needed and not needed:
                _tell_deputies(meeting, membership, response, released=True)
    return response


def _tell_deputies(meeting: Meeting, membership: Membership, response, *, released: bool) -> None:
    """Ask the institution's active deputies to stand in for the member, or release them; each
    message in the language its recipient reads."""
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
    if released:
        kind = "gremium.meeting.deputy_released"
        template = "gremium/email/deputy_released.txt"
    else:
        kind = "gremium.meeting.deputy_notice"
        template = "gremium/email/deputy_notice.txt"
    # One message per change of the answer: the revision is the moment of that change.
    revision = f"{response.pk}-{response.answered_at:%Y%m%d%H%M%S%f}"
    messages = []
    for deputy in deputies:
        with recipient_language(deputy.person.email):
            names = {
                "member": membership.person,
                "meeting": meeting.title,
                "date": date_de(meeting.start),
            }
            if released:
                subject = _("Vertretung nicht mehr nötig: %(meeting)s am %(date)s") % names
            else:
                subject = _("Bitte vertreten Sie %(member)s: %(meeting)s am %(date)s") % names
            body = render_to_string(
                template,
                {
                    "meeting": meeting,
                    "member": membership,
                    "deputy": deputy,
                    "answer": response,
                    "url": url,
                },
            )
        messages.append(
            {
                "kind": kind,
                "recipient": deputy.person.email,
                "subject": subject,
                "body": body,
                "related": meeting,
                "revision": revision,
            }
        )
    message_queue_bulk(messages)
