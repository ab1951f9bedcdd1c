"""Social areas, districts, indicators, neighbourhood projects, site proposals, recommendations.

Indicator values are stored per Ortsteil (District), the unit of Erfurt's Sozialstrukturatlas;
a social area's value is the mean of its districts' values (computed in one aggregate query).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erfurt_srp.exports.leases import LeasedJob

DEMO_LABEL = _("Demo-Werte")
GEOPORTAL_ATTRIBUTION = "Geoportal Erfurt, Landeshauptstadt Erfurt, DL-DE/BY-2.0"


class SocialArea(models.Model):
    """A Sozialraum: a group of Ortsteile for planning."""

    number = models.PositiveSmallIntegerField(_("Nummer"), unique=True)
    name = models.CharField(_("Name"), max_length=200, unique=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    is_public = models.BooleanField(_("öffentlich sichtbar"), default=True)
    is_demo = models.BooleanField(
        _("Demo-Zuordnung"),
        default=False,
        help_text=_("Die Zuordnung der Ortsteile ist ein Beispiel, keine amtliche Gliederung."),
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Sozialraum")
        verbose_name_plural = _("Sozialräume")
        ordering = ["number"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("standorte:area_detail", kwargs={"pk": self.pk})


class District(models.Model):
    """An Ortsteil of Erfurt (53 of them), optionally with its boundary as GeoJSON geometry."""

    number = models.PositiveSmallIntegerField(_("Ortsteilnummer"), unique=True)
    name = models.CharField(_("Name"), max_length=200, unique=True)
    area_km2 = models.DecimalField(
        _("Fläche (km²)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    social_area = models.ForeignKey(
        SocialArea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="districts",
        verbose_name=_("Sozialraum"),
    )
    geometry = models.JSONField(
        _("Umriss (GeoJSON)"), null=True, blank=True, help_text=_("Polygon oder MultiPolygon")
    )
    geometry_source = models.CharField(_("Quelle des Umrisses"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Ortsteil")
        verbose_name_plural = _("Ortsteile")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} {self.name}"


class Indicator(models.Model):
    """One measure of the Sozialstrukturatlas, e.g. the Sozialindex or the SGB-II-Quote.

    Staff define indicators; `source` and `licence` are shown wherever its values appear."""

    class Better(models.TextChoices):
        LOWER = "lower", _("ein niedrigerer Wert")
        HIGHER = "higher", _("ein höherer Wert")

    key = models.SlugField(_("Spaltenname"), max_length=60, unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    unit = models.CharField(_("Einheit"), max_length=20, blank=True)
    is_index = models.BooleanField(
        _("ist der Sozialindex"), default=False, help_text=_("Nach ihm wird gereiht.")
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    better = models.CharField(
        _("Günstiger ist"),
        max_length=10,
        choices=Better.choices,
        default=Better.LOWER,
        help_text=_("Welche Richtung die günstigere Lage bedeutet; danach färbt die Karte."),
    )
    source = models.CharField(
        _("Quelle"), max_length=300, blank=True, help_text=_("z. B. Sozialstrukturatlas 2020")
    )
    licence = models.CharField(
        _("Lizenz"), max_length=200, blank=True, help_text=_("z. B. DL-DE/BY-2.0")
    )
    reference_date = models.DateField(
        _("Stichtag"), null=True, blank=True, help_text=_("Stand der Werte, z. B. 31.12.2020")
    )

    class Meta:
        verbose_name = _("Indikator")
        verbose_name_plural = _("Indikatoren")
        ordering = ["order", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_index"], condition=Q(is_index=True), name="indicator_one_index"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def credit(self) -> str:
        """Source, licence and reference date in one line, as pages and exports name them."""
        parts = [p for p in (self.source, self.licence) if p]
        if self.reference_date:
            parts.append(_("Stand %(date)s") % {"date": self.reference_date.strftime("%d.%m.%Y")})
        return ", ".join(str(p) for p in parts)


class IndicatorValue(models.Model):
    """The value of one indicator for one Ortsteil in one year."""

    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="values", verbose_name=_("Ortsteil")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("Indikator")
    )
    year = models.PositiveSmallIntegerField(_("Jahr"))
    value = models.DecimalField(_("Wert"), max_digits=12, decimal_places=3)
    is_demo = models.BooleanField(_("Demo-Wert"), default=False)
    source = models.CharField(_("Quelle"), max_length=200, blank=True)
    imported_at = models.DateTimeField(_("importiert am"), default=timezone.now)

    class Meta:
        verbose_name = _("Indikatorwert")
        verbose_name_plural = _("Indikatorwerte")
        ordering = ["district", "indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "indicator", "year"], name="indicator_value_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "indicator"])]

    def __str__(self):
        return f"{self.district.name} {self.year} {self.indicator.key}={self.value}"


class NeighbourhoodProject(models.Model):
    """A Quartiersprojekt such as ThINKA Erfurt that needs sites."""

    name = models.CharField(_("Name"), max_length=200, unique=True)
    slug = models.SlugField(_("Kürzel"), max_length=80, unique=True)
    aim = models.TextField(_("Ziel"))
    funding = models.TextField(_("Finanzierung"), blank=True)
    lead_organisation = models.CharField(_("Träger"), max_length=200, blank=True)
    partners = models.ManyToManyField(
        "gremium.Institution",
        blank=True,
        related_name="neighbourhood_projects",
        verbose_name=_("Partner (Institutionen)"),
    )
    partners_text = models.TextField(
        _("weitere Partner"),
        blank=True,
        help_text=_("Partner, die keine Institution im Gremium sind."),
    )
    committee = models.ForeignKey(
        "gremium.Committee",
        on_delete=models.PROTECT,
        related_name="neighbourhood_projects",
        verbose_name=_("beratendes Gremium"),
    )
    is_public = models.BooleanField(_("öffentlich sichtbar"), default=True)
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Quartiersprojekt")
        verbose_name_plural = _("Quartiersprojekte")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("standorte:project_detail", kwargs={"slug": self.slug})


class SiteProposal(models.Model):
    """A Standortvorschlag for a project."""

    project = models.ForeignKey(
        NeighbourhoodProject,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("Quartiersprojekt"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("Ortsteil")
    )
    name = models.CharField(_("Bezeichnung"), max_length=200, blank=True)
    address = models.CharField(_("Adresse"), max_length=200)
    rationale = models.TextField(_("Begründung"))
    proposer = models.CharField(
        _("vorgeschlagen von"), max_length=200, help_text=_("Institution oder Person")
    )
    proposer_institution = models.ForeignKey(
        "gremium.Institution",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="site_proposals",
        verbose_name=_("vorschlagende Institution"),
    )
    note = models.TextField(_("Hinweis"), blank=True)
    is_demo = models.BooleanField(_("Demo-Vorschlag"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Standortvorschlag")
        verbose_name_plural = _("Standortvorschläge")
        ordering = ["project", "district__number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "address"], name="site_proposal_unique_address"
            )
        ]

    def __str__(self):
        return f"{self.name or self.address} ({self.district.name})"

    @property
    def social_area(self):
        return self.district.social_area


class Deliberation(models.Model):
    """The committee's deliberation on a project's set of proposals: statement round and vote.

    It is the generic subject the gremium statements and votes attach to.
    """

    class State(models.TextChoices):
        PREPARING = "preparing", _("in Vorbereitung")
        STATEMENTS = "statements", _("Stellungnahmen laufen")
        VOTING = "voting", _("Abstimmung läuft")
        CARRIED = "carried", _("Empfehlung beschlossen")
        FAILED = "failed", _("keine Mehrheit")

    project = models.ForeignKey(
        NeighbourhoodProject,
        on_delete=models.CASCADE,
        related_name="deliberations",
        verbose_name=_("Quartiersprojekt"),
    )
    title = models.CharField(_("Titel"), max_length=300)
    state = models.CharField(
        _("Status"), max_length=20, choices=State.choices, default=State.PREPARING
    )
    statement_round = models.OneToOneField(
        "gremium.StatementRound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Stellungnahmerunde"),
    )
    vote = models.OneToOneField(
        "gremium.Vote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Abstimmung"),
    )
    option_proposals = models.JSONField(
        _("Optionen der Abstimmung"),
        default=dict,
        blank=True,
        help_text=_("ID der Abstimmungsoption -> ID des Standortvorschlags"),
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    class Meta:
        verbose_name = _("Beratung über Standorte")
        verbose_name_plural = _("Beratungen über Standorte")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("standorte:deliberation_detail", kwargs={"pk": self.pk})

    @property
    def committee(self):
        return self.project.committee


def vote_counts_text(yes: int, no: int, abstain: int, detail: dict | None = None) -> str:
    """The vote in short, in the active language: yes/no counts, or for a choice among sites
    the chosen one with its votes (ranked: its Borda points). `detail` is
    Recommendation.vote_detail."""
    options = (detail or {}).get("options") or []
    kind = (detail or {}).get("kind")
    if options and kind in ("single", "ranked"):
        score = "points" if kind == "ranked" else "votes"
        winner = max(options, key=lambda o: o.get(score) or 0)
        if kind == "ranked":
            return gettext("%(label)s: %(points)s Punkte (Rang 1)") % {
                "label": winner["label"],
                "points": winner.get("points") or 0,
            }
        return gettext("%(label)s: %(votes)s von %(total)s Stimmen") % {
            "label": winner["label"],
            "votes": winner["votes"],
            "total": sum(o["votes"] for o in options),
        }
    return gettext("%(yes)s Ja, %(no)s Nein, %(abstain)s") % {
        "yes": yes,
        "no": no,
        "abstain": ngettext("%(n)s Enthaltung", "%(n)s Enthaltungen", abstain) % {"n": abstain},
    }


class Recommendation(models.Model):
    """The committee's recommendation to the Ausschuss für Soziales, Arbeitsmarkt und Gleichstellung.

    Statements are copied into `annex` when the recommendation is made, so the Drucksache keeps
    what the institutions said at that time.
    """

    class Decision(models.TextChoices):
        PENDING = "pending", _("noch nicht entschieden")
        AGREED = "agreed", _("zugestimmt")
        CHANGED = "changed", _("geändert beschlossen")
        REJECTED = "rejected", _("abgelehnt")

    project = models.ForeignKey(
        NeighbourhoodProject,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("Quartiersprojekt"),
    )
    deliberation = models.OneToOneField(
        Deliberation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendation",
        verbose_name=_("Beratung"),
    )
    site = models.ForeignKey(
        SiteProposal,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("empfohlener Standort"),
    )
    title = models.CharField(_("Titel"), max_length=300)
    text = models.TextField(_("Sachverhalt"))
    vote_result = models.TextField(_("Abstimmungsergebnis"))
    vote_detail = models.JSONField(
        _("Abstimmungsergebnis je Option"),
        default=dict,
        blank=True,
        help_text=_(
            "kind, result, ballot_unit, participants, eligible, quorum und options: Liste von "
            "{label, votes, points}"
        ),
    )
    votes_yes = models.PositiveSmallIntegerField(_("Ja-Stimmen"), default=0)
    votes_no = models.PositiveSmallIntegerField(_("Nein-Stimmen"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("Enthaltungen"), default=0)
    annex = models.JSONField(
        _("Stellungnahmen (Anlage)"),
        default=list,
        blank=True,
        help_text=_("Liste von {institution, position, text}"),
    )
    public = models.BooleanField(_("öffentlich"), default=True)
    paper = models.OneToOneField(
        "gremium.Paper",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendation",
        verbose_name=_("Drucksache"),
    )
    recommended_on = models.DateField(_("beschlossen am"), default=timezone.localdate)
    decision = models.CharField(
        _("Entscheidung des Ausschusses"),
        max_length=20,
        choices=Decision.choices,
        default=Decision.PENDING,
    )
    decision_date = models.DateField(_("Datum der Entscheidung"), null=True, blank=True)
    decision_note = models.TextField(_("Anmerkung zur Entscheidung"), blank=True)
    decision_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified_at = models.DateTimeField(_("geändert"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Empfehlung")
        verbose_name_plural = _("Empfehlungen")
        ordering = ["-recommended_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="pending") | Q(decision_date__isnull=False),
                name="recommendation_decision_has_date",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("standorte:recommendation_detail", kwargs={"pk": self.pk})

    @property
    def vote_counts(self) -> str:
        """The committee's vote in the active language ("15 Ja, 1 Nein, 2 Enthaltungen")."""
        return vote_counts_text(self.votes_yes, self.votes_no, self.votes_abstain, self.vote_detail)


