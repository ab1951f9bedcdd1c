"""Meetings, agenda items, papers, consultations, files, locations, attendance, minutes.

Each model maps one to one to an OParl 1.1 object (see the docstrings) so the OParl export can
render them without extra lookups.
"""

import re
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erfurt_srp.core.texts import localized

__all__ = [
    "AgendaItem",
    "Attendance",
    "Consultation",
    "File",
    "Location",
    "Meeting",
    "MeetingResponse",
    "Minutes",
    "MinutesEntry",
    "Paper",
]


class Location(models.Model):
    """A meeting place (OParl Location). `latitude`/`longitude` become geojson Point."""

    description = models.CharField(_("Bezeichnung"), max_length=200)
    street_address = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    room = models.CharField(_("Raum"), max_length=100, blank=True)
    postal_code = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    sub_locality = models.CharField(_("Ortsteil"), max_length=100, blank=True)
    locality = models.CharField(_("Ort"), max_length=100, blank=True, default="Erfurt")
    latitude = models.FloatField(_("Breitengrad"), null=True, blank=True)
    longitude = models.FloatField(_("Längengrad"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Ort")
        verbose_name_plural = _("Orte")
        ordering = ["description"]

    def __str__(self):
        parts = [self.description, self.room, self.street_address]
        return ", ".join(p for p in parts if p)


class MeetingQuerySet(models.QuerySet):
    def public(self):
        """Meetings the public may see: published or later, of a public committee."""
        return self.filter(committee__is_public=True).exclude(state=Meeting.State.DRAFT)


class Meeting(models.Model):
    """A Sitzung of a committee (OParl Meeting)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("eingeladen")
        HELD = "held", _("durchgeführt")
        MINUTES_APPROVED = "minutes_approved", _("Niederschrift genehmigt")
        CANCELLED = "cancelled", _("abgesagt")

    committee = models.ForeignKey(
        "gremium.Committee",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("Gremium"),
    )
    number = models.PositiveIntegerField(_("Sitzungsnummer"))
    name = models.CharField(
        _("Titel"),
        max_length=200,
        blank=True,
        help_text=_("Leer lassen für „<Nr>. Sitzung <Gremium>“."),
    )
    start = models.DateTimeField(_("Beginn"))
    end = models.DateTimeField(_("Ende"))
    location = models.ForeignKey(
        Location,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("Ort"),
    )
    video_url = models.URLField(_("Videokonferenz-Link"), blank=True)
    notice_days = models.PositiveSmallIntegerField(
        _("Ladungsfrist (Tage)"),
        default=7,
        help_text=_("So viele Tage vor Beginn muss die Einladung spätestens verschickt sein."),
    )
    state = models.CharField(
        _("Status"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    # Calendar identity: the UID never changes, SEQUENCE rises with every announced change.
    uid = models.UUIDField(_("Kalender-UID"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("Änderungsstand"), default=0)
    published_at = models.DateTimeField(_("Einladung versandt am"), null=True, blank=True)
    changed_at = models.DateTimeField(_("nach Einladung geändert am"), null=True, blank=True)
    change_note = models.TextField(_("Hinweis zur Änderung"), blank=True)
    cancelled_at = models.DateTimeField(_("abgesagt am"), null=True, blank=True)
    reminder_due_at = models.DateTimeField(
        _("Erinnerung fällig am"), null=True, blank=True, db_index=True
    )
    reminder_sent_at = models.DateTimeField(_("Erinnerung versandt am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["-start", "-id"]
        permissions = [
            ("view_nonpublic_papers", _("nicht öffentliche Unterlagen der Sitzung einsehen")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"], name="meeting_unique_number_per_committee"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="meeting_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["committee", "start"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("gremium:meeting_detail", kwargs={"pk": self.pk})

    @property
    def title(self) -> str:
        if self.name:
            return self.name
        committee = self.committee.short_name or self.committee.name
        return gettext("%(number)s. Sitzung %(committee)s") % {
            "number": self.number,
            "committee": committee,
        }

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED

    @property
    def is_announced(self) -> bool:
        """Invitations have gone out: changes must be announced."""
        return self.published_at is not None

    def invitation_deadline(self):
        """The last moment invitations may go out and still respect the notice period."""
        from datetime import timedelta

        return self.start - timedelta(days=self.notice_days)


class Paper(models.Model):
    """A Drucksache / Vorlage (OParl Paper)."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        RESOLUTION = "resolution", _("Beschlussvorlage")
        RECOMMENDATION = "recommendation", _("Empfehlung")

    reference = models.CharField(
        _("Drucksachennummer"),
        max_length=20,
        unique=True,
        help_text=_("z. B. 1803/22"),
        error_messages={"unique": _("Eine Drucksache mit dieser Nummer gibt es bereits.")},
    )
    name = models.CharField(_("Titel"), max_length=300)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    public = models.BooleanField(_("öffentlich"), default=True)
    date = models.DateField(_("Datum"), default=timezone.localdate)
    committee = models.ForeignKey(
        "gremium.Committee",
        on_delete=models.PROTECT,
        related_name="papers",
        null=True,
        blank=True,
        verbose_name=_("federführendes Gremium"),
        help_text=_(
            "Mitglieder dieses Gremiums sehen die Drucksache auch, wenn sie nicht öffentlich ist."
        ),
    )
    originator = models.CharField(_("Einreicher"), max_length=200, blank=True)
    text = models.TextField(_("Inhalt"), blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Drucksache")
        verbose_name_plural = _("Drucksachen")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.reference} – {self.name}"

    def get_absolute_url(self):
        return reverse("gremium:paper_detail", kwargs={"pk": self.pk})


AGENDA_LABEL = re.compile(r"^TOP (\d+): ")


def agenda_item_label(number, name: str) -> str:
    """ "TOP 3: name" in the active language ("Item 3: name")."""
    return f"{gettext('TOP %(n)s') % {'n': number}}: {name}"


def subject_label_display(label: str) -> str:
    """A stored subject label in the active language: labels of agenda items were stored as
    "TOP 3: name" (the name stays as typed)."""
    match = AGENDA_LABEL.match(label or "")
    if match is None:
        return label
    return agenda_item_label(match.group(1), label[match.end() :])


class AgendaItem(models.Model):
    """A Tagesordnungspunkt (OParl AgendaItem). `order` is 1..n; the TOP number derives from it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("Sitzung")
    )
    order = models.PositiveIntegerField(_("Reihenfolge"))
    name = models.CharField(_("Titel"), max_length=300)
    public = models.BooleanField(_("öffentlich"), default=True)
    text = models.TextField(_("Erläuterung"), blank=True)
    result = models.CharField(
        _("Ergebnis"), max_length=200, blank=True, help_text=_("z. B. „zur Kenntnis genommen“")
    )
    resolution_text = models.TextField(_("Beschlusstext"), blank=True)
    changed_at = models.DateTimeField(_("nach Einladung geändert am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["meeting", "order"]
        permissions = [
            ("view_nonpublic_papers", _("nicht öffentliche Unterlagen des TOP einsehen")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"],
                name="agenda_item_unique_order",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self):
        return agenda_item_label(self.number, self.name)

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#top-{self.pk}"

    @property
    def display_result(self) -> str:
        """The result in the active language where a closed vote wrote it, else as typed."""
        from .votes import Vote

        with translation.override(settings.LANGUAGE_CODE):
            labels = [str(label) for label in Vote.Result.labels]
        return localized(self.result, "%(result)s (Abstimmung: %(question)s)", *labels)

    @property
    def number(self) -> str:
        return str(self.order)


class Consultation(models.Model):
    """One step of a paper's Beratungsfolge (OParl Consultation).

    A step names a body of this platform (`committee`) or an outside one (`body_name`, e.g.
    "Dienstberatung OB"), and may point to the agenda item where it is discussed.
    """

    class Role(models.TextChoices):
        INFORMATION = "information", _("Kenntnisnahme")
        CONSULTATION = "consultation", _("Vorberatung")
        DECISION = "decision", _("Entscheidung")

    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("Drucksache")
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("Tagesordnungspunkt"),
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("Sitzung"),
    )
    committee = models.ForeignKey(
        "gremium.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("Gremium"),
    )
    body_name = models.CharField(_("Beratungsgremium"), max_length=200, blank=True)
    date = models.DateField(_("Datum"), null=True, blank=True)
    public = models.BooleanField(_("öffentlich"), default=True)
    role = models.CharField(
        _("Rolle"), max_length=20, choices=Role.choices, default=Role.INFORMATION
    )
    authoritative = models.BooleanField(_("beschließend"), default=False)
    position = models.PositiveSmallIntegerField(_("Position in der Beratungsfolge"), default=0)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungsfolge")
        ordering = ["paper", "position", "date", "id"]

    def __str__(self):
        return f"{self.paper.reference}: {self.body_display}"

    @property
    def body_display(self) -> str:
        if self.committee_id:
            return self.committee.name
        return self.body_name


def _file_path(instance, filename):
    return f"gremium/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class File(models.Model):
    """An uploaded document (OParl File): a paper's main file or attachment, or an agenda item's.

    Visibility follows the parent: a paper's file is as public as the paper, an agenda item's
    file as its item.
    """

    name = models.CharField(_("Bezeichnung"), max_length=200)
    file = models.FileField(_("Datei"), upload_to=_file_path, max_length=300)
    file_name = models.CharField(_("Dateiname"), max_length=200)
    mime_type = models.CharField(_("Dateityp"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    sha1 = models.CharField(_("SHA-1-Prüfsumme"), max_length=40, blank=True)
    date = models.DateField(_("Datum"), default=timezone.localdate)
    paper = models.ForeignKey(
        Paper,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("Drucksache"),
    )
    is_main = models.BooleanField(_("Hauptdokument"), default=False)
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="files",
        verbose_name=_("Tagesordnungspunkt"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Datei")
        verbose_name_plural = _("Dateien")
        ordering = ["-is_main", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper"], condition=Q(is_main=True), name="file_one_main_per_paper"
            ),
            models.CheckConstraint(
                condition=Q(paper__isnull=False) | Q(agenda_item__isnull=False),
                name="file_has_parent",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("gremium:file_download", kwargs={"pk": self.pk})


class MeetingResponse(models.Model):
    """A member's or deputy's answer to the invitation of a meeting."""

    class Answer(models.TextChoices):
        ATTENDING = "attending", _("Ich nehme teil")
        DEPUTY = "deputy", _("Meine Stellvertretung nimmt teil")
        DECLINED = "declined", _("Ich sage ab")

    # Answers of those who will not come: they get no reminder, and a member who gives one
    # leaves the seat to the institution's deputy.
    NOT_ATTENDING = (Answer.DECLINED, Answer.DEPUTY)

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="responses", verbose_name=_("Sitzung")
    )
    membership = models.ForeignKey(
        "gremium.Membership",
        on_delete=models.CASCADE,
        related_name="meeting_responses",
        verbose_name=_("Mitgliedschaft"),
    )
    answer = models.CharField(_("Antwort"), max_length=20, choices=Answer.choices)
    note = models.CharField(_("Bemerkung"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("geantwortet am"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Rückmeldung zur Einladung")
        verbose_name_plural = _("Rückmeldungen zur Einladung")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"], name="meeting_response_unique"
            )
        ]

    def __str__(self):
        return f"{self.membership.person}: {self.get_answer_display()}"


class Attendance(models.Model):
    """Who was present at a meeting: a member, a deputy (both via membership) or a guest."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Mitglied")
        DEPUTY = "deputy", _("Stellvertretung")
        GUEST = "guest", _("Gast")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("Sitzung")
    )
    membership = models.ForeignKey(
        "gremium.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("Mitgliedschaft"),
    )
    guest_name = models.CharField(_("Name des Gastes"), max_length=200, blank=True)
    guest_organisation = models.CharField(_("Organisation des Gastes"), max_length=200, blank=True)
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices)
    present = models.BooleanField(_("anwesend"), default=True)
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        ordering = ["meeting", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"],
                condition=Q(membership__isnull=False),
                name="attendance_unique_membership",
            ),
            models.CheckConstraint(
                condition=Q(membership__isnull=False) | ~Q(guest_name=""),
                name="attendance_member_or_guest",
            ),
        ]

    def __str__(self):
        if self.membership_id:
            return str(self.membership.person)
        return self.guest_name


