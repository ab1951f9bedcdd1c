"""Writes of the beteiligung app. Each service is one transaction.

Capacity: every change that takes or gives places locks the event row first
(``_lock_event``, or ``_lock_event_for_registration`` on the sign-up path:
``SELECT ... FOR UPDATE``), then computes availability from the rows that
hold a place (confirmed + unexpired pending, see selectors.holding_q), then writes. All such
writes of one event are therefore serialised; writes for different events run in parallel.
Freeing a place needs the lock only because it moves the waiting list up in the same step.
"""

import logging
import secrets
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from erfurt_srp.core.errors import DomainError
from erfurt_srp.notifications.links import LINK_PLACEHOLDER
from erfurt_srp.notifications.models import OutboxMessage
from erfurt_srp.notifications.services import (
    Attachment,
    message_queue,
    message_queue_bulk,
    message_queue_for_new_object,
)

from . import page_cache
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
from .selectors import held_places

logger = logging.getLogger(__name__)
S = Registration.Status


# --- locking --------------------------------------------------------------------------------


def _lock_event(event_id: int, *, skip_locked: bool = False) -> Event | None:
    """Lock the event row for the rest of the transaction and return it.

    The one place that serialises capacity decisions; the concurrency control test replaces it
    with an unlocked read to show that overbooking then happens.
    """
    qs = Event.objects.select_for_update(skip_locked=skip_locked).filter(pk=event_id)
    return qs.first()


# The registration hot path (one run per public sign-up, the burst of issue 7) locks and counts
# with two plain statements: the ORM's compiling of the same queries costs more CPU than
# PostgreSQL's executing them. selectors.held_places is the ORM form of the count; a test keeps
# both in step.
_E, _T, _R = Event._meta.db_table, EventTable._meta.db_table, Registration._meta.db_table
# Table names from the models' meta, values as parameters: nothing user-supplied is formatted in.
_REGISTRATION_LOCK_SQL = (
    "SELECT capacity, published, access, registration_opens_at, registration_closes_at, "  # noqa: S608
    f"starts_at FROM {_E} WHERE id = %s"
)
_PLACES_SQL = (
    f"SELECT 'held', table_id, SUM(places) FROM {_R} "  # noqa: S608
    "WHERE event_id = %s AND (status = %s OR (status = %s AND expires_at > %s)) "
    "GROUP BY table_id "
    f"UNION ALL SELECT 'capacity', id, capacity FROM {_T} WHERE event_id = %s"
)


def _aware(value):
    # SQLite (the embedded default) hands plain SQL naive UTC datetimes.
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value


def _lock_event_for_registration(event: Event) -> bool:
    """Lock the event row as _lock_event does and refresh, on `event` (which may be a cached
    copy), the fields a registration is decided on. Return False if the event is gone."""
    sql = _REGISTRATION_LOCK_SQL
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [event.pk])
        row = cursor.fetchone()
    if row is None:
        return False
    event.capacity, event.published, event.access = row[0], bool(row[1]), row[2]
    event.registration_opens_at, event.registration_closes_at, event.starts_at = map(
        _aware, row[3:]
    )
    return True


def _places_under_lock(*, event_id: int, now) -> tuple[int, dict[int, int], dict[int, int]]:
    """Return (places held for the event, {table id: held}, {table id: capacity})."""
    with connection.cursor() as cursor:
        cursor.execute(
            _PLACES_SQL,
            [
                event_id,
                S.CONFIRMED,
                S.PENDING,
                connection.ops.adapt_datetimefield_value(now),
                event_id,
            ],
        )
        rows = cursor.fetchall()
    held = {table_id: int(n) for kind, table_id, n in rows if kind == "held"}
    capacity = {table_id: int(n) for kind, table_id, n in rows if kind == "capacity"}
    return sum(held.values()), {k: v for k, v in held.items() if k is not None}, capacity


