"""Form for inviting a person by e-mail to represent an institution in a committee."""

from django import forms
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form

from ..models import Committee, Institution, Membership


class MembershipInvitationForm(Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )
    committee = forms.ModelChoiceField(
        label=_("Gremium"),
        queryset=Committee.objects.all(),
        empty_label=_("– bitte wählen –"),
        error_messages={"required": _("Bitte wählen Sie ein Gremium.")},
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.exclude(kind=Institution.Kind.INDIVIDUAL),
        empty_label=_("– bitte wählen –"),
        error_messages={"required": _("Bitte wählen Sie eine Institution.")},
    )
    role = forms.ChoiceField(
        label=_("Rolle"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        widget=forms.RadioSelect,
    )
