from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form, HoneypotField, ModelForm
from erfurt_srp.core.widgets import DateInput, DateTimeInput
from gremium.models import Committee

from .models import Audience, Disposition, GuidelineVersion, Measure, ReportCycle, Theme
from .selectors import guidelines_with_adopted_version


class ThemeForm(Form):
    column_model = Theme

    title = forms.CharField(label=_("Titel des Themenschwerpunkts"), max_length=200)
    description = forms.CharField(
        label=_("Beschreibung"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    committee = forms.ModelChoiceField(
        label=_("Festgelegt von (Gremium)"), queryset=Committee.objects.all(), empty_label=None
    )
    decided_on = forms.DateField(label=_("Festgelegt am"), widget=DateInput(), required=False)
    position = forms.IntegerField(label=_("Reihenfolge"), min_value=0, initial=0)


class VersionForm(Form):
    title = forms.CharField(label=_("Titel der Fassung"), max_length=200)
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_(
            "Absätze durch eine Leerzeile trennen. Sie werden automatisch nummeriert (§ 1, § 2 …)."
        ),
    )
    change_note = forms.CharField(label=_("Was hat sich geändert?"), max_length=500, required=False)


class RoundForm(Form):
    audience = forms.ChoiceField(label=_("Zielgruppe"), choices=Audience.choices)
    title = forms.CharField(label=_("Titel der Runde"), max_length=200)
    description = forms.CharField(
        label=_("Hinweise für Teilnehmende"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    starts_at = forms.DateTimeField(label=_("Beginn"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ende"), widget=DateTimeInput())

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("Das Ende muss nach dem Beginn liegen."))
        return data


class InvitationForm(Form):
    recipients = forms.CharField(
        label=_("Empfängerinnen und Empfänger"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Eine Person je Zeile: Name; E-Mail-Adresse; Institution, Fraktion oder Ortsteil. "
            "Jede Person erhält einen persönlichen Link, der nur für diese Runde gilt."
        ),
    )

    def clean_recipients(self):
        rows, errors = [], []
        for number, line in enumerate(self.cleaned_data["recipients"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) < 2 or not parts[0]:
                errors.append(
                    _("Zeile %(n)s: bitte „Name; E-Mail; Gruppe“ angeben.") % {"n": number}
                )
                continue
            try:
                validate_email(parts[1])
            except ValidationError:
                errors.append(
                    _("Zeile %(n)s: „%(e)s“ ist keine gültige E-Mail-Adresse.")
                    % {"n": number, "e": parts[1]}
                )
                continue
            rows.append(
                {"name": parts[0], "email": parts[1], "group": parts[2] if len(parts) > 2 else ""}
            )
        if errors:
            raise ValidationError(errors)
        if not rows:
            raise ValidationError(_("Bitte geben Sie mindestens eine Person an."))
        if len(rows) > 2000:
            raise ValidationError(_("Höchstens 2.000 Personen auf einmal."))
        return rows


class CommentForm(Form):
    column_of = {"parent": "discussion.Comment.id"}

    anchor = forms.CharField(label=_("Bezug"), required=False, max_length=10)
    body = forms.CharField(
        label=_("Ihr Kommentar"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("Einfache Formatierung ist möglich; HTML-Code wird entfernt."),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, version: GuidelineVersion, author_name: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Gesamter Text"))] + [
            (str(n), f"§ {n}: {text[:70]}{'…' if len(text) > 70 else ''}")
            for n, text in version.numbered_paragraphs()
        ]
        self.fields["anchor"].widget = forms.Select(choices=choices)
        if author_name is not None:
            self.fields["author_name"] = forms.CharField(
                label=_("Ihr Name (wird beim Kommentar angezeigt)"),
                max_length=200,
                initial=author_name,
            )


class HideForm(Form):
    reason = forms.CharField(label=_("Grund der Ausblendung"), max_length=500)


class DispositionForm(Form):
    decision = forms.ChoiceField(
        label=_("Abwägungsergebnis"), choices=Disposition.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Begründung"), widget=forms.Textarea(attrs={"rows": 3}))
    taken_up_in = forms.ModelChoiceField(
        label=_("Aufgenommen in Fassung"),
        queryset=GuidelineVersion.objects.none(),
        required=False,
        empty_label=_("– noch keine –"),
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["taken_up_in"]
        field.queryset = GuidelineVersion.objects.filter(pk__in=[v.pk for v in versions])
        field.label_from_instance = lambda v: f"{v.number} ({v.get_state_display()})"


class AdoptForm(Form):
    decided_on = forms.DateField(label=_("Beschlossen am"), widget=DateInput())
    reference = forms.CharField(
        label=_("Beschluss"),
        max_length=300,
        help_text=_("z. B. „Begleitgremium, 7. Sitzung am 14.03.2023, TOP 3: 14 ja, 1 Enthaltung“"),
    )


class MeasureForm(ModelForm):
    guideline = forms.ModelChoiceField(
        label=_("Leitlinie"), queryset=None, empty_label=_("– bitte wählen –")
    )

    class Meta:
        model = Measure
        fields = [
            "guideline",
            "title",
            "description",
            "planning_level",
            "responsible_office",
            "partners",
            "social_areas",
            "time_frame",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "partners": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guideline"].queryset = guidelines_with_adopted_version()
        if self.instance.pk:
            self.fields["guideline"].disabled = True


class MeasureFilterForm(Form):
    q = forms.CharField(label=_("Suche"), required=False)
    planning_level = forms.ChoiceField(
        label=_("Planungsebene"),
        choices=[("", _("alle"))] + list(Measure.PlanningLevel.choices),
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("alle"))] + list(Measure.Status.choices), required=False
    )
    guideline = forms.ChoiceField(label=_("Leitlinie"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guideline"].choices = [("", _("alle"))] + [
            (g.slug, g.theme.title) for g in guidelines_with_adopted_version()
        ]


class PublicCommentForm(CommentForm):
    """Comment without an account: name and e-mail; published after the e-mail is confirmed."""

    name = forms.CharField(label=_("Ihr Name (wird beim Kommentar angezeigt)"), max_length=200)
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        help_text=_("Wird nicht veröffentlicht. Sie erhalten einen Link zur Bestätigung."),
    )
    privacy = forms.BooleanField(
        label=_(
            "Ich habe die Datenschutzhinweise gelesen und bin einverstanden, dass mein Name mit "
            "dem Kommentar veröffentlicht wird."
        )
    )
    # Honeypot: hidden from people (CSS, aria-hidden, out of the tab order), filled in by bots.
    website = HoneypotField()

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, version=version, **kwargs)
        self.order_fields(["anchor", "name", "email", "body", "privacy", "parent", "website"])

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Bitte lassen Sie dieses Feld leer."))
        return ""


class PlanTextsForm(Form):
    """The plan's text parts, one text area each."""

    def __init__(self, *args, texts: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, part in texts.items():
            self.fields[key] = forms.CharField(
                label=part["label"],
                initial=part["body"],
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text=_("Absätze durch eine Leerzeile trennen."),
            )


class ReportCycleForm(Form):
    column_model = ReportCycle

    interval_months = forms.TypedChoiceField(
        label=_("Berichtszyklus"), choices=ReportCycle.Interval.choices, coerce=int
    )
    next_due_on = forms.DateField(label=_("nächster Bericht fällig am"), widget=DateInput())
    remind_days_before = forms.IntegerField(
        label=_("Erinnerung an die Geschäftsstelle (Tage vorher)"),
        min_value=0,
        max_value=365,
        initial=28,
    )
    committee = forms.ModelChoiceField(
        label=_("berichtet an (Ausschuss)"), queryset=Committee.objects.all()
    )


class ReportDraftForm(Form):
    period_end = forms.DateField(
        label=_("Berichtszeitraum bis"),
        widget=DateInput(),
        help_text=_("Der Zeitraum beginnt am Tag nach dem Ende des letzten vorgelegten Berichts."),
    )


class ReportTextForm(Form):
    title = forms.CharField(label=_("Titel"), max_length=300)
    summary = forms.CharField(
        label=_("Sachverhalt"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    measures_text = forms.CharField(
        label=_("Maßnahmen und ihr Stand"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    indicators_text = forms.CharField(
        label=_("Entwicklung der Indikatoren"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    rounds_text = forms.CharField(
        label=_("Beteiligungsrunden und Abwägung"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    decisions_text = forms.CharField(
        label=_("Getroffene Entscheidungen"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class ReportSubmitForm(Form):
    reference = forms.CharField(
        label=_("Drucksachennummer"), max_length=20, help_text=_("z. B. 1803/22")
    )
    meeting = forms.ModelChoiceField(
        label=_("auf die Tagesordnung der Sitzung"),
        queryset=None,
        required=False,
        empty_label=_("– noch keine Sitzung, nur Beratungsfolge –"),
    )

    def __init__(self, *args, committee=None, **kwargs):
        from django.utils import timezone

        from gremium.models import Meeting

        super().__init__(*args, **kwargs)
        meetings = Meeting.objects.none()
        if committee is not None:
            meetings = (
                Meeting.objects.filter(committee=committee, start__gte=timezone.now())
                .exclude(state=Meeting.State.CANCELLED)
                .order_by("start")
            )
        self.fields["meeting"].queryset = meetings


class ThemeEditorForm(Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Person"),
        max_length=254,
        help_text=_(
            "Hat die Person noch kein Konto, erhält sie eine Einladung und die Federführung, "
            "sobald sie ihr Konto angelegt hat."
        ),
    )
    ends_on = forms.DateField(
        label=_("gültig bis einschließlich"),
        required=False,
        widget=DateInput(),
        help_text=_("Leer lassen, wenn die Federführung bis zum Widerruf gilt."),
    )
    note = forms.CharField(
        label=_("Amt oder Anlass"),
        max_length=300,
        required=False,
        help_text=_("z. B. „Amt für Soziales, Abteilung Sozialplanung“"),
    )
