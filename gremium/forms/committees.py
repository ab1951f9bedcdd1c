"""Forms for committees: add, replace and end memberships."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import (
    Institution,
    Membership,
)
from .common import DateInput


class MembershipForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.all())
    role = forms.ChoiceField(label=_("Rolle"), choices=Membership.Role.choices)
    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    email = forms.EmailField(label=_("E-Mail-Adresse"))
    start_date = forms.DateField(label=_("Beginn"), widget=DateInput(), required=False)


class MembershipReplaceForm(forms.Form):
    first_name = forms.CharField(label=_("Vorname der neuen Person"), max_length=100)
    last_name = forms.CharField(label=_("Nachname der neuen Person"), max_length=100)
    email = forms.EmailField(label=_("E-Mail-Adresse der neuen Person"))
    start_date = forms.DateField(
        label=_("Wechsel zum"), widget=DateInput(), required=False, help_text=_("leer: heute")
    )


class MembershipEndForm(forms.Form):
    end_date = forms.DateField(
        label=_("Ende zum"),
        widget=DateInput(),
        required=False,
        help_text=_("Ab diesem Tag besteht kein Zugang mehr; leer: heute."),
    )
