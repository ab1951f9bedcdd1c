from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.forms import Form, HoneypotField, ModelForm
from erfurt_srp.core.widgets import DateTimeInput, TimeInput

from .models import Event, EventMessage, EventTable, InvitationCode, ProgrammeItem, Registration
from .privacy import CONSENT_TEXT


class RegistrationForm(Form):
    column_model = Registration

    template_name = "beteiligung/registration_form.html"

    name = forms.CharField(label=_("Vor- und Nachname"), max_length=200)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        help_text=_("An diese Adresse schicken wir den Bestätigungslink."),
        error_messages={
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.")
        },
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"), max_length=200, required=False
    )
    kind = forms.ChoiceField(
        label=_("Ich komme als"), choices=[("", "—")] + Registration.Kind.choices
    )
    places = forms.IntegerField(
        label=_("Anzahl Personen (einschließlich Ihnen)"),
        min_value=1,
        initial=1,
        help_text=_(
            "Melden Sie Kolleginnen oder Kollegen mit an, halten wir die Plätze gemeinsam."
        ),
    )
    table = forms.TypedChoiceField(
        label=_("Thementisch"), coerce=int, required=False, empty_value=None
    )
    needs_step_free = forms.BooleanField(label=_("stufenloser Zugang"), required=False)
    needs_sign_language = forms.BooleanField(label=_("Gebärdensprachdolmetschung"), required=False)
    needs_induction_loop = forms.BooleanField(label=_("Induktionsschleife"), required=False)
    needs_other = forms.CharField(
        label=_("Sonstiger Bedarf (optional)"), max_length=300, required=False
    )
    invitation_code = forms.CharField(label=_("Einladungscode"), max_length=64, required=False)
    join_waiting_list = forms.BooleanField(
        label=_("Falls kein Platz mehr frei ist: auf die Warteliste setzen"),
        required=False,
        help_text=_("Wird ein Platz frei, rücken Sie automatisch nach und bekommen eine E-Mail."),
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXT,
        error_messages={"required": _("Bitte stimmen Sie der Verarbeitung Ihrer Daten zu.")},
    )
    # Honeypot: hidden from people (CSS, aria-hidden, out of the tab order), filled in by naive bots.
    website = HoneypotField()

    NEEDS = ("needs_step_free", "needs_sign_language", "needs_induction_loop", "needs_other")

    def __init__(self, *args, event: Event, tables=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        max_group = settings.BETEILIGUNG_MAX_GROUP_SIZE
        self.fields["places"].max_value = max_group
        self.fields["places"].validators.append(
            MaxValueValidator(
                max_group,
                message=_("Bitte melden Sie höchstens %(limit_value)s Personen gemeinsam an."),
            )
        )
        self.fields["places"].widget.attrs.update({"min": 1, "max": max_group})
        if tables:
            self.set_tables(tables)
            self.fields["table"].required = True
        else:
            del self.fields["table"]
        if event.access == Event.Access.INVITED:
            self.fields["invitation_code"].required = True
            self.fields["invitation_code"].help_text = _(
                "Den Code finden Sie in Ihrer Einladung; über den Einladungslink ist er schon eingetragen."
            )
        else:
            del self.fields["invitation_code"]

    def set_tables(self, tables) -> None:
        """The table choices, labelled with the free places (TableAvailability items)."""
        choices = [("", _("— bitte wählen —"))]
        for availability in tables:
            label = availability.table.title
            if availability.free <= 0:
                label = _("%(title)s (ausgebucht – nur Warteliste)") % {"title": label}
            else:
                label = _("%(title)s (%(free)s Plätze frei)") % {
                    "title": label,
                    "free": availability.free,
                }
            choices.append((availability.table.pk, label))
        self.fields["table"].choices = choices

    @property
    def needs_fields(self):
        return [self[name] for name in self.NEEDS[:3]]

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class ChangeTableForm(Form):
    table = forms.TypedChoiceField(label=_("Neuer Thementisch"), coerce=int)

    def __init__(self, *args, tables=(), current=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for availability in tables:
            if availability.table.pk == current:
                continue
            label = availability.table.title
            if availability.free <= 0:
                label = _("%(title)s (ausgebucht)") % {"title": label}
            choices.append((availability.table.pk, label))
        self.fields["table"].choices = choices


class ConfirmForm(Form):
    confirm = forms.BooleanField(label=_("Ja, ich bin sicher."))


_DT = DateTimeInput()


class EventForm(ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "slug",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "address",
            "accessibility_notes",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "access",
            "published",
            "reminder_days_before",
            "documentation_url",
            "consultation_url",
        ]
        widgets = {
            "starts_at": _DT,
            "ends_at": _DT,
            "registration_opens_at": _DT,
            "registration_closes_at": _DT,
            "description": forms.Textarea(attrs={"rows": 6}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
        }

    RESERVED_SLUGS = {"verwaltung", "anmeldung"}

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in self.RESERVED_SLUGS:
            raise forms.ValidationError(
                _("Dieser Kurzname ist reserviert. Bitte wählen Sie einen anderen.")
            )
        return slug

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Das Ende muss nach dem Beginn liegen."))
        if opens and closes and closes <= opens:
            self.add_error(
                "registration_closes_at", _("Die Anmeldung muss nach ihrem Start enden.")
            )
        return data


# A programme and the tables of one event are short: the bounds keep a forged form count from
# making the page build thousands of forms.
FORMSET_MAX = 50

ProgrammeFormSet = inlineformset_factory(
    Event,
    ProgrammeItem,
    form=ModelForm,
    fields=["starts_at", "ends_at", "title", "description"],
    widgets={
        "starts_at": TimeInput(),
        "ends_at": TimeInput(),
        "description": forms.Textarea(attrs={"rows": 2}),
    },
    extra=2,
    can_delete=True,
    max_num=FORMSET_MAX,
    absolute_max=FORMSET_MAX,
    validate_max=True,
)

TableFormSet = inlineformset_factory(
    Event,
    EventTable,
    form=ModelForm,
    fields=["title", "description", "capacity", "position"],
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
    extra=2,
    can_delete=True,
    max_num=FORMSET_MAX,
    absolute_max=FORMSET_MAX,
    validate_max=True,
)


class EventMessageForm(ModelForm):
    class Meta:
        model = EventMessage
        fields = ["audience", "subject", "body"]
        widgets = {"audience": forms.RadioSelect}


class InvitationCodeForm(Form):
    column_model = InvitationCode

    label = forms.CharField(label=_("Für wen (z. B. Institution oder Person)"), max_length=200)
    max_uses = forms.IntegerField(
        label=_("Anzahl Anmeldungen mit diesem Code"), min_value=1, initial=1
    )


class RegistrationFilterForm(Form):
    q = forms.CharField(label=_("Suche (Name, E-Mail, Organisation)"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("alle"))] + Registration.Status.choices
    )
    table = forms.TypedChoiceField(
        label=_("Thementisch"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(
        label=_("Teilnahme als"),
        required=False,
        choices=[("", _("alle"))] + Registration.Kind.choices,
    )
    need = forms.ChoiceField(
        label=_("Bedarf"),
        required=False,
        choices=[
            ("", _("alle")),
            ("step_free", _("stufenloser Zugang")),
            ("sign_language", _("Gebärdensprachdolmetschung")),
            ("induction_loop", _("Induktionsschleife")),
            ("other", _("sonstiger Bedarf")),
        ],
    )

    def __init__(self, *args, event: Event, tables=None, **kwargs):
        """tables: the event's tables, when the caller has read them already."""
        super().__init__(*args, **kwargs)
        tables = event.tables.all() if tables is None else tables
        self.fields["table"].choices = [("", _("alle"))] + [(t.pk, t.title) for t in tables]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "query": data.get("q") or "",
            "status": data.get("status") or "",
            "table_id": data.get("table"),
            "kind": data.get("kind") or "",
            "need": data.get("need") or "",
        }
