"""Votes, ballots, statement rounds and statements.

The subject of a vote or a statement round is any object (generic foreign key): an agenda item,
a guideline version, a set of site proposals. Writes go through gremium.services.votes and
gremium.services.statements.

Ballot storage:
- open votes: one `Ballot` row per voter (institution or person), unique (vote, voter_key); it
  links voter and choice and keeps its history (django-simple-history).
- secret votes: a `Participation` row says who has voted (unique (vote, voter_key); no time, no
  history), and no row stands for a ballot: one `SecretTally` row per option holds the running
  sums (votes, Borda points). Every ballot adds to all tally rows of its vote in one statement, so
  that every row changes with every ballot whatever was chosen (see gremium.services.votes). The
  tally rows go when the vote closes; the result is on the vote.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erfurt_srp.core.texts import localized

from .committees import Committee, Institution, Person
from .meetings import subject_label_display

# Titles the platform gives statement rounds it opens (standorte: a deliberation's round).
GENERATED_ROUND_TITLES = ("Fachliche Stellungnahme: %(title)s", "Standorte für %(project)s")


class SubjectLabel:
    """The stored label of a vote's or statement round's subject, shown in the active language."""

    @property
    def subject_display(self) -> str:
        return subject_label_display(self.subject_label)


__all__ = [
    "Ballot",
    "Participation",
    "SecretTally",
    "Statement",
    "StatementRound",
    "Vote",
    "VoteOption",
]


class StatementRound(SubjectLabel, models.Model):
    """Staff ask every institution of a committee for its Fachliche Stellungnahme on a subject."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        CLOSED = "closed", _("abgeschlossen")

    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="statement_rounds",
        verbose_name=_("Gremium"),
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("Gegenstandstyp")
    )
    subject_id = models.CharField(_("Gegenstand-ID"), max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("Gegenstand"), max_length=255)
    title = models.CharField(_("Titel"), max_length=255)
    description = models.TextField(_("Erläuterung"), blank=True)
    deadline = models.DateTimeField(_("Frist"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("eröffnet am"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eröffnet von"),
    )
    remind_at = models.DateTimeField(_("Erinnerung fällig am"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet am"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Stellungnahmerunde")
        verbose_name_plural = _("Stellungnahmerunden")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "subject_type", "subject_id"],
                name="statement_round_one_per_committee_subject",
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status", "remind_at"]),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("gremium:statement_round_detail", kwargs={"pk": self.pk})

    @property
    def display_title(self) -> str:
        """The title in the active language when the platform made it, else as typed."""
        return localized(self.title, *GENERATED_ROUND_TITLES)


def statement_upload_to(instance, filename):
    return f"statements/{instance.round_id}/{filename}"


class Statement(models.Model):
    """The professional statement of one institution on the subject of a round (one per round)."""

    round = models.ForeignKey(
        StatementRound,
        on_delete=models.CASCADE,
        related_name="statements",
        verbose_name=_("Runde"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="statements",
        verbose_name=_("Institution"),
    )
    text = models.TextField(_("Stellungnahme"))
    file = models.FileField(_("Datei"), upload_to=statement_upload_to, blank=True, max_length=255)
    author = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="statements",
        verbose_name=_("verfasst von"),
    )
    created_at = models.DateTimeField(_("abgegeben am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fachliche Stellungnahme")
        verbose_name_plural = _("Fachliche Stellungnahmen")
        ordering = ["institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "institution"], name="statement_one_per_round_institution"
            )
        ]

    def __str__(self):
        return f"{self.institution} – {self.round}"


class Vote(SubjectLabel, models.Model):
    """An Abstimmung of a committee on a subject."""

    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Ja / Nein / Enthaltung")
        SINGLE = "single", _("Auswahl einer Option")
        RANKED = "ranked", _("Rangfolge der Optionen")

    class BallotUnit(models.TextChoices):
        INSTITUTION = "institution", _("eine Stimme je Institution")
        PERSON = "person", _("eine Stimme je Person")

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        CLOSED = "closed", _("abgeschlossen")

    class Method(models.TextChoices):
        ONLINE = "online", _("online")
        SHOW_OF_HANDS = "show_of_hands", _("Handzeichen in der Sitzung")

    class Result(models.TextChoices):
        CARRIED = "carried", _("angenommen")
        REJECTED = "rejected", _("abgelehnt")
        NO_QUORUM = "no_quorum", _("nicht beschlussfähig")
        DECIDED = "decided", _("entschieden")
        TIED = "tied", _("Stimmengleichheit")
        RANKED = "ranked", _("Rangfolge ermittelt")
        TOO_FEW = "too_few", _("kein Ergebnis: zu wenige geheime Stimmen")

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="votes", verbose_name=_("Gremium")
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("Gegenstandstyp")
    )
    subject_id = models.CharField(_("Gegenstand-ID"), max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(_("Gegenstand"), max_length=255)
    question = models.CharField(_("Frage"), max_length=500)
    description = models.TextField(_("Erläuterung"), blank=True)
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices, default=Kind.YES_NO)
    ballot_unit = models.CharField(
        _("Stimmberechtigt"),
        max_length=12,
        choices=BallotUnit.choices,
        default=BallotUnit.INSTITUTION,
    )
    secret = models.BooleanField(_("geheime Abstimmung"), default=False)
    deadline = models.DateTimeField(_("Frist für die Online-Abstimmung"), null=True, blank=True)
    quorum = models.PositiveSmallIntegerField(
        _("Beschlussfähigkeit ab"),
        help_text=_("Mindestzahl der abgegebenen Stimmen (Institutionen bzw. Personen)."),
    )
    eligible_count = models.PositiveSmallIntegerField(_("Stimmberechtigte"), default=0)
    requires_round = models.ForeignKey(
        StatementRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="votes",
        verbose_name=_("setzt vollständige Stellungnahmerunde voraus"),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("eröffnet am"), auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("eröffnet von"),
    )
    closed_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("abgeschlossen von"),
    )
    method = models.CharField(
        _("Ergebnis ermittelt"), max_length=16, choices=Method.choices, default=Method.ONLINE
    )
    result = models.CharField(_("Ergebnis"), max_length=12, choices=Result.choices, blank=True)
    result_counts = models.JSONField(
        _("Stimmen je Option"), default=dict, blank=True, help_text=_("Option-ID -> Stimmen")
    )
    result_points = models.JSONField(
        _("Punkte je Option (Borda)"), default=dict, blank=True, help_text=_("Option-ID -> Punkte")
    )
    participants = models.PositiveSmallIntegerField(_("abgegebene Stimmen"), null=True, blank=True)
    result_text = models.TextField(_("Ergebnis (Text)"), blank=True)
    remind_at = models.DateTimeField(_("Erinnerung fällig am"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("Erinnerung gesendet am"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Abstimmung")
        verbose_name_plural = _("Abstimmungen")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quorum__gte=1), name="vote_quorum_positive"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(closed_at__isnull=False),
                name="vote_closed_has_closed_at",
            ),
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["status", "remind_at"]),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("gremium:vote_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def summary(self, options=None) -> str:
        """The result in one paragraph, in the active language, from the stored tallies."""
        if not self.result:
            return self.result_text
        if self.result == self.Result.TOO_FEW:
            return gettext(
                "Kein Ergebnis: Bis zum Ende der Frist haben %(participants)s von %(eligible)s "
                "abgestimmt. Eine geheime Abstimmung zeigt ihr Ergebnis erst ab %(min)s Stimmen, "
                "damit es nicht verrät, wie Einzelne abgestimmt haben."
            ) % {
                "participants": self.participants or 0,
                "eligible": self.eligible_count,
                "min": settings.SECRET_VOTE_MIN_BALLOTS,
            }
        options = list(self.options.all()) if options is None else list(options)
        tally = self.result_points if self.kind == self.Kind.RANKED else self.result_counts
        if self.kind == self.Kind.RANKED:
            ordered = sorted(options, key=lambda o: -int(tally.get(str(o.pk), 0)))
            parts = [
                gettext("%(label)s: %(points)s Punkte")
                % {"label": o.display_label, "points": tally.get(str(o.pk), 0)}
                for o in ordered
            ]
        else:
            parts = [f"{o.display_label}: {tally.get(str(o.pk), 0)}" for o in options]
        unit = (
            gettext("Institutionen")
            if self.ballot_unit == self.BallotUnit.INSTITUTION
            else gettext("Personen")
        )
        text = gettext(
            "%(result)s (%(counts)s). %(participants)s von %(eligible)s %(unit)s haben "
            "abgestimmt, beschlussfähig ab %(quorum)s."
        ) % {
            "result": self.Result(self.result).label,
            "counts": "; ".join(parts),
            "participants": self.participants or 0,
            "eligible": self.eligible_count,
            "unit": unit,
            "quorum": self.quorum,
        }
        if self.kind == self.Kind.SINGLE and self.result == self.Result.DECIDED and options:
            winner = max(options, key=lambda o: tally.get(str(o.pk), 0))
            text = gettext("Gewählt: %(label)s. ") % {"label": winner.display_label} + text
        if self.method == self.Method.SHOW_OF_HANDS:
            text += " " + gettext("Ergebnis per Handzeichen in der Sitzung.")
        return str(text)

    @property
    def result_summary(self) -> str:
        return self.summary()

    @staticmethod
    def voter_key(*, institution=None, person=None) -> str:
        """The key the one-ballot-per-voter constraint is built on."""
        if institution is not None:
            return f"institution:{institution.pk}"
        return f"person:{person.pk}"


# The options of a yes/no vote are the platform's own words: shown in the reader's language.
STANDARD_OPTION_LABELS = {"yes": _("Ja"), "no": _("Nein"), "abstain": _("Enthaltung")}


class VoteOption(models.Model):
    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="options", verbose_name=_("Abstimmung")
    )
    position = models.PositiveSmallIntegerField(_("Position"))
    label = models.CharField(_("Bezeichnung"), max_length=255)
    key = models.CharField(
        _("Schlüssel"), max_length=10, blank=True, help_text=_("yes / no / abstain bei Ja-Nein")
    )

    class Meta:
        verbose_name = _("Option")
        verbose_name_plural = _("Optionen")
        ordering = ["vote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="vote_option_unique_position")
        ]

    def __str__(self):
        return self.display_label

    @property
    def display_label(self) -> str:
        """The label in the active language for the standard options, as typed otherwise."""
        standard = STANDARD_OPTION_LABELS.get(self.key)
        return str(standard) if standard is not None else self.label