def _commit_without_waiting_for_the_disk() -> None:
    """Let this transaction's COMMIT return before PostgreSQL has flushed it to disk.

    The event lock is held until COMMIT returns, so the flush (1.5-2 ms here) would otherwise
    be spent by every registration of the event in turn. What it risks: if the database
    server crashes within the WAL writer's interval (by default 200 ms) after the answer, the
    new registration and its opt-in e-mail row are lost together. The person gets no e-mail,
    or (if a worker sent it in those milliseconds) a link that the site explains as invalid,
    and registers again. Nothing is half-written, and a lost hold only frees a place. The
    confirmation, which makes a place count, and every other write commit synchronously, as
    does a registration made inside a caller's transaction (SET LOCAL would last to its end).
    """
    if settings.BETEILIGUNG_REGISTRATION_ASYNC_COMMIT and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _after_capacity_check() -> None:
    """Hook between the availability check and the write (tests widen the race window here)."""


# --- mail -----------------------------------------------------------------------------------


def _render_mail(template: str, context: dict) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
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
        "event_url": settings.SITE_URL + event.get_absolute_url(),
        **extra,
    }


def _personal_url(name: str, registration: Registration) -> str:
    if not registration.public_id:
        return ""
    return settings.SITE_URL + reverse(name, args=[LINK_PLACEHOLDER])


def _link_secret(registration: Registration) -> str:
    return registration.make_token() if registration.public_id else ""


def _ics_attachment(event: Event) -> Attachment:
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
        attachments=[_ics_attachment(registration.event)] if ics else (),
        link_secret=_link_secret(registration),
    )


def _queue_bulk(kind: str, registrations, template: str, *, revision="", ics=False, **ctx):
    specs = []
    attachment = None
    for registration in registrations:
        if ics and attachment is None:
            attachment = _ics_attachment(registration.event)
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


# The outcome of this process's last registration per (event, table): the cheapest good guess
# for the next one (in a burst, once places are gone they stay gone for a while).
_last_outcome: dict[tuple[int, int | None], bool] = {}


def _places_look_free(event: Event, table: EventTable | None, places: int, now) -> bool:
    """A guess, never a decision: did the last registration here get a place, or else does
    the public page's (cached) count show free places?"""
    known = _last_outcome.get((event.pk, table.pk if table else None))
    if known is not None and places == 1:
        return known
    from .selectors import event_availability

    free, tables = event_availability(event=event, now=now, cached=True)
    if free < places:
        return False
    if table is None:
        return True
    return any(t.table.pk == table.pk and t.free >= places for t in tables)


