"""Writes of the beteiligung app. Each service is one transaction.

Capacity: every change that takes or gives places locks the event row first (``_lock_event``:
``SELECT ... FOR UPDATE``), then counts the places held by the one rule of
models.RegistrationQuerySet.held_places, then decides and writes. All such writes of one event
are therefore serialised; writes for different events run in parallel. Freeing a place needs
the lock only because it moves the waiting list up in the same step (beteiligung.waiting_list).
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from erfurt_srp.accounts.languages import current as current_language
from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.links import LINK_PLACEHOLDER
from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.services import (
    Attachment,
    message_queue,
    message_queue_bulk,
    message_queue_for_new_object,
)

from . import waiting_list
from .ics import event_ics
from .models import (
    Event,
    EventMessage,
    EventTable,
    InvitationCode,
    Registration,
    ShredLog,
    new_public_id,
)
from .privacy import privacy_version
from .selectors import waiting_position

logger = logging.getLogger(__name__)
S = Registration.Status


# --- locking --------------------------------------------------------------------------------


def _lock_event(event_id: int, *, skip_locked: bool = False) -> Event | None:
    """Lock the event row for the rest of the transaction and return it.

    The one place that serialises capacity decisions; the concurrency control test replaces it
    with an unlocked read to show that overbooking then happens.
    """
    try:
        return Event.objects.select_for_update(skip_locked=skip_locked).get(pk=event_id)
    except Event.DoesNotExist:
        return None


def _after_capacity_check() -> None:
    """Hook between the availability check and the write (tests widen the race window here)."""


# --- mail -----------------------------------------------------------------------------------


def _render_mail(template: str, context: dict) -> tuple[str, str]:
    """The mail in the language the person registered in (not the language of whoever's action
    sends it)."""
    registration = context["registration"]
    with translation.override(registration.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"beteiligung/email/{template}_subject.txt", context)
        body = render_to_string(f"beteiligung/email/{template}.txt", context)
    return " ".join(subject.split()), body


def _mail_context(registration: Registration, **extra) -> dict:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        # Personal links with LINK_PLACEHOLDER for the token (the outbox fills it in at send).
        "manage_url": _personal_url("beteiligung:registration_manage", registration),
        "hold_minutes": settings.BETEILIGUNG_HOLD_MINUTES,
        "waiting_rule": waiting_list.RULE,
        **extra,
    }


def _personal_url(name: str, registration: Registration) -> str:
    if not registration.public_id:
        return ""
    return settings.SITE_URL + reverse(name, args=[LINK_PLACEHOLDER])


def _link_secret(registration: Registration) -> str:
    return registration.make_token() if registration.public_id else ""


def _ics_attachment(event: Event, language: str) -> Attachment:
    with translation.override(language or settings.LANGUAGE_CODE):
        return _ics_attachment_now(event)


def _ics_attachment_now(event: Event) -> Attachment:
    return Attachment(
        filename="veranstaltung.ics",
        mimetype="text/calendar",
        content=event_ics(event, url=settings.SITE_URL + event.get_absolute_url()),
    )


def _queue(kind: str, registration: Registration, template: str, *, revision="", ics=False, **ctx):
    subject, body = _render_mail(template, _mail_context(registration, **ctx))
    message_queue(
        kind=kind,
        recipient=registration.email,
        subject=subject,
        body=body,
        related=registration,
        revision=revision,
        attachments=[_ics_attachment(registration.event, registration.language)] if ics else (),
        link_secret=_link_secret(registration),
    )


def _queue_bulk(kind: str, registrations, template: str, *, revision="", ics=False, **ctx):
    specs = []
    attachments = {}
    for registration in registrations:
        attachment = None
        if ics:
            language = registration.language
            if language not in attachments:
                attachments[language] = _ics_attachment(registration.event, language)
            attachment = attachments[language]
        subject, body = _render_mail(template, _mail_context(registration, **ctx))
        specs.append(
            {
                "kind": kind,
                "recipient": registration.email,
                "subject": subject,
                "body": body,
                "related": registration,
                "revision": revision,
                "attachments": [attachment] if attachment else (),
                "link_secret": _link_secret(registration),
            }
        )
    if specs:
        message_queue_bulk(specs)
    return len(specs)


# --- registration ---------------------------------------------------------------------------


def client_key(address: str) -> str:
    """A keyed hash of a client address (stored while a registration is unconfirmed)."""
    if not address:
        return ""
    return salted_hmac("beteiligung.registration.client", address).hexdigest()[:32]


def _check_window(event: Event, now) -> None:
    state = event.registration_state(now)
    if state == "not_yet":
        raise DomainError(
            _("Die Anmeldung ist noch nicht geöffnet. Sie beginnt am %(date)s.")
            % {
                "date": date_format(
                    timezone.localtime(event.registration_opens_at), "SHORT_DATETIME_FORMAT"
                )
            },
            code="closed",
        )
    if state == "closed":
        raise DomainError(
            _("Die Anmeldefrist für diese Veranstaltung ist abgelaufen."), code="closed"
        )


def _check_invitation(event: Event, code: str) -> InvitationCode | None:
    if event.access != Event.Access.INVITED:
        return None
    code = (code or "").strip()
    invitation = (
        InvitationCode.objects.filter(event=event, code__iexact=code, active=True).first()
        if code
        else None
    )
    if invitation is None:
        raise DomainError(
            _(
                "Diese Veranstaltung ist nur mit Einladung. Bitte geben Sie Ihren Einladungscode an."
            ),
            field="invitation_code",
            code="invitation",
        )
    used = Registration.objects.filter(
        invitation=invitation, status__in=Registration.ACTIVE_STATUSES
    )
    if used.count() >= invitation.max_uses:
        raise DomainError(
            _("Dieser Einladungscode wurde bereits für alle vorgesehenen Anmeldungen genutzt."),
            field="invitation_code",
            code="invitation_used",
        )
    return invitation


def _free_places(event: Event, table: EventTable | None, total: int, per_table: dict) -> int:
    free = max(0, event.capacity - total)
    if table is not None:
        free = min(free, max(0, table.capacity - per_table.get(table.pk, 0)))
    return free


def _raise_full(event, table, places, total, per_table) -> None:
    """Say what is full to someone who did not ask for the waiting list."""
    if places > 1:
        raise DomainError(
            _(
                "Für %(places)s Personen sind nicht mehr genug Plätze frei (noch "
                "%(free)s). Melden Sie weniger Personen an oder lassen Sie sich auf "
                "die Warteliste setzen."
            )
            % {"places": places, "free": _free_places(event, table, total, per_table)},
            field="places",
            code="full",
        )
    if total + places > event.capacity:
        raise DomainError(
            _(
                "Die Veranstaltung ist ausgebucht. Sie können sich auf die Warteliste "
                "setzen lassen (Häkchen unten)."
            ),
            field="join_waiting_list",
            code="full",
        )
    raise DomainError(
        _(
            "Der Thementisch „%(table)s“ ist ausgebucht. Bitte wählen Sie einen anderen "
            "Tisch oder lassen Sie sich auf die Warteliste setzen."
        )
        % {"table": table.title},
        field="table",
        code="table_full",
    )


def _active_registration(event_id: int, email: str) -> Registration | None:
    return (
        Registration.objects.filter(event_id=event_id, status__in=Registration.ACTIVE_STATUSES)
        .alias(email_lower=Lower("email"))
        .filter(email_lower=email.lower())
        .exclude(email="")
        .select_related("event", "table")
        .first()
    )


def _tell_owner_already_registered(registration: Registration, now) -> None:
    """Someone signed up again with the address of an active registration: the page answers
    as for a new one; the address's owner learns of it by e-mail (at most one a day)."""
    _queue(
        "beteiligung.already_registered",
        registration,
        "already_registered",
        revision=timezone.localdate(now).isoformat(),
        confirm_url=(
            _personal_url("beteiligung:registration_confirm", registration)
            if not registration.email_confirmed_at
            else ""
        ),
    )


