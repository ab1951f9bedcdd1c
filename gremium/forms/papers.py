"""Forms for papers (Drucksachen), their files and consultations."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form, ModelForm

from ..models import (
    Committee,
    Consultation,
    Meeting,
    Paper,
)
from .common import DateInput


def _upload_help():
    return _("Erlaubt: %(ext)s; höchstens %(mb)s MB.") % {
        "ext": ", ".join(settings.UPLOAD_ALLOWED_EXTENSIONS),
        "mb": settings.UPLOAD_MAX_BYTES // 1048576,
    }


class FileForm(Form):
    name = forms.CharField(label=_("Bezeichnung (optional)"), max_length=200, required=False)
    file = forms.FileField(label=_("Datei"))
    is_main = forms.BooleanField(label=_("Hauptdokument der Drucksache"), required=False)

    def __init__(self, *args, for_paper: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _upload_help()
        if not for_paper:
            del self.fields["is_main"]


class PaperForm(ModelForm):
    main_file = forms.FileField(label=_("Hauptdokument (optional)"), required=False)

    class Meta:
        model = Paper
        fields = ["reference", "name", "kind", "public", "date", "committee", "originator", "text"]
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["main_file"].help_text = _upload_help()
        if self.instance.pk:
            del self.fields["main_file"]
        else:
            self.fields["reference"].required = False
            self.fields["reference"].help_text = _(
                "z. B. 1803/22; leer lassen: die nächste Nummer des Jahres wird vergeben."
            )

    def validate_unique(self):
        # The service checks the number and shows the message next to the field.
        pass


class ConsultationForm(Form):
    committee = forms.ModelChoiceField(
        label=_("Gremium dieser Plattform"), queryset=Committee.objects.all(), required=False
    )
    body_name = forms.CharField(
        label=_("oder anderes Beratungsgremium"),
        max_length=200,
        required=False,
        help_text=_("z. B. Dienstberatung OB"),
    )
    meeting = forms.ModelChoiceField(
        label=_("Sitzung (optional)"),
        queryset=Meeting.objects.select_related("committee").order_by("-start"),
        required=False,
    )
    date = forms.DateField(label=_("Datum"), required=False, widget=DateInput())
    public = forms.BooleanField(label=_("öffentliche Behandlung"), required=False, initial=True)
    role = forms.ChoiceField(label=_("Rolle"), choices=Consultation.Role.choices)
    authoritative = forms.BooleanField(label=_("beschließend"), required=False)


class PaperNumberSequenceForm(Form):
    """Where a year's Drucksache numbers continue (e.g. after the city's own numbers)."""

    year = forms.IntegerField(label=_("Jahr"), min_value=2000, max_value=2099)
    next_number = forms.IntegerField(
        label=_("nächste Nummer"),
        min_value=1,
        max_value=99999,
        help_text=_("Nie kleiner als eine schon vergebene Nummer dieses Jahres."),
    )
