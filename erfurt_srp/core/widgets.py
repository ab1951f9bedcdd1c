"""The one date, time and datetime-local widget of the platform, and the form renderer that
gives every form's date and time fields that widget.

An HTML date input shows and sends only ISO values (2022-11-03, 17:00, 2022-11-03T17:00); a value
in the German display format (03.11.2022) is shown as empty, and saving the form unchanged then
fails with "Dieses Feld ist zwingend erforderlich". Django parses ISO input in every language
(its *_INPUT_FORMATS always include the ISO formats), so these widgets round-trip.

The project's form renderer (`erfurt_srp.core.forms.FormRenderer`, settings.FORM_RENDERER) uses
`DateTimeBoundField`, which puts the shared widget on every DateField, TimeField and
DateTimeField whose widget is Django's plain one (or a text input), so forms need not name a
widget, and a new form gets it too. Special widgets (hidden inputs, the
admin's calendar widgets, split date/time) are left alone.
"""

from django import forms
from django.forms.boundfield import BoundField

DATE_FORMAT = "%Y-%m-%d"
TIME_FORMAT = "%H:%M"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 (Django's argument name)
        super().__init__(attrs, format=DATE_FORMAT)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format=None):  # noqa: A002
        super().__init__(attrs, format=TIME_FORMAT)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):  # noqa: A002
        super().__init__(attrs, format=DATETIME_FORMAT)


SHARED = (DateInput, TimeInput, DateTimeInput)
# Widgets that carry no format of their own: replaced by the shared one of the field's kind.
_PLAIN = (forms.DateInput, forms.TimeInput, forms.DateTimeInput, forms.TextInput)


def shared_widget_for(field: forms.Field) -> forms.Widget | None:
    """The shared widget a date/time field should render with, or None to keep its own."""
    if isinstance(field, forms.DateTimeField):
        cls = DateTimeInput
    elif isinstance(field, forms.DateField):
        cls = DateInput
    elif isinstance(field, forms.TimeField):
        cls = TimeInput
    else:
        return None
    widget = field.widget
    if isinstance(widget, SHARED) or type(widget) not in _PLAIN:
        return None
    attrs = {k: v for k, v in widget.attrs.items() if k != "type"}
    shared = cls(attrs=attrs)
    shared.is_required = widget.is_required
    shared.is_localized = widget.is_localized
    return shared


class DateTimeBoundField(BoundField):
    def __init__(self, form, field, name):
        shared = shared_widget_for(field)
        if shared is not None:
            # `field` is the form instance's own copy (form.fields), not the class's.
            field.widget = shared
        super().__init__(form, field, name)
