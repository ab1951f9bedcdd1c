from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .widgets import DateTimeBoundField


class FormRenderer(TemplatesSetting):
    """The project's form renderer (settings.FORM_RENDERER). Every form and field renders through
    one pair of templates: `{{ form }}` for a whole form, `{{ form.field.as_field_group }}` for
    one field. The field template carries the accessible markup: label tied to the input, the
    required marker, help text and errors referenced by aria-describedby (set by Django),
    aria-invalid on error, and a fieldset with legend for radio and checkbox groups.

    Its bound field gives every date, time and datetime field the platform's one ISO widget
    (erfurt_srp/core/widgets.py), so a form saved unchanged sends back what it showed."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = DateTimeBoundField


class HoneypotField(forms.CharField):
    """A trap field for naive bots. The template hides its wrapper from people (CSS class
    "honeypot", aria-hidden); the input is also kept out of the tab order, because a focusable
    element inside aria-hidden would be announced as nothing (axe: aria-hidden-focus)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Bitte leer lassen"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("template_name", "core/forms/honeypot.html")
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
        )
        super().__init__(**kwargs)
