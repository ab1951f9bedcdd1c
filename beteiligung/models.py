"""Public participation events: events, programme, themed tables, registrations, messages.

Availability is never stored: it is computed from the registrations that hold a place, by the
one rule in holding_q() and held_places_expr(), used through RegistrationQuerySet.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Sum, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

_TOKEN_SALT = "beteiligung.registration.link"


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


def link_signature(public_id: str) -> str:
    return salted_hmac(_TOKEN_SALT, public_id, algorithm="sha256").hexdigest()[:32]


def split_token(token: str) -> str | None:
    """Return the public id a personal link token names, or None if its signature is wrong."""
    public_id, _sep, signature = token.rpartition(".")
    if not public_id or not constant_time_compare(signature, link_signature(public_id)):
        return None
    return public_id


class Event(models.Model):
    class Access(models.TextChoices):
        PUBLIC = "public", _("öffentlich: alle können sich anmelden")
        INVITED = "invited", _("nur mit Einladung (Einladungscode oder -link)")

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kurzname in der Adresse"), max_length=80, unique=True)
    summary = models.CharField(_("Kurzbeschreibung"), max_length=300, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    venue = models.CharField(_("Ort"), max_length=200)
    address = models.CharField(_("Adresse"), max_length=300, blank=True)
    accessibility_notes = models.TextField(
        _("Hinweise zur Barrierefreiheit"),
        blank=True,
        help_text=_("z. B. stufenloser Zugang, Aufzug, barrierefreies WC, Induktionsschleife"),
    )
    capacity = models.PositiveIntegerField(_("Plätze insgesamt"))
    registration_opens_at = models.DateTimeField(_("Anmeldung ab"))
    registration_closes_at = models.DateTimeField(_("Anmeldung bis"))
    access = models.CharField(
        _("Wer darf sich anmelden?"), max_length=16, choices=Access.choices, default=Access.PUBLIC
    )
    published = models.BooleanField(_("veröffentlicht"), default=False)
    reminder_days_before = models.PositiveSmallIntegerField(
        _("Erinnerung (Tage vorher)"),
        default=2,
        help_text=_("0 = keine Erinnerung"),
    )
    reminder_due_at = models.DateTimeField(_("Erinnerung fällig am"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet am"), null=True, blank=True)
    documentation_url = models.URLField(_("Link zur Dokumentation"), blank=True)
    # Link to the open public consultation round of the guidelines. A URL for now: the
    # leitlinien app is being built; later this may become a foreign key to ConsultationRound.
    consultation_url = models.URLField(_("Link zur öffentlichen Beteiligungsrunde"), blank=True)
    followup_sent_at = models.DateTimeField(_("Nachbereitung gesendet am"), null=True, blank=True)
    shredded_at = models.DateTimeField(_("Personendaten gelöscht am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gt=models.F("registration_opens_at")),
                name="event_registration_window_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The reminder's due time is stored, so a beat job can pick it up (no countdowns).
        if self.reminder_days_before:
            self.reminder_due_at = self.starts_at - timedelta(days=self.reminder_days_before)
        else:
            self.reminder_due_at = None
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "reminder_due_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("beteiligung:event_detail", kwargs={"slug": self.slug})

    def registration_state(self, now=None) -> str:
        """Return "not_yet", "open" or "closed" for the registration window."""
        now = now or timezone.now()
        if now < self.registration_opens_at:
            return "not_yet"
        if now >= self.registration_closes_at or now >= self.starts_at:
            return "closed"
        return "open"

    @property
    def is_over(self) -> bool:
        return timezone.now() >= self.ends_at


class ProgrammeItem(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="programme_items", verbose_name=_("Termin")
    )
    starts_at = models.TimeField(_("von"))
    ends_at = models.TimeField(_("bis"), null=True, blank=True)
    title = models.CharField(_("Programmpunkt"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    class Meta:
        verbose_name = _("Programmpunkt")
        verbose_name_plural = _("Programm")
        ordering = ["starts_at", "id"]

    def __str__(self):
        return f"{self.starts_at:%H:%M} {self.title}"


class EventTable(models.Model):
    """A themed table or workshop with its own capacity."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="tables", verbose_name=_("Veranstaltung")
    )
    title = models.CharField(_("Thementisch / Workshop"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    capacity = models.PositiveIntegerField(_("Plätze"))
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Thementisch")
        verbose_name_plural = _("Thementische")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class InvitationCode(models.Model):
    """Access code for an invited-only event; the invitation link carries it as ?code=."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="invitation_codes", verbose_name=_("Termin")
    )
    code = models.CharField(_("Code"), max_length=64, unique=True)
    label = models.CharField(_("Für wen"), max_length=200)
    max_uses = models.PositiveIntegerField(_("Höchstens so viele Anmeldungen"), default=1)
    active = models.BooleanField(_("gültig"), default=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Einladungscode")
        verbose_name_plural = _("Einladungscodes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.label} ({self.event})"


def holding_q(now, prefix: str = "") -> Q:
    """Registrations that hold places: confirmed, or pending while their short hold lasts.

    prefix: the relation path when filtering another model (e.g. "registrations__").
    """
    return Q(**{f"{prefix}status": "confirmed"}) | Q(
        **{f"{prefix}status": "pending", f"{prefix}held_until__gt": now}
    )


def held_places_expr(prefix: str = ""):
    """Places a holding registration takes: a confirmed one its whole group, an unconfirmed one
    a single place (the rest of a group is taken when the address is confirmed), so that
    unconfirmed sign-ups cannot block many places."""
    return Case(
        When(**{f"{prefix}status": "confirmed"}, then=F(f"{prefix}places")),
        default=Value(1),
    )


class RegistrationQuerySet(models.QuerySet):
    def holding(self, now):
        return self.filter(holding_q(now))

    def held_places(self, now) -> tuple[int, dict[int, int]]:
        """(places held, {table id: places held at that table}) of these registrations."""
        rows = (
            self.holding(now).values_list("table_id").annotate(n=Sum(held_places_expr())).order_by()
        )
        per_table = dict(rows)
        return sum(per_table.values()), {k: v for k, v in per_table.items() if k is not None}


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("unbestätigt")
        CONFIRMED = "confirmed", _("bestätigt")
        WAITING = "waiting", _("Warteliste")
        CANCELLED = "cancelled", _("abgemeldet")
        EXPIRED = "expired", _("verfallen (nicht bestätigt)")

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Bürgerin / Bürger")
        PROVIDER = "provider", _("freier Träger")
        INSTITUTION = "institution", _("Institution")
        ADMINISTRATION = "administration", _("Verwaltung")
        COUNCIL = "council", _("Stadtrat / Ortsteilrat")
        PRESS = "press", _("Presse")

    # Statuses in which a registration keeps its e-mail address reserved for the event.
    ACTIVE_STATUSES = (Status.PENDING, Status.CONFIRMED, Status.WAITING)

    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("Termin")
    )
    table = models.ForeignKey(
        EventTable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("Thementisch"),
    )
    invitation = models.ForeignKey(
        InvitationCode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("Einladungscode"),
    )
    status = models.CharField(
        _("Status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail"), max_length=254)
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    # A registration may bring a small group (e.g. two colleagues of a freier Träger): it holds,
    # waits for and frees this many places as one.
    places = models.PositiveSmallIntegerField(
        _("Personen"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    kind = models.CharField(_("Ich komme als"), max_length=20, choices=Kind.choices)
    needs_step_free = models.BooleanField(_("stufenloser Zugang"), default=False)
    needs_sign_language = models.BooleanField(_("Gebärdensprachdolmetschung"), default=False)
    needs_induction_loop = models.BooleanField(_("Induktionsschleife"), default=False)
    needs_other = models.CharField(_("Sonstiger Bedarf"), max_length=300, blank=True)
    privacy_version = models.CharField(_("Fassung der Datenschutzhinweise"), max_length=40)
    consent_at = models.DateTimeField(_("Einwilligung am"))
    # The language of the page the person registered on: every e-mail about the registration
    # is written in it.
    language = models.CharField(
        _("Sprache"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Personal links carry public_id plus an HMAC of it (see make_token): the database alone
    # cannot forge a link, and clearing public_id revokes every link of the registration.
    public_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(_("Bestätigung bis"), null=True, blank=True)
    # The end of an unconfirmed registration's hold on a place (None: it holds none).
    held_until = models.DateTimeField(_("Platz reserviert bis"), null=True, blank=True)
    # A keyed hash of the client address, kept only while unconfirmed: it limits how many places
    # unconfirmed registrations from one address hold (services.registration_create).
    client_key = models.CharField(max_length=32, blank=True, default="")
    email_confirmed_at = models.DateTimeField(_("E-Mail bestätigt am"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("Platz bestätigt am"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("auf der Warteliste seit"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("anwesend seit"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angemeldet am"), default=timezone.now)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["created_at", "id"]
        constraints = [
            # One e-mail address holds at most one active registration per event.
            models.CheckConstraint(condition=Q(places__gte=1), name="registration_places_positive"),
            models.UniqueConstraint(
                "event",
                models.functions.Lower("email"),
                condition=Q(status__in=["pending", "confirmed", "waiting"]) & ~Q(email=""),
                name="registration_one_active_per_email",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self):
        return f"{self.name or _('(anonymisiert)')} – {self.event}"

    def make_token(self) -> str:
        if not self.public_id:
            raise ValueError("This registration has no personal link any more.")
        return f"{self.public_id}.{link_signature(self.public_id)}"

    def get_manage_url(self) -> str:
        return settings.SITE_URL + reverse(
            "beteiligung:registration_manage", args=[self.make_token()]
        )

    def get_confirm_url(self) -> str:
        return settings.SITE_URL + reverse(
            "beteiligung:registration_confirm", args=[self.make_token()]
        )

    @property
    def needs_labels(self) -> list[str]:
        labels = []
        if self.needs_step_free:
            labels.append(str(_("stufenloser Zugang")))
        if self.needs_sign_language:
            labels.append(str(_("Gebärdensprachdolmetschung")))
        if self.needs_induction_loop:
            labels.append(str(_("Induktionsschleife")))
        if self.needs_other:
            labels.append(self.needs_other)
        return labels


class EventMessage(models.Model):
    """A message staff composed to the registrants of an event (e.g. a room change)."""

    class Audience(models.TextChoices):
        CONFIRMED = "confirmed", _("bestätigte Anmeldungen")
        ALL = "all", _("bestätigte Anmeldungen und Warteliste")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="messages", verbose_name=_("Termin")
    )
    audience = models.CharField(
        _("Empfänger"), max_length=16, choices=Audience.choices, default=Audience.CONFIRMED
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(_("Nachricht"))
    recipients = models.PositiveIntegerField(_("Empfänger"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("gesendet von"),
    )
    created_at = models.DateTimeField(_("gesendet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Nachricht an Angemeldete")
        verbose_name_plural = _("Nachrichten an Angemeldete")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject


class ShredLog(models.Model):
    """What a run of the shredder did (counts only, no personal data)."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="shred_logs", verbose_name=_("Termin")
    )
    ran_at = models.DateTimeField(_("ausgeführt am"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("ausgeführt von"),
    )
    anonymised = models.PositiveIntegerField(_("anonymisierte Anmeldungen"), default=0)
    messages_deleted = models.PositiveIntegerField(_("gelöschte E-Mails"), default=0)
    counts = models.JSONField(_("erhaltene Zahlen"), default=dict)

    class Meta:
        verbose_name = _("Löschprotokoll")
        verbose_name_plural = _("Löschprotokolle")
        ordering = ["-ran_at", "-id"]

    def __str__(self):
        return f"{self.event} – {self.ran_at:%d.%m.%Y %H:%M}"
