"""Forms for committees: add, replace and end memberships."""

from django import forms
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form

from ..models import (
    Institution,
    Membership,
)
from .common import DateInput


class InstitutionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.get_kind_display()})"


class MembershipForm(Form):
    """A new member or deputy: who represents what (a listed institution, office or faction; a
    new one; or themselves), and the person."""

    REPRESENTS_LISTED = "listed"
    REPRESENTS_NEW = "new"
    REPRESENTS_SELF = "self"

    represents = forms.ChoiceField(
        label=_("Die Person vertritt"),
        widget=forms.RadioSelect,
        initial=REPRESENTS_LISTED,
        choices=[
            (REPRESENTS_LISTED, _("eine Institution, ein Amt oder eine Fraktion aus der Liste")),
            (REPRESENTS_NEW, _("eine neue Fraktion, ein neues Amt oder eine neue Organisation")),
            (REPRESENTS_SELF, _("sich selbst (persönliches Mitglied)")),
        ],
    )
    institution = InstitutionChoiceField(
        label=_("aus der Liste"),
        queryset=Institution.objects.exclude(kind=Institution.Kind.INDIVIDUAL).order_by(
            "kind", "name"
        ),
        required=False,
    )
    new_institution_name = forms.CharField(
        label=_("neu: Name"),
        max_length=200,
        required=False,
        help_text=_("z. B. „Fraktion DIE LINKE. im Erfurter Stadtrat“ oder „Jugendamt“"),
    )
    new_institution_kind = forms.ChoiceField(
        label=_("neu: Art"),
        required=False,
        choices=[("", "–")]
        + [(v, label) for v, label in Institution.Kind.choices if v != Institution.Kind.INDIVIDUAL],
    )
    role = forms.ChoiceField(label=_("Rolle"), choices=Membership.Role.choices)
    function = forms.CharField(
        label=_("Funktion (optional)"),
        max_length=200,
        required=False,
        help_text=_("z. B. „sozialpolitische Sprecherin“, „Jugendhilfeplanung“"),
    )
    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    email = forms.EmailField(label=_("E-Mail-Adresse"))
    start_date = forms.DateField(label=_("Beginn"), widget=DateInput(), required=False)

    def clean(self):
        data = super().clean()
        represents = data.get("represents")
        if represents == self.REPRESENTS_LISTED and not data.get("institution"):
            self.add_error("institution", _("Bitte wählen Sie, wen die Person vertritt."))
        elif represents == self.REPRESENTS_NEW:
            if not data.get("new_institution_name", "").strip():
                self.add_error(
                    "new_institution_name",
                    _("Bitte nennen Sie die Fraktion, das Amt oder die Organisation."),
                )
            if not data.get("new_institution_kind"):
                self.add_error("new_institution_kind", _("Bitte wählen Sie die Art."))
        return data

    def representation(self) -> dict:
        """The keyword arguments of membership_create for what the person represents."""
        data = self.cleaned_data
        if data["represents"] == self.REPRESENTS_SELF:
            return {"institution_kind": Institution.Kind.INDIVIDUAL}
        if data["represents"] == self.REPRESENTS_NEW:
            return {
                "institution_name": data["new_institution_name"],
                "institution_kind": data["new_institution_kind"],
            }
        return {"institution": data["institution"]}


class MembershipReplaceForm(Form):
    first_name = forms.CharField(label=_("Vorname der neuen Person"), max_length=100)
    last_name = forms.CharField(label=_("Nachname der neuen Person"), max_length=100)
    email = forms.EmailField(label=_("E-Mail-Adresse der neuen Person"))
    start_date = forms.DateField(
        label=_("Wechsel zum"), widget=DateInput(), required=False, help_text=_("leer: heute")
    )


class MembershipEndForm(Form):
    end_date = forms.DateField(
        label=_("Ende zum"),
        widget=DateInput(),
        required=False,
        help_text=_("Ab diesem Tag besteht kein Zugang mehr; leer: heute."),
    )
