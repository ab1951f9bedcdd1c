from django import forms
from django.utils.translation import gettext_lazy as _


class HoneypotField(forms.CharField):
    """A trap field for naive bots. The template hides its wrapper from people (CSS class
    "honeypot", aria-hidden); the input is also kept out of the tab order, because a focusable
    element inside aria-hidden would be announced as nothing (axe: aria-hidden-focus)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Bitte leer lassen"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
        )
        super().__init__(**kwargs)
