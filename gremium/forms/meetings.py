"""Forms for meetings, their agenda items, comments and the members' answers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form

from ..models import (
    Committee,
    Location,
    Meeting,
    MeetingResponse,
    Paper,
)
from .common import DATETIME_FORMAT, DateTimeInput


class MeetingForm(Form):
    column_model = Meeting

    committee = forms.ModelChoiceField(
        label=_("Gremium"), queryset=Committee.objects.order_by("kind", "name")
    )
    number = forms.IntegerField(label=_("Sitzungsnummer"), min_value=1)
    name = forms.CharField(
        label=_("Titel (optional)"),
        max_length=200,
        required=False,
        help_text=_("Leer lassen für „<Nr>. Sitzung <Gremium>“."),
    )
    start = forms.DateTimeField(
        label=_("Beginn"), widget=DateTimeInput(), input_formats=[DATETIME_FORMAT, "%d.%m.%Y %H:%M"]
    )
    end = forms.DateTimeField(
        label=_("Ende"), widget=DateTimeInput(), input_formats=[DATETIME_FORMAT, "%d.%m.%Y %H:%M"]
    )
    location = forms.ModelChoiceField(
        label=_("Ort"), queryset=Location.objects.all(), required=False
    )
    new_location = forms.CharField(
        label=_("oder neuer Ort: Bezeichnung"),
        max_length=200,
        required=False,
        help_text=_("z. B. „Rathaus Erfurt“; wird für spätere Sitzungen gespeichert."),
    )
    new_location_street = forms.CharField(
        label=_("neuer Ort: Straße und Hausnummer"), max_length=200, required=False
    )
    new_location_room = forms.CharField(label=_("neuer Ort: Raum"), max_length=100, required=False)
    video_url = forms.URLField(
        label=_("Videokonferenz-Link"), required=False, assume_scheme="https"
    )
    notice_days = forms.IntegerField(
        label=_("Ladungsfrist in Tagen"), min_value=0, max_value=60, initial=7
    )
    change_note = forms.CharField(
        label=_("Hinweis zur Änderung (wird an alle Eingeladenen verschickt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, editing: Meeting | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing is not None:
            # committee and number identify the meeting; they do not change after creation.
            del self.fields["committee"]
            del self.fields["number"]
            if not editing.is_announced:
                del self.fields["change_note"]
        else:
            del self.fields["change_note"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("Das Ende der Sitzung muss nach ihrem Beginn liegen."))
        if data.get("location") and data.get("new_location"):
            self.add_error(
                "new_location",
                _("Bitte wählen Sie einen vorhandenen Ort oder legen Sie einen neuen an."),
            )
        if not data.get("location") and not data.get("new_location") and not data.get("video_url"):
            self.add_error(
                "location", _("Bitte geben Sie einen Ort oder einen Videokonferenz-Link an.")
            )
        return data


class AgendaItemForm(Form):
    name = forms.CharField(label=_("Titel"), max_length=300)
    public = forms.BooleanField(
        label=_("öffentlich"),
        required=False,
        initial=True,
        help_text=_(
            "Nicht öffentliche Punkte sehen nur Mitglieder, Stellvertretungen und die Geschäftsstelle."
        ),
    )
    text = forms.CharField(
        label=_("Erläuterung"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    papers = forms.ModelMultipleChoiceField(
        label=_("Drucksachen"),
        queryset=Paper.objects.order_by("-date", "-id"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class AgendaItemMoveForm(Form):
    column_of = {"position": "gremium.AgendaItem.order"}
    position = forms.IntegerField(label=_("Neue Position (TOP-Nummer)"))


class ResponseForm(Form):
    answer = forms.ChoiceField(
        label=_("Ihre Antwort"), choices=MeetingResponse.Answer.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Bemerkung (optional)"), max_length=500, required=False)

    def __init__(self, *args, deputy: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if deputy:
            # a deputy cannot send a deputy
            self.fields["answer"].choices = [
                c for c in MeetingResponse.Answer.choices if c[0] != MeetingResponse.Answer.DEPUTY
            ]


class CancelForm(Form):
    reason = forms.CharField(
        label=_("Grund der Absage"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(Form):
    column_of = {"parent": "discussion.Comment.id"}

    body = forms.CharField(
        label=_("Kommentar"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CommentHideForm(Form):
    reason = forms.CharField(label=_("Grund der Ausblendung"), max_length=500)