def registration_create(
    *,
    event_id: int,
    name: str,
    email: str,
    kind: str,
    consent: bool,
    organisation: str = "",
    table_id: int | None = None,
    needs_step_free: bool = False,
    needs_sign_language: bool = False,
    needs_induction_loop: bool = False,
    needs_other: str = "",
    join_waiting_list: bool = False,
    invitation_code: str = "",
    places: int = 1,
    client: str = "",
    now=None,
) -> Registration:
    """Register a person (double opt-in: the place counts once the e-mail link is followed).

    Checked in this order, the same for every address: the event and its registration window,
    the invitation, the free places. A registration that finds its places free is PENDING and
    holds one place for BETEILIGUNG_HOLD_MINUTES (a group takes the rest when it confirms);
    without free places it goes on the waiting list if asked to, otherwise a DomainError says
    what is full. Unconfirmed registrations from one client address (`client`) hold at most
    BETEILIGUNG_UNCONFIRMED_HOLDS_PER_CLIENT places per event; beyond that they hold none and
    get a free place only when confirmed.

    If the address already has an active registration for the event, nothing is stored: its
    owner gets an e-mail, and the returned registration is unsaved but has the status a new one
    would have had, so the answer does not reveal whether the address was known.
    """
    now = now or timezone.now()
    email = email.strip()
    if not consent:
        raise DomainError(
            _(
                "Bitte stimmen Sie der Verarbeitung Ihrer Daten zu, sonst können wir Sie nicht anmelden."
            ),
            field="consent",
        )
    registration = Registration(
        event_id=event_id,
        status=S.PENDING,
        name=name.strip(),
        email=email,
        organisation=organisation.strip(),
        kind=kind,
        places=places,
        needs_step_free=needs_step_free,
        needs_sign_language=needs_sign_language,
        needs_induction_loop=needs_induction_loop,
        needs_other=needs_other.strip(),
        privacy_version=privacy_version(),
        consent_at=now,
        language=current_language(),
        public_id=new_public_id(),
        expires_at=now + timedelta(minutes=settings.BETEILIGUNG_OPT_IN_MINUTES),
        client_key=client_key(client),
        created_at=now,
    )
    registration.clean_fields(exclude=["public_id", "event", "table", "invitation"])
    # No look-up of the address beforehand: the unique constraint
    # registration_one_active_per_email tells whether it holds an active registration.
    retried = False
    while True:
        try:
            with transaction.atomic():
                return _register(registration, table_id, invitation_code, join_waiting_list, now)
        except IntegrityError:
            # Nothing is stored; the answer is the one the new registration got, and the
            # address's owner is told.
            with transaction.atomic():
                existing = _active_registration(event_id, email)
                if existing is not None:
                    _tell_owner_already_registered(existing, now)
                    return registration
            if retried:
                raise
            # The registration that held the address was cancelled in between: it is free.
            retried = True


