"""Forms for votes: open a vote, cast a ballot, enter a show-of-hands result."""

from django import forms
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form

from ..models import Committee, Vote
from .common import DateTimeLocalInput


class VoteOpenForm(Form):
    column_model = Vote

    committee = forms.ModelChoiceField(
        label=_("Gremium"), queryset=Committee.objects.order_by("name"), empty_label=None
    )
    question = forms.CharField(label=_("Frage"), max_length=500)
    description = forms.CharField(
        label=_("Erläuterung"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kind = forms.ChoiceField(label=_("Art der Abstimmung"), choices=Vote.Kind.choices)
    options = forms.CharField(
        label=_("Optionen (eine je Zeile)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Nur bei Auswahl oder Rangfolge; bei Ja/Nein/Enthaltung leer lassen."),
    )
    ballot_unit = forms.ChoiceField(label=_("Stimmberechtigt"), choices=Vote.BallotUnit.choices)
    secret = forms.BooleanField(
        label=_("geheime Abstimmung"),
        required=False,
        help_text=_("Niemand sieht, wer wie abgestimmt hat; abgegebene Stimmen sind endgültig."),
    )
    deadline = forms.DateTimeField(
        label=_("Frist für die Online-Abstimmung"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M"],
    )
    quorum = forms.IntegerField(
        label=_("Beschlussfähig ab (Stimmen)"),
        required=False,
        min_value=1,
        help_text=_("Leer lassen: mehr als die Hälfte der Stimmberechtigten."),
    )
    requires_round = forms.ChoiceField(
        label=_("Stellungnahmerunde"),
        choices=[
            ("auto", _("vollständig, falls es eine Runde zum Gegenstand gibt")),
            ("yes", _("muss vorliegen und vollständig sein")),
            ("no", _("nicht erforderlich")),
        ],
        initial="auto",
    )

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("options", "").splitlines()]

    def requires_value(self):
        return {"auto": None, "yes": True, "no": False}[self.cleaned_data["requires_round"]]


class BallotForm(Form):
    """Single choice (radio buttons in a fieldset) or a rank per option (ranked votes)."""

    def __init__(self, *args, vote: Vote, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.vote = vote
        self.options = list(options)
        if vote.kind == Vote.Kind.RANKED:
            rank_choices = [("", _("kein Rang"))] + [
                (str(i), str(i)) for i in range(1, len(self.options) + 1)
            ]
            for option in self.options:
                self.fields[f"rank_{option.pk}"] = forms.ChoiceField(
                    label=option.display_label, choices=rank_choices, required=False
                )
        else:
            self.fields["choice"] = forms.ChoiceField(
                label=vote.question,
                choices=[(str(o.pk), o.display_label) for o in self.options],
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": _("Diese Option gibt es in dieser Abstimmung nicht.")
                },
            )

    def clean(self):
        data = super().clean()
        if self.vote.kind == Vote.Kind.RANKED:
            ranks = {}
            for option in self.options:
                value = data.get(f"rank_{option.pk}")
                if value:
                    if value in ranks:
                        raise forms.ValidationError(
                            _("Jeder Rang darf nur einmal vergeben werden.")
                        )
                    ranks[value] = option.pk
            if not ranks:
                raise forms.ValidationError(_("Bitte vergeben Sie mindestens einen Rang."))
            data["ranking"] = [ranks[k] for k in sorted(ranks, key=int)]
        return data

    def rank_fields(self):
        return [self[f"rank_{o.pk}"] for o in self.options]


class ShowOfHandsForm(Form):
    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)
        for option in self.options:
            self.fields[f"option_{option.pk}"] = forms.IntegerField(
                label=option.display_label, min_value=0, initial=0
            )

    def counts(self) -> dict:
        return {o.pk: self.cleaned_data[f"option_{o.pk}"] for o in self.options}