def _export_path(instance, filename):
    return f"standorte/exports/{timezone.now():%Y/%m}/{instance.pk}/{filename}"


class ExportJob(LeasedJob):
    """A requested export: built in the background, stored, then offered for download.

    Leased (erfurt_srp.exports.leases): the task's hard time limit (tasks.export_job_run) is
    shorter than LEASE, so a row still pending or running after its lease lost its worker."""

    class Format(models.TextChoices):
        PDF = "pdf", _("PDF (Drucksache)")
        DOCX = "docx", _("DOCX (zur Weiterbearbeitung)")
        CSV = "csv", _("CSV (Tabelle)")

    class State(models.TextChoices):
        PENDING = "pending", _("wartet")
        RUNNING = "running", _("wird erstellt")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    format = models.CharField(_("Format"), max_length=10, choices=Format.choices)
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="export_jobs",
        verbose_name=_("Empfehlung"),
    )
    date_from = models.DateField(_("von"), null=True, blank=True)
    date_to = models.DateField(_("bis"), null=True, blank=True)
    state = models.CharField(_("Status"), max_length=10, choices=State.choices, default="pending")
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    total = models.PositiveIntegerField(_("Anzahl Empfehlungen"), default=0)
    file = models.FileField(_("Datei"), upload_to=_export_path, blank=True, max_length=300)
    filename = models.CharField(_("Dateiname"), max_length=200, blank=True)
    mimetype = models.CharField(_("Dateityp"), max_length=120, blank=True)
    error = models.TextField(_("Fehler"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Export")
        verbose_name_plural = _("Exporte")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_format_display()} {self.created_at:%d.%m.%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("standorte:export_detail", kwargs={"pk": self.pk})


class ImportUpload(models.Model):
    """A checked import file kept between the preview and the staff's confirmation.

    The confirmation names the file's hash, so what is imported is what was previewed."""

    class Kind(models.TextChoices):
        DISTRICTS = "districts", _("Ortsteile")
        INDICATORS = "indicators", _("Indikatorwerte")
        SHAPES = "shapes", _("Ortsteilgrenzen")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    filename = models.CharField(_("Dateiname"), max_length=200)
    data = models.BinaryField(_("Inhalt"))
    sha256 = models.CharField(_("Prüfsumme"), max_length=64)
    options = models.JSONField(_("Optionen"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("hochgeladene Importdatei")
        verbose_name_plural = _("hochgeladene Importdateien")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("standorte:import_preview", kwargs={"pk": self.pk})