def _register(registration, table_id, invitation_code, join_waiting_list, now) -> Registration:
    # The tables are read before the lock: staff change them before they lock the event
    # (event_save), so reading them under the lock would not be any fresher; it would only
    # keep the lock longer.
    tables = {t.pk: t for t in EventTable.objects.filter(event_id=registration.event_id).order_by()}
    event = _lock_event(registration.event_id)
    if event is None or not event.published:
        raise DomainError(_("Diese Veranstaltung gibt es nicht (mehr)."), code="missing")
    registration.event = event
    _check_window(event, now)
    invitation = _check_invitation(event, invitation_code)
    table = tables.get(table_id) if table_id else None
    if table_id and table is None:
        raise DomainError(_("Bitte wählen Sie einen Thementisch aus der Liste."), field="table")
    if tables and table is None:
        raise DomainError(_("Bitte wählen Sie einen Thementisch."), field="table")
    places = registration.places
    total, per_table = Registration.objects.filter(event_id=event.pk).held_places(now)
    _after_capacity_check()
    fits = _free_places(event, table, total, per_table) >= places
    if not fits and not join_waiting_list:
        _raise_full(event, table, places, total, per_table)
    registration.table, registration.invitation = table, invitation
    if fits:
        registration.status, registration.waiting_since = S.PENDING, None
        registration.held_until = now + timedelta(minutes=settings.BETEILIGUNG_HOLD_MINUTES)
    else:
        registration.status, registration.waiting_since = S.WAITING, now
        registration.held_until = None
    cap = settings.BETEILIGUNG_UNCONFIRMED_HOLDS_PER_CLIENT
    if fits and cap and registration.client_key:
        holds = (
            Registration.objects.filter(event_id=event.pk)
            .holding(now)
            .filter(status=S.PENDING, client_key=registration.client_key)
            .count()
        )
        if holds >= cap:
            registration.held_until = None
    registration.save(force_insert=True)
    subject, body = _render_mail(
        "opt_in",
        _mail_context(
            registration,
            confirm_url=_personal_url("beteiligung:registration_confirm", registration),
        ),
    )
    message_queue_for_new_object(
        kind="beteiligung.opt_in",
        recipient=registration.email,
        subject=subject,
        body=body,
        related=registration,
        link_secret=_link_secret(registration),
    )
    return registration


