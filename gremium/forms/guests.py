"""The staff form that grants a guest access to non-public papers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form

from .common import DateInput


class GuestAccessForm(Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Person"),
        max_length=254,
        help_text=_(
            "Hat die Person noch kein Konto, erhält sie eine Einladung und den Zugang, "
            "sobald sie ihr Konto angelegt hat."
        ),
    )
    ends_on = forms.DateField(
        label=_("gültig bis einschließlich"),
        widget=DateInput(),
        error_messages={"required": _("Bitte geben Sie an, bis wann der Zugang gelten soll.")},
        help_text=_("Nach diesem Tag endet der Zugang von selbst."),
    )
    note = forms.CharField(
        label=_("Anlass"),
        max_length=300,
        required=False,
        help_text=_("z. B. „Autorinnen der BAG-Studie, zur Vorbereitung von TOP 3“"),
    )
