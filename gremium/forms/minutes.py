"""Forms for minutes: approve at a later meeting, undo a wrong approval."""

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form

from ..models import (
    Meeting,
)


class MinutesApproveForm(Form):
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


class MinutesRevokeForm(Form):
    reason = forms.CharField(
        label=_("Grund für die Aufhebung"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bleibt im Verlauf der Niederschrift erhalten."),
        error_messages={
            "required": _("Bitte geben Sie an, warum die Genehmigung aufgehoben wird.")
        },
    )


class MinutesForm(Form):
    """The minutes of one meeting: the general part and, per agenda item, course and result."""

    introduction = forms.CharField(
        label=_("Allgemeines (Begrüßung, Beschlussfähigkeit, Tagesordnung)"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, items, **kwargs):
        kwargs.setdefault("auto_id", "%s")  # the ids the page has always had
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"text_{item.pk}"] = forms.CharField(
                label=_("Verlauf"),
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            self.fields[f"result_{item.pk}"] = forms.CharField(
                label=_("Ergebnis"),
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(agenda item, its course field, its result field) in agenda order."""
        return [(item, self[f"text_{item.pk}"], self[f"result_{item.pk}"]) for item in self.items]

    def entries(self) -> dict[int, tuple[str, str]]:
        data = self.cleaned_data
        return {
            item.pk: (data[f"text_{item.pk}"], data[f"result_{item.pk}"]) for item in self.items
        }


class AttendanceGuestForm(Form):
    """One guest row of the attendance list (the page repeats the fields per row)."""

    guest_name = forms.CharField(label=_("Name"), max_length=200, required=False, strip=False)
    guest_organisation = forms.CharField(
        label=_("Organisation"), max_length=200, required=False, strip=False
    )