def _reload_locked(registration_id: int) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "table")
        .get(pk=registration_id)
    )


def registration_confirm(*, registration_id: int, now=None) -> tuple[Registration, bool]:
    """Follow the e-mail link. Return (registration, changed); changed is False on reuse.

    A registration still holding its place takes its whole group's places if they fit now;
    otherwise (hold run out, or the group no longer fits) it joins the waiting list, which
    moves up at once if it can (waiting_list.RULE).
    """
    now = now or timezone.now()
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        event = _lock_event(event_id)
        registration = _reload_locked(registration_id)
        status = registration.status
        if status == S.CANCELLED:
            raise DomainError(_("Diese Anmeldung wurde abgemeldet."), code="cancelled")
        if status == S.EXPIRED:
            raise DomainError(
                _("Der Bestätigungslink ist abgelaufen. Bitte melden Sie sich erneut an."),
                code="expired",
            )
        if status == S.CONFIRMED or (status == S.WAITING and registration.email_confirmed_at):
            return registration, False
        fits = False
        if (
            status == S.PENDING
            and Registration.objects.holding(now).filter(pk=registration.pk).exists()
        ):
            others = Registration.objects.filter(event_id=event.pk).exclude(pk=registration.pk)
            total, per_table = others.held_places(now)
            _after_capacity_check()
            free = _free_places(event, registration.table, total, per_table)
            fits = free >= registration.places
        registration.email_confirmed_at = now
        registration.expires_at = None
        registration.held_until = None
        registration.client_key = ""
        if fits:
            registration.status = S.CONFIRMED
            registration.confirmed_at = now
        elif status == S.PENDING:
            registration.status = S.WAITING
            registration.waiting_since = now
        registration.save(
            update_fields=[
                "email_confirmed_at",
                "expires_at",
                "held_until",
                "client_key",
                "status",
                "confirmed_at",
                "waiting_since",
            ]
        )
        if registration.status == S.CONFIRMED:
            _queue("beteiligung.confirmation", registration, "confirmation", ics=True)
        else:
            promoted = _promote(event, now)
            if registration.pk not in promoted:
                _queue(
                    "beteiligung.waiting",
                    registration,
                    "waiting",
                    waiting_position=waiting_position(registration=registration),
                )
            registration.refresh_from_db()
    return registration, True


def _promote(event: Event, now) -> set[int]:
    """Move the waiting list up into free places (waiting_list.move_up) while the caller holds
    the event lock. Return the ids promoted."""
    total, per_table = Registration.objects.filter(event_id=event.pk).held_places(now)
    if total >= event.capacity:
        return set()
    in_line = (
        Registration.objects.filter(event=event, status=S.WAITING, email_confirmed_at__isnull=False)
        .select_related("event", "table")
        .order_by("waiting_since", "id")
    )
    free_per_table = {t.pk: t.capacity - per_table.get(t.pk, 0) for t in event.tables.all()}
    chosen = waiting_list.move_up(
        in_line, free=event.capacity - total, free_per_table=free_per_table
    )
    for registration in chosen:
        registration.status = S.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        _queue("beteiligung.promoted", registration, "promoted", ics=True)
    return {r.pk for r in chosen}


def waiting_list_promote(*, event_id: int, now=None) -> set[int]:
    """Move the waiting list of an event up into free places."""
    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event_id)
        return _promote(event, now)