class Ballot(models.Model):
    """The ballot of one voter in an open (not secret) vote. Changes are kept in its history."""

    class CastRole(models.TextChoices):
        MEMBER = "member", _("Mitglied")
        DEPUTY = "deputy", _("Stellvertretung")
        PERSON = "person", _("persönlich")

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="ballots", verbose_name=_("Abstimmung")
    )
    voter_key = models.CharField(_("Stimmberechtigte Einheit"), max_length=40)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Institution"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("abgegeben von")
    )
    cast_role = models.CharField(_("als"), max_length=10, choices=CastRole.choices)
    choice = models.ForeignKey(
        VoteOption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Stimme"),
    )
    ranking = models.JSONField(_("Rangfolge (Option-IDs)"), default=list, blank=True)
    cast_at = models.DateTimeField(_("abgegeben am"), auto_now_add=True)
    changed_at = models.DateTimeField(_("geändert am"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Stimme")
        verbose_name_plural = _("Stimmen")
        ordering = ["vote", "cast_at"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "voter_key"], name="ballot_one_per_voter")
        ]

    def __str__(self):
        return f"{self.vote_id}: {self.voter_key}"


class Participation(models.Model):
    """Who has voted in a secret vote (never what, nor when)."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="participations", verbose_name=_("Abstimmung")
    )
    voter_key = models.CharField(_("Stimmberechtigte Einheit"), max_length=40)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Institution"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("abgegeben von")
    )
    cast_role = models.CharField(_("als"), max_length=10, choices=Ballot.CastRole.choices)

    class Meta:
        verbose_name = _("Teilnahme an geheimer Abstimmung")
        verbose_name_plural = _("Teilnahmen an geheimen Abstimmungen")
        ordering = ["vote", "voter_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "voter_key"], name="participation_one_per_voter"
            )
        ]

    def __str__(self):
        return f"{self.vote_id}: {self.voter_key}"


class SecretTally(models.Model):
    """The running sums of one option of an open secret vote: no voter, no time, no history."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="secret_tallies", verbose_name=_("Abstimmung")
    )
    option = models.OneToOneField(
        VoteOption, on_delete=models.CASCADE, related_name="+", verbose_name=_("Option")
    )
    count = models.PositiveIntegerField(_("Stimmen"), default=0)
    points = models.PositiveIntegerField(_("Punkte (Borda)"), default=0)

    class Meta:
        verbose_name = _("Zwischensumme einer geheimen Abstimmung")
        verbose_name_plural = _("Zwischensummen geheimer Abstimmungen")
        ordering = ["vote", "option"]

    def __str__(self):
        return f"{self.vote_id}: {self.option_id}"
