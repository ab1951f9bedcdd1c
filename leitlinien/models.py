"""Themes, guidelines in versions, consultation rounds, dispositions (Abwägung), measures, plan.

A guideline's text is a list of numbered paragraphs (`GuidelineVersion.paragraphs`); comments
live in `erfurt_srp.discussion.Comment` with the round as target and the paragraph number as
anchor ("" for the whole text), so a comment always stays with the version it was made on.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from erfurt_srp.accounts.grants import PersonalGrant
from erfurt_srp.core.errors import DomainError
from erfurt_srp.exports.leases import LeasedJob


class Theme(models.Model):
    """A Themenschwerpunkt named by the committee; each theme has one guideline."""

    committee = models.ForeignKey(
        "gremium.Committee",
        on_delete=models.PROTECT,
        related_name="leitlinien_themes",
        verbose_name=_("Gremium"),
    )
    title = models.CharField(_("Titel"), max_length=200, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=80, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    decided_on = models.DateField(_("vom Gremium festgelegt am"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Themenschwerpunkt")
        verbose_name_plural = _("Themenschwerpunkte")
        ordering = ["position", "title"]
        permissions = [("edit_theme_draft", _("Entwürfe der Leitlinie bearbeiten"))]

    def __str__(self):
        return self.title


class ThemeUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Theme, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("Objektberechtigung Themenschwerpunkt")
        verbose_name_plural = _("Objektberechtigungen Themenschwerpunkt")


class ThemeEditor(PersonalGrant):
    """Federführung: a named person (of a city office) edits the draft versions of one theme's
    guideline, and nothing else. The right is guardian's `edit_theme_draft` on the theme; this
    record holds who granted it, an optional end date and the revocation
    (erfurt_srp.accounts.grants)."""

    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="editors", verbose_name=_("Thema")
    )

    history = HistoricalRecords()

    class Meta(PersonalGrant.Meta):
        verbose_name = _("Federführung")
        verbose_name_plural = _("Federführungen")

    def __str__(self):
        return f"{self.holder_display}: {self.theme}"


class Guideline(models.Model):
    """The sozialpolitische Leitlinie of one theme; its text lives in versions."""

    theme = models.OneToOneField(
        Theme, on_delete=models.PROTECT, related_name="guideline", verbose_name=_("Thema")
    )
    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(_("Kürzel"), max_length=80, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Sozialpolitische Leitlinie")
        verbose_name_plural = _("Sozialpolitische Leitlinien")
        ordering = ["theme__position", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("leitlinien:guideline_detail", kwargs={"slug": self.slug})


class GuidelineVersion(models.Model):
    """One Fassung of a guideline. Text changes only while it is a draft; once adopted it is frozen."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        CONSULTATION = "consultation", _("in Beteiligung")
        ADOPTED = "adopted", _("beschlossen")
        SUPERSEDED = "superseded", _("abgelöst")

    guideline = models.ForeignKey(
        Guideline, on_delete=models.PROTECT, related_name="versions", verbose_name=_("Leitlinie")
    )
    number = models.PositiveIntegerField(_("Fassung Nr."))
    title = models.CharField(_("Titel"), max_length=200)
    paragraphs = models.JSONField(_("Absätze"), default=list)
    change_note = models.CharField(_("Änderungshinweis"), max_length=500, blank=True)
    state = models.CharField(
        _("Status"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beruht auf"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    adopted_on = models.DateField(_("beschlossen am"), null=True, blank=True)
    adoption_reference = models.CharField(
        _("Beschluss"),
        max_length=300,
        blank=True,
        help_text=_("z. B. Abstimmung im Begleitgremium, Sitzung vom …"),
    )
    adoption_vote_id = models.PositiveBigIntegerField(_("Abstimmung"), null=True, blank=True)

    # Fields that must never change once a version has left the draft state.
    TEXT_FIELDS = ("title", "paragraphs", "guideline_id", "number")
    ADOPTION_FIELDS = ("adopted_on", "adoption_reference", "adoption_vote_id")

    class Meta:
        verbose_name = _("Fassung")
        verbose_name_plural = _("Fassungen")
        ordering = ["guideline", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["guideline", "number"], name="guideline_version_number"
            ),
            models.CheckConstraint(
                condition=~Q(state="adopted") | Q(adopted_on__isnull=False),
                name="guideline_version_adopted_has_date",
            ),
            models.UniqueConstraint(
                fields=["guideline"],
                condition=Q(state="adopted"),
                name="guideline_one_adopted_version",
            ),
        ]

    def __str__(self):
        return f"{self.guideline.title} – {_('Fassung')} {self.number}"

    def save(self, *args, **kwargs):
        """Refuse to change the text of a version outside draft, or anything of an adopted one."""
        if self.pk:
            stored = (
                GuidelineVersion.objects.filter(pk=self.pk)
                .values(*self.TEXT_FIELDS, *self.ADOPTION_FIELDS, "state")
                .first()
            )
            if stored:
                self._check_frozen(stored)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("leitlinien:version_detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_frozen(self) -> bool:
        return self.state in (self.State.ADOPTED, self.State.SUPERSEDED)

    def numbered_paragraphs(self) -> list[tuple[int, str]]:
        return list(enumerate(self.paragraphs, start=1))

    def has_paragraph(self, anchor: str) -> bool:
        return anchor.isdigit() and 1 <= int(anchor) <= len(self.paragraphs)

    def _check_frozen(self, stored: dict) -> None:
        text_changed = any(getattr(self, f) != stored[f] for f in self.TEXT_FIELDS)
        if stored["state"] != self.State.DRAFT and text_changed:
            raise DomainError(
                _("Der Text einer Fassung kann nur im Entwurf geändert werden."), code="frozen"
            )
        if stored["state"] in (self.State.ADOPTED, self.State.SUPERSEDED):
            adoption_changed = any(getattr(self, f) != stored[f] for f in self.ADOPTION_FIELDS)
            allowed = {self.State.ADOPTED: {"adopted", "superseded"}, "superseded": {"superseded"}}
            if adoption_changed or self.state not in allowed.get(stored["state"], set()):
                raise DomainError(
                    _("Eine beschlossene Fassung ist eingefroren und kann nicht geändert werden."),
                    code="frozen",
                )

    def delete(self, *args, **kwargs):
        if self.state != self.State.DRAFT:
            raise DomainError(_("Nur Entwürfe können gelöscht werden."), code="frozen")
        return super().delete(*args, **kwargs)


class Audience(models.TextChoices):
    ADMINISTRATION = "administration", _("Verwaltung")
    FACTIONS = "factions", _("Stadtratsfraktionen")
    PROVIDERS = "providers", _("Freie Träger")
    DISTRICTS = "districts", _("Ortsteile / Ortsteilbürgermeister")
    COMMITTEE = "committee", _("Begleitgremium")
    PUBLIC = "public", _("Öffentlichkeit")


class ConsultationRound(models.Model):
    """A Beteiligungsrunde: one version opened to one audience from start to end."""

    class Phase(models.TextChoices):
        PLANNED = "planned", _("geplant")
        OPEN = "open", _("offen")
        ENDED = "ended", _("beendet, Abwägung läuft")
        EVALUATED = "evaluated", _("abgewogen und abgeschlossen")

    version = models.ForeignKey(
        GuidelineVersion, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("Fassung")
    )
    audience = models.CharField(_("Zielgruppe"), max_length=20, choices=Audience.choices)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Hinweise für Teilnehmende"), blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    evaluated_at = models.DateTimeField(_("Abwägung abgeschlossen am"), null=True, blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Beteiligungsrunde")
        verbose_name_plural = _("Beteiligungsrunden")
        ordering = ["-starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="round_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("leitlinien:round_detail", kwargs={"pk": self.pk})

    def phase(self, now=None) -> str:
        now = now or timezone.now()
        if self.evaluated_at:
            return self.Phase.EVALUATED
        if now < self.starts_at:
            return self.Phase.PLANNED
        if now < self.ends_at:
            return self.Phase.OPEN
        return self.Phase.ENDED

    @property
    def phase_label(self) -> str:
        return self.Phase(self.phase()).label

    def is_open(self, now=None) -> bool:
        return self.phase(now) == self.Phase.OPEN

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RoundInvitation(models.Model):
    """A personal link for someone without an account to comment in one round (token hashed)."""

    round = models.ForeignKey(
        ConsultationRound,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("Beteiligungsrunde"),
    )
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail-Adresse"))
    group = models.CharField(
        _("Institution / Fraktion / Ortsteil"), max_length=200, blank=True, default=""
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("gültig bis"))
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("zuletzt genutzt"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Persönlicher Beteiligungslink")
        verbose_name_plural = _("Persönliche Beteiligungslinks")
        ordering = ["round", "name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "email"], name="round_invitation_unique_email")
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class Disposition(models.Model):
    """The Abwägung of one comment: decision, reason and the version that takes it up."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("berücksichtigt")
        PARTLY = "partly", _("teilweise berücksichtigt")
        REJECTED = "rejected", _("nicht berücksichtigt")
        NOTED = "noted", _("zur Kenntnis genommen")

    comment = models.OneToOneField(
        "discussion.Comment",
        on_delete=models.CASCADE,
        related_name="leitlinien_disposition",
        verbose_name=_("Kommentar"),
    )
    round = models.ForeignKey(
        ConsultationRound,
        on_delete=models.CASCADE,
        related_name="dispositions",
        verbose_name=_("Beteiligungsrunde"),
    )
    decision = models.CharField(_("Abwägungsergebnis"), max_length=20, choices=Decision.choices)
    reason = models.TextField(_("Begründung"))
    taken_up_in = models.ForeignKey(
        GuidelineVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aufgenommen in Fassung"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("beantwortet am"), default=timezone.now)

    class Meta:
        verbose_name = _("Abwägung")
        verbose_name_plural = _("Abwägungen")
        ordering = ["round", "comment_id"]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.reason[:60]}"


class Measure(models.Model):
    """A Maßnahme derived from an adopted guideline."""

    class PlanningLevel(models.TextChoices):
        ADMINISTRATION = "administration", _("Verwaltung")
        AREA = "area", _("Sozialraum/Quartier")
        INTERFACE = "interface", _("Schnittstelle")

    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        IN_PROGRESS = "in_progress", _("in Umsetzung")
        DONE = "done", _("umgesetzt")
        PAUSED = "paused", _("zurückgestellt")

    guideline = models.ForeignKey(
        Guideline, on_delete=models.PROTECT, related_name="measures", verbose_name=_("Leitlinie")
    )
    source_version = models.ForeignKey(
        GuidelineVersion,
        on_delete=models.PROTECT,
        related_name="measures",
        verbose_name=_("abgeleitet aus Fassung"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"))
    planning_level = models.CharField(
        _("Planungsebene"), max_length=20, choices=PlanningLevel.choices, db_index=True
    )
    responsible_office = models.CharField(_("Federführung (Amt)"), max_length=200)
    partners = models.TextField(_("Partner"), blank=True)
    social_areas = models.CharField(
        _("Sozialräume"),
        max_length=500,
        blank=True,
        help_text=_("Kommagetrennt, z. B. „Herrenberg, Wiesenhügel“ oder „gesamtstädtisch“."),
    )
    time_frame = models.CharField(_("Zeitrahmen"), max_length=100, help_text=_("z. B. 2023–2025"))
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    is_demo = models.BooleanField(_("Demo-Inhalt"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Maßnahme")
        verbose_name_plural = _("Maßnahmen")
        ordering = ["guideline__theme__position", "planning_level", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("leitlinien:measure_detail", kwargs={"pk": self.pk})

    @property
    def social_area_list(self) -> list[str]:
        return [s.strip() for s in self.social_areas.split(",") if s.strip()]


def _plan_path(instance, filename):
    return f"leitlinien/plan/{instance.pk}/{filename}"


class PlanExport(LeasedJob):
    """One background build of the integrated Sozialraumplan (PDF + DOCX) with its progress;
    when `round` is set, of one round's Abwägungstabelle (too large to build in a request);
    when `report` is set, of a progress report.

    Leased (erfurt_srp.exports.leases): the task's hard time limit (tasks.plan_export_build) is
    shorter than LEASE, so a row still waiting or running after its lease lost its worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("wird erstellt")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    step = models.CharField(_("Schritt"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=_plan_path, blank=True)
    docx = models.FileField(_("DOCX"), upload_to=_plan_path, blank=True)
    error = models.TextField(blank=True)
    round = models.ForeignKey(
        ConsultationRound,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exports",
        verbose_name=_("Abwägungstabelle der Runde"),
    )
    report = models.ForeignKey(
        "ProgressReport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="exports",
        verbose_name=_("Sachstandsbericht"),
    )
    guideline_count = models.PositiveIntegerField(default=0)
    measure_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Sozialraumplan-Export")
        verbose_name_plural = _("Sozialraumplan-Exporte")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{_('Sozialraumplan')} {self.created_at:%d.%m.%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("leitlinien:plan_detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class PendingPublicComment(models.Model):
    """A public comment written without an account, published once its e-mail is confirmed.

    The confirmation link's token is stored hashed; an unconfirmed entry is never shown.
    """

    round = models.ForeignKey(
        ConsultationRound,
        on_delete=models.CASCADE,
        related_name="pending_comments",
        verbose_name=_("Beteiligungsrunde"),
    )
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail-Adresse"))
    anchor = models.CharField(_("Bezug"), max_length=64, blank=True, default="")
    parent_id_value = models.PositiveBigIntegerField(null=True, blank=True)
    body = models.TextField(_("Kommentar"))
    privacy_version = models.CharField(
        _("Fassung der Datenschutzhinweise"), max_length=40, blank=True, default=""
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("bestätigen bis"))
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    comment = models.OneToOneField(
        "discussion.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Unbestätigter öffentlicher Kommentar")
        verbose_name_plural = _("Unbestätigte öffentliche Kommentare")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} <{self.email}>"


class PlanText(models.Model):
    """A text part of the plan that staff write: the needs per planning level and the
    Quartiersarbeit strategy (findings of the commissioned study and the city-wide strategy)."""

    class Key(models.TextChoices):
        NEEDS_CITY = "needs_city", _("Bedarfe auf gesamtstädtischer Ebene (Verwaltung)")
        NEEDS_AREA = "needs_area", _("Bedarfe auf Ebene der Sozialräume")
        NEEDS_QUARTER = "needs_quarter", _("Bedarfe auf Ebene der Quartiere")
        STUDY_FINDINGS = "study_findings", _("Ergebnisse der Studie zur Quartiersarbeit")
        QUARTER_STRATEGY = (
            "quarter_strategy",
            _("Gesamtstädtische Strategie für Quartiersarbeit und Quartiersmanagement"),
        )

    key = models.CharField(_("Teil"), max_length=30, choices=Key.choices, unique=True)
    body = models.TextField(_("Text"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Textteil des Plans")
        verbose_name_plural = _("Textteile des Plans")
        ordering = ["key"]

    def __str__(self):
        return self.get_key_display()


def paragraphs_of(text: str) -> list[str]:
    """Paragraphs of a text typed into a text area: separated by blank lines."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


class ReportCycle(models.Model):
    """How often the Ausschuss receives a progress report, and when the next one is due.

    One row (pk 1). `reminded_for` holds the due date whose reminder went out, so the beat job
    sends each reminder once."""

    class Interval(models.IntegerChoices):
        QUARTERLY = 3, _("vierteljährlich")
        HALF_YEARLY = 6, _("halbjährlich")
        YEARLY = 12, _("jährlich")
        TWO_YEARLY = 24, _("alle zwei Jahre")

    interval_months = models.PositiveSmallIntegerField(
        _("Berichtszyklus"), choices=Interval.choices, default=Interval.YEARLY
    )
    next_due_on = models.DateField(_("nächster Bericht fällig am"))
    remind_days_before = models.PositiveSmallIntegerField(_("Erinnerung (Tage vorher)"), default=28)
    committee = models.ForeignKey(
        "gremium.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("berichtet an (Ausschuss)"),
    )
    reminded_for = models.DateField(_("Erinnerung versandt für"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Berichtszyklus")
        verbose_name_plural = _("Berichtszyklen")

    def __str__(self):
        return f"{self.get_interval_months_display()} ({self.next_due_on:%d.%m.%Y})"

    def remind_on(self):
        from datetime import timedelta

        return self.next_due_on - timedelta(days=self.remind_days_before)

    def reminder_due(self, today) -> bool:
        return today >= self.remind_on() and self.reminded_for != self.next_due_on


class ProgressReport(models.Model):
    """A Sachstandsbericht to the Ausschuss: text parts staff edit and tables drafted from the
    data of its period (stored in `data` when drafted or refreshed, so the paper stays as read)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("dem Ausschuss vorgelegt")

    TEXT_FIELDS = ("summary", "measures_text", "indicators_text", "rounds_text", "decisions_text")

    title = models.CharField(_("Titel"), max_length=300)
    period_start = models.DateField(_("Berichtszeitraum von"), null=True, blank=True)
    period_end = models.DateField(_("Berichtszeitraum bis"))
    state = models.CharField(_("Status"), max_length=20, choices=State.choices, default=State.DRAFT)
    summary = models.TextField(_("Sachverhalt"), blank=True)
    measures_text = models.TextField(_("Maßnahmen und ihr Stand"), blank=True)
    indicators_text = models.TextField(_("Entwicklung der Indikatoren"), blank=True)
    rounds_text = models.TextField(_("Beteiligungsrunden und Abwägung"), blank=True)
    decisions_text = models.TextField(_("Getroffene Entscheidungen"), blank=True)
    data = models.JSONField(_("Tabellen"), default=dict, blank=True)
    data_refreshed_at = models.DateTimeField(_("Daten zusammengestellt am"), null=True)
    paper = models.OneToOneField(
        "gremium.Paper",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_report",
        verbose_name=_("Drucksache"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Sachstandsbericht")
        verbose_name_plural = _("Sachstandsberichte")
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_start__lte=models.F("period_end")),
                name="progress_report_period_order",
            ),
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="draft"), name="progress_report_one_draft"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("leitlinien:report_detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT
