from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form, ModelForm
from erfurt_srp.core.widgets import DateInput, DateTimeInput
from gremium.models import Institution

from .models import District, ExportJob, Indicator, NeighbourhoodProject, Recommendation

MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _check_size(upload):
    limit = min(MAX_IMPORT_BYTES, settings.UPLOAD_MAX_BYTES)
    if upload.size > limit:
        raise forms.ValidationError(
            _("Die Datei ist zu groß (höchstens %(mb)s MB).") % {"mb": limit // (1024 * 1024)}
        )
    return upload


TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")


def _check_table(upload):
    upload = _check_size(upload)
    if not upload.name.lower().endswith(TABLE_SUFFIXES):
        raise forms.ValidationError(_("Bitte eine CSV- oder Excel-Datei (.csv, .xlsx) hochladen."))
    return upload


class DistrictImportForm(Form):
    file = forms.FileField(
        label=_("CSV- oder Excel-Datei mit Ortsteilen"),
        help_text=_(
            "Spalten: nr (oder Ortsteil-Nr.), name, optional flaeche_km2 (oder Fläche (km²)), "
            "sozialraum_nr, sozialraum. Trennzeichen Semikolon oder Komma; Zahlen auch im "
            "deutschen Format (2,45)."
        ),
    )

    def clean_file(self):
        return _check_table(self.cleaned_data["file"])

    def import_options(self) -> dict:
        return {}


class IndicatorImportForm(Form):
    file = forms.FileField(
        label=_("CSV- oder Excel-Datei mit Indikatorwerten"),
        help_text=_(
            "Spalten: ortsteil_nr und/oder ortsteil, jahr und je Indikator eine Spalte "
            "(Spaltenname oder Bezeichnung). Trennzeichen Semikolon oder Komma; Zahlen auch im "
            "deutschen Format (1.234,5). Leere Zellen lassen gespeicherte Werte unverändert."
        ),
    )
    source = forms.CharField(
        label=_("Quelle der Werte"),
        max_length=200,
        required=False,
        help_text=_("z. B. Sozialstrukturatlas 2020"),
    )
    is_demo = forms.BooleanField(
        label=_("Es sind Demo-Werte (keine amtlichen Daten)"), required=False
    )

    def clean_file(self):
        return _check_table(self.cleaned_data["file"])

    def import_options(self) -> dict:
        return {"source": self.cleaned_data["source"], "is_demo": self.cleaned_data["is_demo"]}


class ShapeImportForm(Form):
    file = forms.FileField(
        label=_("GeoJSON-Datei mit Ortsteilgrenzen"),
        help_text=_(
            "FeatureCollection mit Polygonen (WGS84); jedes Feature nennt den Ortsteil in "
            "STADTTE_ID/nr oder NAME/name."
        ),
    )
    source = forms.CharField(
        label=_("Quelle"),
        max_length=200,
        required=False,
        initial="Geoportal Erfurt, Landeshauptstadt Erfurt, DL-DE/BY-2.0",
    )

    def clean_file(self):
        upload = _check_size(self.cleaned_data["file"])
        if not upload.name.lower().endswith((".geojson", ".json")):
            raise forms.ValidationError(
                _("Bitte eine GeoJSON-Datei (.geojson oder .json) hochladen.")
            )
        return upload

    def import_options(self) -> dict:
        return {"source": self.cleaned_data["source"]}


class IndicatorForm(ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "key",
            "unit",
            "better",
            "source",
            "licence",
            "reference_date",
            "order",
            "is_index",
        ]
        widgets = {
            "reference_date": DateInput(),
            "better": forms.RadioSelect,
        }
        help_texts = {
            "key": _(
                "Überschrift der Spalte in Importdateien und im CSV-Export; Kleinbuchstaben, "
                "Ziffern und Unterstriche."
            )
        }

    def _get_validation_exclusions(self):
        # One indicator is the Sozialindex: services.indicator_save hands the role over, so the
        # form does not refuse a second one.
        return super()._get_validation_exclusions() | {"is_index"}

    def clean(self):
        """Import files find an indicator's column by its key or its name: neither may be taken
        by a fixed column or another indicator."""
        from .importers import DISTRICT_NAME, DISTRICT_NUMBER, IGNORED_COLUMNS, YEAR, normalise

        cleaned = super().clean()
        taken = {
            n: _("einer festen Spalte")
            for c in (DISTRICT_NUMBER, DISTRICT_NAME, YEAR)
            for n in c.names()
        }
        taken.update({normalise(n): _("einer festen Spalte") for n in IGNORED_COLUMNS})
        others = Indicator.objects.exclude(pk=self.instance.pk).values_list("key", "name", "unit")
        for key, name, unit in others:
            for heading in (key, name, f"{name} ({unit})" if unit else name):
                taken[normalise(heading)] = _("dem Indikator „%(name)s“") % {"name": name}
        for field in ("key", "name"):
            value = cleaned.get(field)
            if value and normalise(value) in taken:
                self.add_error(
                    field,
                    _("Diese Überschrift gehört schon zu %(owner)s.")
                    % {"owner": taken[normalise(value)]},
                )
        return cleaned


class ProjectForm(ModelForm):
    class Meta:
        model = NeighbourhoodProject
        fields = [
            "name",
            "slug",
            "aim",
            "funding",
            "lead_organisation",
            "partners",
            "partners_text",
            "committee",
            "is_public",
        ]
        widgets = {"partners": forms.CheckboxSelectMultiple}


class SiteProposalForm(Form):
    district = forms.ModelChoiceField(
        label=_("Ortsteil"), queryset=District.objects.select_related("social_area")
    )
    name = forms.CharField(label=_("Bezeichnung"), max_length=200, required=False)
    address = forms.CharField(label=_("Adresse"), max_length=200)
    rationale = forms.CharField(label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 5}))
    proposer = forms.CharField(
        label=_("vorgeschlagen von"), max_length=200, help_text=_("Institution oder Person")
    )
    proposer_institution = forms.ModelChoiceField(
        label=_("vorschlagende Institution"), queryset=Institution.objects.all(), required=False
    )
    note = forms.CharField(
        label=_("Hinweis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung des Ausschusses"),
        choices=[
            ("", _("bitte wählen")),
            *[c for c in Recommendation.Decision.choices if c[0] != "pending"],
        ],
    )
    decision_date = forms.DateField(label=_("Datum der Entscheidung"), widget=DateInput())
    decision_note = forms.CharField(
        label=_("Anmerkung"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Bei „geändert beschlossen“: was wurde geändert?"),
    )


class MeetingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        start = timezone.localtime(meeting.start)
        return f"{meeting.committee.name}: {start:%d.%m.%Y, %H:%M} – {meeting.title}"


class AgendaPlacementForm(Form):
    """Choose the meeting of a body of the paper's Beratungsfolge to put it on."""

    meeting = MeetingChoiceField(
        label=_("Sitzung"),
        queryset=None,
        empty_label=_("bitte wählen"),
        error_messages={
            "required": _("Bitte wählen Sie eine Sitzung."),
            "invalid_choice": _(
                "Bitte wählen Sie eine Sitzung eines Gremiums der Beratungsfolge dieser "
                "Drucksache, die nicht abgesagt ist und nicht vor der Empfehlung liegt."
            ),
        },
        help_text=_(
            "Die Drucksache kommt als neuer Tagesordnungspunkt auf diese Sitzung; der "
            "Schritt der Beratungsfolge wird mit ihm verknüpft und datiert."
        ),
    )

    def __init__(self, *args, recommendation, **kwargs):
        super().__init__(*args, **kwargs)
        from gremium.models import Meeting

        committee_ids = []
        if recommendation.paper_id:
            committee_ids = [
                c.committee_id for c in recommendation.paper.consultations.all() if c.committee_id
            ]
        self.fields["meeting"].queryset = (
            Meeting.objects.filter(
                committee_id__in=committee_ids, start__date__gte=recommendation.recommended_on
            )
            .exclude(state__in=[Meeting.State.CANCELLED, Meeting.State.MINUTES_APPROVED])
            .select_related("committee")
            .order_by("start", "pk")
        )


class ExportForm(Form):
    format = forms.ChoiceField(label=_("Format"), choices=ExportJob.Format.choices)
    recommendation = forms.ModelChoiceField(
        label=_("eine Empfehlung"),
        queryset=Recommendation.objects.order_by("-recommended_on", "-pk"),
        required=False,
        empty_label=_("– alle Empfehlungen des Zeitraums –"),
    )
    date_from = forms.DateField(label=_("Zeitraum von"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Zeitraum bis"), required=False, widget=DateInput())


class DeliberationStartForm(Form):
    title = forms.CharField(label=_("Titel der Beratung"), max_length=300, required=False)
    deadline = forms.DateTimeField(
        label=_("Frist für die Stellungnahmen"),
        required=False,
        widget=DateTimeInput(),
    )


class VoteOpenForm(Form):
    deadline = forms.DateTimeField(
        label=_("Frist für die Abstimmung"),
        required=False,
        widget=DateTimeInput(),
    )
    secret = forms.BooleanField(label=_("geheime Abstimmung"), required=False)
