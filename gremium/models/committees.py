from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Committee(models.Model):
    """A Gremium: the Begleitgremium, a feedback body or a council committee (OParl Organization)."""

    class Kind(models.TextChoices):
        ACCOMPANYING = "accompanying", _("Begleitgremium")
        WORKING_GROUP = "working_group", _("Arbeitsgruppe / Rückkopplungsgremium")
        COUNCIL = "council", _("Ausschuss des Stadtrats")

    name = models.CharField(_("Name"), max_length=200, unique=True)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    slug = models.SlugField(_("Kürzel"), max_length=80, unique=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    founded_on = models.DateField(_("gegründet am"), null=True, blank=True)
    is_public = models.BooleanField(
        _("öffentlich sichtbar"),
        default=True,
        help_text=_("Name und öffentliche Sitzungen erscheinen öffentlich."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Gremium")
        verbose_name_plural = _("Gremien")
        ordering = ["kind", "name"]

    def __str__(self):
        return self.name


class Institution(models.Model):
    """What a member and their deputy represent in a committee: an institution (the 18 of the
    Begleitgremium), an office of the city administration, a council faction, or, for a person
    who speaks only for themselves, that person (kind "individual", one per person).

    Votes by institution, statements and deputies all count per represented body, so a faction
    in the AG der sozialpolitischen Sprecher works like an institution in the Begleitgremium.
    """

    class Kind(models.TextChoices):
        ADMINISTRATION = "administration", _("Verwaltung")
        PROVIDER = "provider", _("Freier Träger")
        HOUSING = "housing", _("Wohnungsunternehmen")
        SCIENCE = "science", _("Wissenschaft")
        JOBCENTER = "jobcenter", _("Jobcenter")
        FACTION = "faction", _("Stadtratsfraktion")
        INDIVIDUAL = "individual", _("Einzelperson (vertritt sich selbst)")

    name = models.CharField(_("Name"), max_length=200, unique=True)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    committees = models.ManyToManyField(
        Committee, related_name="institutions", blank=True, verbose_name=_("Gremien")
    )
    website = models.URLField(_("Website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Institution")
        verbose_name_plural = _("Institutionen")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_individual(self) -> bool:
        return self.kind == self.Kind.INDIVIDUAL


class Person(models.Model):
    """A person in a committee (OParl Person). Linked to a user account once they accept the invitation."""

    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("Benutzerkonto"),
    )
    is_demo = models.BooleanField(_("Demo-Person"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        """Memberships in force on the given date (today): an ended membership loses access that day."""
        on = on or timezone.localdate()
        return self.filter(Q(start_date__lte=on), Q(end_date__isnull=True) | Q(end_date__gt=on))


class Membership(models.Model):
    """A person represents an institution, office or faction (or themselves) in a committee as
    member or deputy (OParl Membership: `institution` is onBehalfOf, `function` the role text)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Mitglied")
        DEPUTY = "deputy", _("Stellvertretung")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("Person")
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("Gremium")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("Institution"),
    )
    role = models.CharField(_("Rolle"), max_length=10, choices=Role.choices)
    function = models.CharField(
        _("Funktion"),
        max_length=200,
        blank=True,
        help_text=_(
            "z. B. „sozialpolitische Sprecherin“, „Jugendhilfeplanung“, "
            "„Quartiersmanagement Herrenberg“"
        ),
    )
    start_date = models.DateField(_("Beginn"), default=timezone.localdate)
    end_date = models.DateField(
        _("Ende"), null=True, blank=True, help_text=_("Ab diesem Tag besteht kein Zugang mehr.")
    )

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        ordering = ["committee", "institution", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.institution} ({self.get_role_display()})"

    def get_absolute_url(self):
        return reverse("gremium:committee_detail", kwargs={"slug": self.committee.slug})

    def is_active(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date > on)