def registration_cancel(*, registration_id: int, now=None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        event = _lock_event(event_id)
        registration = _reload_locked(registration_id)
        if registration.status not in Registration.ACTIVE_STATUSES:
            raise DomainError(
                _("Diese Anmeldung ist bereits abgemeldet oder verfallen."), code="inactive"
            )
        if event.is_over:
            raise DomainError(_("Die Veranstaltung ist vorbei."), code="over")
        registration.status = S.CANCELLED
        registration.cancelled_at = now
        registration.expires_at = None
        registration.held_until = None
        registration.save(update_fields=["status", "cancelled_at", "expires_at", "held_until"])
        _queue("beteiligung.cancellation", registration, "cancellation")
        _promote(event, now)
    return registration


def registration_change_table(*, registration_id: int, table_id: int, now=None) -> Registration:
    now = now or timezone.now()
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        event = _lock_event(event_id)
        registration = _reload_locked(registration_id)
        if registration.status not in Registration.ACTIVE_STATUSES:
            raise DomainError(_("Diese Anmeldung ist nicht mehr aktiv."), code="inactive")
        if event.registration_state(now) == "closed":
            raise DomainError(
                _("Die Anmeldefrist ist abgelaufen; der Tisch kann nicht mehr gewechselt werden."),
                field="table",
                code="closed",
            )
        table = EventTable.objects.filter(pk=table_id, event=event).first()
        if table is None:
            raise DomainError(_("Bitte wählen Sie einen Thementisch aus der Liste."), field="table")
        if table.pk == registration.table_id:
            return registration
        own, _per_table = Registration.objects.filter(pk=registration.pk).held_places(now)
        if own:
            _total, per_table = (
                Registration.objects.filter(event_id=event.pk)
                .exclude(pk=registration.pk)
                .held_places(now)
            )
            _after_capacity_check()
            if per_table.get(table.pk, 0) + own > table.capacity:
                raise DomainError(
                    _("Der Thementisch „%(table)s“ ist ausgebucht. Bitte wählen Sie einen anderen.")
                    % {"table": table.title},
                    field="table",
                    code="table_full",
                )
        registration.table = table
        registration.save(update_fields=["table"])
        if registration.status == S.CONFIRMED:
            _queue(
                "beteiligung.table_changed",
                registration,
                "table_changed",
                revision=now.isoformat(),
            )
        _promote(event, now)
    return registration


def _anonymise(qs, now) -> int:
    """Remove everything that names or identifies the registrants of qs, including what they
    said about their accessibility needs, their check-in, their invitation and the admin log's
    entries about them; status, places, table and kind stay for the counts."""
    ids = [str(pk) for pk in qs.values_list("pk", flat=True)]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration), object_id__in=ids
    ).update(object_repr=_("(anonymisiert)"), change_message="")
    return qs.update(
        name="",
        email="",
        organisation="",
        needs_step_free=False,
        needs_sign_language=False,
        needs_induction_loop=False,
        needs_other="",
        checked_in_at=None,
        invitation=None,
        public_id=None,
        expires_at=None,
        held_until=None,
        client_key="",
        anonymised_at=now,
    )


def _delete_messages(registration_ids: list[int]) -> int:
    if not registration_ids:
        return 0
    content_type = ContentType.objects.get_for_model(Registration)
    deleted, _per_model = OutboxMessage.objects.filter(
        related_type=content_type, related_id__in=[str(pk) for pk in registration_ids]
    ).delete()
    return deleted