class Minutes(models.Model):
    """The Niederschrift of a meeting (OParl Meeting.resultsProtocol, rendered as PDF).

    Draft -> published to members for comment -> approved at a later meeting.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("Entwurf zur Kommentierung veröffentlicht")
        APPROVED = "approved", _("genehmigt")

    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="minutes", verbose_name=_("Sitzung")
    )
    state = models.CharField(_("Status"), max_length=20, choices=State.choices, default=State.DRAFT)
    introduction = models.TextField(_("Allgemeines"), blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    approved_at = models.DateTimeField(_("genehmigt am"), null=True, blank=True)
    approved_in = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_minutes",
        verbose_name=_("genehmigt in Sitzung"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Protokollführung"),
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    # The reason for undoing an approval is free text and may be longer than a title.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("Niederschrift")
        verbose_name_plural = _("Niederschriften")

    def __str__(self):
        return str(_("Niederschrift: %(meeting)s") % {"meeting": self.meeting})

    def get_absolute_url(self):
        return reverse("gremium:minutes_detail", kwargs={"pk": self.meeting_id})


class MinutesEntry(models.Model):
    """The minutes of one agenda item: what was discussed and the result."""

    minutes = models.ForeignKey(
        Minutes, on_delete=models.CASCADE, related_name="entries", verbose_name=_("Niederschrift")
    )
    agenda_item = models.OneToOneField(
        AgendaItem,
        on_delete=models.CASCADE,
        related_name="minutes_entry",
        verbose_name=_("Tagesordnungspunkt"),
    )
    text = models.TextField(_("Verlauf"), blank=True)
    result = models.TextField(_("Ergebnis"), blank=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Niederschrift zum TOP")
        verbose_name_plural = _("Niederschrift zu den TOPs")
        ordering = ["agenda_item__order"]

    def __str__(self):
        return str(self.agenda_item)
