"""Forms for minutes: approve at a later meeting, undo a wrong approval."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..models import (
    Meeting,
)


class MinutesApproveForm(forms.Form):
    approved_in = forms.ModelChoiceField(
        label=_("genehmigt in Sitzung"),
        queryset=Meeting.objects.none(),
        help_text=_("Eine spätere, durchgeführte Sitzung desselben Gremiums."),
        error_messages={
            "invalid_choice": _(
                "Die Niederschrift wird in einer späteren Sitzung desselben Gremiums genehmigt."
            ),
            "required": _("Bitte wählen Sie die Sitzung, in der genehmigt wurde."),
        },
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["approved_in"]
        # Any meeting of the committee is accepted here so that the service can say what is
        # wrong with a cancelled, coming or earlier one; the list offers only the right ones.
        field.queryset = Meeting.objects.filter(committee_id=meeting.committee_id).select_related(
            "committee"
        )
        candidates = list(
            Meeting.objects.filter(
                committee_id=meeting.committee_id,
                start__gt=meeting.start,
                start__lte=timezone.now(),
                state__in=(Meeting.State.HELD, Meeting.State.MINUTES_APPROVED),
            )
            .select_related("committee")
            .order_by("start")
        )
        self.has_candidates = bool(candidates)
        field.widget.choices = [("", field.empty_label)] + [
            (m.pk, f"{m.title} ({date_format(timezone.localtime(m.start), 'SHORT_DATE_FORMAT')})")
            for m in candidates
        ]


class MinutesRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Grund für die Aufhebung"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bleibt im Verlauf der Niederschrift erhalten."),
        error_messages={
            "required": _("Bitte geben Sie an, warum die Genehmigung aufgehoben wird.")
        },
    )
