from django import forms
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form

from .kinds import kind_label
from .models import OutboxMessage


class OutboxFilterForm(Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Art"), required=False)
    related_type = forms.TypedChoiceField(
        label=_("Objekttyp"), required=False, coerce=int, empty_value=None
    )
    related_id = forms.CharField(label=_("Objekt-ID"), required=False, max_length=64)
    recipient = forms.CharField(
        label=_("Empfänger enthält"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args, kinds: list[str], related_types: list, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("alle"))]
        self.fields["status"].choices = everything + list(OutboxMessage.Status.choices)
        self.fields["kind"].choices = everything + sorted(
            ((kind, kind_label(kind)) for kind in kinds), key=lambda choice: choice[1].lower()
        )
        self.fields["related_type"].choices = everything + [
            (ct.pk, f"{ct.model_class()._meta.verbose_name if ct.model_class() else ct.model}")
            for ct in related_types
        ]

    def filters(self) -> dict:
        """Return the valid filters (an invalid field is shown with its error and ignored)."""
        data = getattr(self, "cleaned_data", {})
        return {
            "status": data.get("status") or "",
            "kind": data.get("kind") or "",
            "related_type_id": data.get("related_type"),
            "related_id": (data.get("related_id") or "").strip(),
            "recipient": data.get("recipient") or "",
        }
