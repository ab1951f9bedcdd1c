"""Forms for minutes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import (
    Meeting,
)


class MinutesApproveForm(forms.Form):
    approved_in = forms.ModelChoiceField(
        label=_("genehmigt in Sitzung"), queryset=Meeting.objects.none()
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_in"].queryset = (
            Meeting.objects.filter(committee_id=meeting.committee_id, start__gt=meeting.start)
            .select_related("committee")
            .order_by("start")
        )
