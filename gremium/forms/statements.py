"""Forms for statement rounds and statements."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form

from ..models import Committee
from .common import DateTimeLocalInput


class StatementRoundOpenForm(Form):
    committee = forms.ModelChoiceField(
        label=_("Gremium"), queryset=Committee.objects.order_by("name"), empty_label=None
    )
    title = forms.CharField(label=_("Titel"), max_length=255)
    description = forms.CharField(
        label=_("Erläuterung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateTimeField(
        label=_("Frist"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
    )


class StatementForm(Form):
    text = forms.CharField(
        label=_("Fachliche Stellungnahme"), widget=forms.Textarea(attrs={"rows": 10})
    )
    file = forms.FileField(label=_("Datei (optional)"), required=False)
    remove_file = forms.BooleanField(label=_("vorhandene Datei entfernen"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ", ".join(settings.UPLOAD_ALLOWED_EXTENSIONS)
        self.fields["file"].help_text = _("Erlaubt: %(types)s; höchstens %(mb)s MB.") % {
            "types": allowed,
            "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        }
        self.fields["file"].widget.attrs["accept"] = ",".join(
            f".{e}" for e in settings.UPLOAD_ALLOWED_EXTENSIONS
        )