def registration_delete(*, registration_id: int, now=None) -> None:
    """Delete a registrant's personal data at their request (through their link).

    A place they held is freed and the waiting list moves up; the anonymous row stays so the
    event's counts remain right.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        event = _lock_event(event_id)
        registration = _reload_locked(registration_id)
        freed = registration.status in Registration.ACTIVE_STATUSES and not event.is_over
        if freed:
            registration.status = S.CANCELLED
            registration.cancelled_at = now
            registration.save(update_fields=["status", "cancelled_at"])
        _anonymise(Registration.objects.filter(pk=registration.pk), now)
        _delete_messages([registration.pk])
        if freed:
            _promote(event, now)
    logger.info("beteiligung: registration %s deleted by its registrant", registration_id)


def registrations_expire(*, now=None) -> int:
    """Expire unconfirmed registrations whose opt-in time ran out, anonymise them, and move
    waiting lists up. Events locked by a running registration are skipped until the next run."""
    now = now or timezone.now()
    unconfirmed = Registration.objects.filter(
        status__in=[S.PENDING, S.WAITING], email_confirmed_at__isnull=True, expires_at__lte=now
    )
    event_ids = list(unconfirmed.values_list("event_id", flat=True).distinct().order_by())
    count = 0
    for event_id in event_ids:
        with transaction.atomic():
            event = _lock_event(event_id, skip_locked=True)
            if event is None:
                continue
            rows = unconfirmed.filter(event_id=event_id)
            ids = list(rows.values_list("id", flat=True))
            rows.filter(pk__in=ids).update(status=S.EXPIRED)
            _anonymise(Registration.objects.filter(pk__in=ids), now)
            _delete_messages(ids)
            count += len(ids)
            _promote(event, now)
    return count


# --- messages to registrants ----------------------------------------------------------------


def event_reminders_send(*, now=None) -> int:
    """Queue the reminder for every event whose reminder is due (stored reminder_due_at)."""
    now = now or timezone.now()
    due = Event.objects.filter(
        reminder_due_at__lte=now, reminder_sent_at__isnull=True, starts_at__gt=now
    ).values_list("id", flat=True)
    sent = 0
    for event_id in list(due):
        with transaction.atomic():
            event = (
                Event.objects.select_for_update(skip_locked=True)
                .filter(pk=event_id, reminder_sent_at__isnull=True)
                .first()
            )
            if event is None:
                continue
            recipients = event.registrations.filter(status=S.CONFIRMED).select_related(
                "event", "table"
            )
            sent += _queue_bulk("beteiligung.reminder", recipients, "reminder", ics=True)
            event.reminder_sent_at = now
            event.save(update_fields=["reminder_sent_at"])
    return sent


def consultation_link(event: Event, now=None) -> tuple[str, str]:
    """(url, title) of the consultation to point registrants to after the event: the link staff
    entered, else the guidelines' public consultation round open now (app leitlinien), else
    ("", "")."""
    if event.consultation_url:
        return event.consultation_url, ""
    from leitlinien.selectors import open_public_round

    consultation = open_public_round(now)
    if consultation is None:
        return "", ""
    return (
        settings.SITE_URL + consultation.get_absolute_url(),
        str(consultation.version.guideline.title),
    )


def event_followups_send(*, now=None) -> int:
    """After an event: send the documentation and consultation links once staff set one of
    them (without a consultation link of their own, the open public round is linked)."""
    now = now or timezone.now()
    due = (
        Event.objects.filter(
            ends_at__lte=now, followup_sent_at__isnull=True, shredded_at__isnull=True
        )
        .exclude(documentation_url="", consultation_url="")
        .values_list("id", flat=True)
    )
    sent = 0
    for event_id in list(due):
        with transaction.atomic():
            event = (
                Event.objects.select_for_update(skip_locked=True)
                .filter(pk=event_id, followup_sent_at__isnull=True)
                .first()
            )
            if event is None:
                continue
            recipients = event.registrations.filter(status=S.CONFIRMED).select_related(
                "event", "table"
            )
            url, title = consultation_link(event, now)
            sent += _queue_bulk(
                "beteiligung.followup",
                recipients,
                "followup",
                consultation_url=url,
                consultation_title=title,
            )
            event.followup_sent_at = now
            event.save(update_fields=["followup_sent_at"])
    return sent


def event_message_send(
    *, event_id: int, subject: str, body: str, audience: str, actor=None
) -> EventMessage:
    """Queue a staff-composed message to the event's registrants (written in bulk)."""
    with transaction.atomic():
        event = Event.objects.get(pk=event_id)
        if event.shredded_at:
            raise DomainError(_("Die Personendaten dieser Veranstaltung sind bereits gelöscht."))
        # Only addresses that passed the double opt-in get mail from staff.
        audience_q = Q(status=S.CONFIRMED)
        if audience == EventMessage.Audience.ALL:
            audience_q |= Q(status=S.WAITING, email_confirmed_at__isnull=False)
        recipients = list(
            event.registrations.filter(audience_q)
            .exclude(email="")
            .select_related("event", "table")
        )
        message = EventMessage.objects.create(
            event=event,
            audience=audience,
            subject=subject.strip(),
            body=body.strip(),
            recipients=len(recipients),
            sent_by=actor,
        )
        _queue_bulk(
            "beteiligung.message",
            recipients,
            "staff_message",
            revision=message.pk,
            message=message,
        )
    return message