def _raise_full(event, table, places, others, per_table, table_capacity, own) -> None:
    """Say what is full to someone who did not ask for the waiting list."""
    if places > 1:
        free = max(0, event.capacity - others)
        if table is not None:
            held_at_table = per_table.get(table.pk, 0) - own
            free = min(free, max(0, table_capacity[table.pk] - held_at_table))
        raise DomainError(
            _(
                "Für %(places)s Personen sind nicht mehr genug Plätze frei (noch "
                "%(free)s). Melden Sie weniger Personen an oder lassen Sie sich auf "
                "die Warteliste setzen."
            )
            % {"places": places, "free": free},
            field="places",
            code="full",
        )
    if others + places > event.capacity:
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
    now=None,
    event: Event | None = None,
    tables: list[EventTable] | None = None,
) -> Registration:
    """Register a person (double opt-in: the place counts once the e-mail link is followed).

    A free place is held while the confirmation is pending; without a free place the person
    goes on the waiting list if they asked to, otherwise a DomainError says what is full.
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
    # Everything that does not count places happens before the lock, so the serialised part
    # is short: lock, count, insert the registration, insert its e-mail, commit.
    if event is None or event.pk != event_id:
        event = Event.objects.filter(pk=event_id).first()
        if event is None:
            raise DomainError(_("Diese Veranstaltung gibt es nicht (mehr)."), code="missing")
    # tables: the event's tables when the caller has read them already (saves the look-ups).
    if tables is not None and any(t.event_id != event_id for t in tables):
        tables = None
    if table_id:
        if tables is not None:
            table = next((t for t in tables if t.pk == table_id), None)
        else:
            table = EventTable.objects.filter(pk=table_id, event_id=event_id).first()
        if table is None:
            raise DomainError(_("Bitte wählen Sie einen Thementisch aus der Liste."), field="table")
    else:
        table = None
        if tables or (tables is None and EventTable.objects.filter(event_id=event_id).exists()):
            raise DomainError(_("Bitte wählen Sie einen Thementisch."), field="table")
    registration = Registration(
        event=event,
        table=table,
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
        public_id=new_public_id(),
        expires_at=now + timedelta(minutes=settings.BETEILIGUNG_OPT_IN_MINUTES),
        created_at=now,
    )
    # Field rules only; the foreign keys were checked above and one address per event is
    # the database constraint, turned into a message below.
    registration.clean_fields(exclude=["public_id", "event", "table", "invitation"])
    mail_context = _mail_context(
        registration,
        confirm_url=_personal_url("beteiligung:registration_confirm", registration),
        opt_in_minutes=settings.BETEILIGUNG_OPT_IN_MINUTES,
    )
    # The row and its e-mail are written *before* the event lock and with the likely outcome
    # (place held or waiting list; see _places_look_free), so that the serialised part
    # is only: lock, count, commit, plus a correction in the rare case the guess was wrong.
    # Rows of others that are not committed yet are invisible to the count; they are counted
    # by their own transaction once it holds the lock, and every commit precedes the release.
    holds_likely = not join_waiting_list or _places_look_free(event, table, places, now)
    registration.status = S.PENDING if holds_likely else S.WAITING
    registration.waiting_since = None if holds_likely else now
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if own_transaction:
            _commit_without_waiting_for_the_disk()
        # No savepoint: a failed insert ends this transaction anyway (the DomainError leaves
        # the atomic block, which rolls back).
        try:
            registration.save(force_insert=True)
        except IntegrityError:
            raise DomainError(
                _(
                    "Mit dieser E-Mail-Adresse besteht schon eine Anmeldung für diese "
                    "Veranstaltung. Den persönlichen Link finden Sie in unserer E-Mail an Sie."
                ),
                field="email",
                code="duplicate",
            )
        subject, body = _render_mail("opt_in", mail_context)
        message = message_queue_for_new_object(
            kind="beteiligung.opt_in",
            recipient=registration.email,
            subject=subject,
            body=body,
            related=registration,
            link_secret=_link_secret(registration),
        )

        if not _lock_event_for_registration(event) or not event.published:
            raise DomainError(_("Diese Veranstaltung gibt es nicht (mehr)."), code="missing")
        state = event.registration_state(now)
        if state == "not_yet":
            raise DomainError(
                _("Die Anmeldung ist noch nicht geöffnet. Sie beginnt am %(date)s.")
                % {
                    "date": timezone.localtime(event.registration_opens_at).strftime(
                        "%d.%m.%Y, %H:%M"
                    )
                },
                code="closed",
            )
        if state == "closed":
            raise DomainError(
                _("Die Anmeldefrist für diese Veranstaltung ist abgelaufen."), code="closed"
            )
        invitation = _check_invitation(event, invitation_code)
        total, per_table, table_capacity = _places_under_lock(event_id=event.pk, now=now)
        if table is not None and table.pk not in table_capacity:
            raise DomainError(_("Bitte wählen Sie einen Thementisch aus der Liste."), field="table")
        # The count includes this row if it holds a place (by the rule of holding_q).
        own = places if holds_likely and registration.expires_at > now else 0
        event_free = total - own + places <= event.capacity
        table_free = (
            table is None or per_table.get(table.pk, 0) - own + places <= table_capacity[table.pk]
        )
        _after_capacity_check()
        if not (event_free and table_free) and not join_waiting_list:
            _raise_full(event, table, places, total - own, per_table, table_capacity, own)
        holds = event_free and table_free
        _last_outcome[(event.pk, table.pk if table else None)] = holds
        changes = {}
        if invitation is not None:
            registration.invitation = invitation
            changes["invitation"] = invitation
        if holds != holds_likely:
            registration.status = S.PENDING if holds else S.WAITING
            registration.waiting_since = None if holds else now
            changes.update(status=registration.status, waiting_since=registration.waiting_since)
        if changes:
            Registration.objects.filter(pk=registration.pk).update(**changes)
        if holds != holds_likely:
            subject, body = _render_mail("opt_in", mail_context)
            OutboxMessage.objects.filter(pk=message.pk).update(subject=subject, body=body)
    return registration


def _reload_locked(registration_id: int) -> Registration:
    return (
        Registration.objects.select_for_update(of=("self",))
        .select_related("event", "table")
        .get(pk=registration_id)
    )


def registration_confirm(*, registration_id: int, now=None) -> tuple[Registration, bool]:
    """Follow the e-mail link. Return (registration, changed); changed is False on reuse."""
    now = now or timezone.now()
    with transaction.atomic():
        event_id = Registration.objects.values_list("event_id", flat=True).get(pk=registration_id)
        _lock_event(event_id)
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
        still_held = registration.holds_place_at(now)
        registration.email_confirmed_at = now
        registration.expires_at = None
        if status == S.PENDING and still_held:
            registration.status = S.CONFIRMED
            registration.confirmed_at = now
        elif status == S.PENDING:
            # The hold ran out before the link was followed: queue up behind those waiting.
            registration.status = S.WAITING
            registration.waiting_since = now
        registration.save()
        if registration.status == S.CONFIRMED:
            _queue("beteiligung.confirmation", registration, "confirmation", ics=True)
        else:
            promoted = _promote(registration.event, now)
            if registration.pk not in promoted:
                _queue("beteiligung.waiting", registration, "waiting")
            registration.refresh_from_db()
    return registration, True


def _promote(event: Event, now) -> set[int]:
    """Move confirmed waiting entries up into free places, first come first served, while the
    caller holds the event lock. Return the ids promoted."""
    total, per_table = held_places(event_id=event.pk, now=now)
    promoted: set[int] = set()
    if total >= event.capacity:
        return promoted
    tables = {t.pk: t.capacity for t in event.tables.all()}
    waiting = (
        Registration.objects.filter(event=event, status=S.WAITING, email_confirmed_at__isnull=False)
        .select_related("event", "table")
        .order_by("waiting_since", "id")
    )
    for registration in waiting:
        if total >= event.capacity:
            break
        # First come, first served among those who fit: a group too big for the free places,
        # or a full table, does not block the people behind it.
        if total + registration.places > event.capacity:
            continue
        table_id = registration.table_id
        if table_id is not None and (
            per_table.get(table_id, 0) + registration.places > tables.get(table_id, 0)
        ):
            continue
        registration.status = S.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        total += registration.places
        if table_id is not None:
            per_table[table_id] = per_table.get(table_id, 0) + registration.places
        promoted.add(registration.pk)
        _queue("beteiligung.promoted", registration, "promoted", ics=True)
    return promoted


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
        registration.save(update_fields=["status", "cancelled_at", "expires_at"])
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
        if registration.holds_place_at(now):
            _total, per_table = held_places(event_id=event.pk, now=now)
            _after_capacity_check()
            if per_table.get(table.pk, 0) + registration.places > table.capacity:
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
    page_cache.content_changed()
    return qs.update(
        name="",
        email="",
        organisation="",
        needs_other="",
        public_id=None,
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
            page_cache.content_changed()
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
        kept["by_kind"] = {str(label): n for label, n in counts["by_kind"]}
        registrations = Registration.objects.filter(event=event, anonymised_at__isnull=True)
        ids = list(registrations.values_list("id", flat=True))
        anonymised = _anonymise(Registration.objects.filter(pk__in=ids), now)
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