# --- staff ----------------------------------------------------------------------------------


def event_save(*, form, programme_formset, table_formset) -> Event:
    """Save an event with its programme and tables; more places move the waiting list up."""
    with transaction.atomic():
        event = form.save()
        programme_formset.instance = event
        programme_formset.save()
        table_formset.instance = event
        table_formset.save()
        locked = _lock_event(event.pk)
        _promote(locked, timezone.now())
    return event


def invitation_code_create(*, event_id: int, label: str, max_uses: int = 1) -> InvitationCode:
    with transaction.atomic():
        return InvitationCode.objects.create(
            event_id=event_id,
            label=label.strip(),
            max_uses=max_uses,
            code=secrets.token_urlsafe(9).replace("-", "x").replace("_", "y"),
        )


def registration_check_in(*, registration_id: int, event_id: int, present: bool, now=None):
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("table")
            .get(pk=registration_id, event_id=event_id)
        )
        if registration.status != S.CONFIRMED:
            raise DomainError(_("Nur bestätigte Anmeldungen können eingecheckt werden."))
        registration.checked_in_at = (registration.checked_in_at or now) if present else None
        registration.save(update_fields=["checked_in_at"])
    return registration


def registrants_shred(*, event_id: int, actor=None, now=None) -> ShredLog:
    """Anonymise the personal data of an event's registrants, keeping the counts.

    Refuses to run before the event is over. Also deletes the e-mails queued for them.
    """
    from .selectors import registration_counts

    now = now or timezone.now()
    with transaction.atomic():
        event = _lock_event(event_id)
        if now < event.ends_at:
            raise DomainError(
                _("Die Veranstaltung ist noch nicht vorbei; die Daten werden noch gebraucht."),
                code="not_over",
            )
        counts = registration_counts(event=event)
        kept = {
            key: counts[key]
            for key in (
                "confirmed",
                "pending",
                "waiting",
                "cancelled",
                "expired",
                "present",
                "step_free",
                "sign_language",
                "induction_loop",
                "other",
            )
        }
        kept["tables"] = {t.title: t.n_confirmed for t in counts["tables"]}
        # The check-in times go with the personal data; the attendance stays as counts, per event
        # and per table (by id, read back by the review of the event; by title, for people).
        kept["tables_present"] = {t.title: t.n_present for t in counts["tables"]}
        kept["attendance"] = {
            "present": counts["present"],
            "tables": {str(t.pk): t.n_present for t in counts["tables"]},
        }
        kept["by_kind"] = {str(label): n for label, n in counts["by_kind"]}
        anonymised = Registration.objects.filter(event=event, anonymised_at__isnull=True).count()
        # All rows, also those anonymised one by one before (expiry, self-deletion).
        _anonymise(Registration.objects.filter(event=event), now)
        # An invitation's label names whom it was for.
        event.invitation_codes.update(label="", active=False)
        all_ids = list(Registration.objects.filter(event=event).values_list("id", flat=True))
        deleted = _delete_messages(all_ids)
        event.shredded_at = now
        event.save(update_fields=["shredded_at"])
        log = ShredLog.objects.create(
            event=event,
            actor=actor,
            anonymised=anonymised,
            messages_deleted=deleted,
            counts=kept,
        )
    logger.info(
        "beteiligung: shredded event %s: %s registrations anonymised, %s e-mails deleted",
        event_id,
        anonymised,
        deleted,
    )
    return log


def registrants_shred_due(*, now=None) -> int:
    """Shred every event whose retention period after its end has passed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.BETEILIGUNG_RETENTION_DAYS)
    due = Event.objects.filter(ends_at__lte=cutoff, shredded_at__isnull=True).values_list(
        "id", flat=True
    )
    done = 0
    for event_id in list(due):
        registrants_shred(event_id=event_id, now=now)
        done += 1
    return done
