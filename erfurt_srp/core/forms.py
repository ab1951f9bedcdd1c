"""The base of every form of the platform, its renderer, and small shared fields.

Every form derives from `Form` or `ModelForm` here (tests/erfurt_srp/test_hostile_input.py
checks it), which adds two guarantees to Django's forms:

- A field whose submitted value holds a NUL byte is refused with a message next to it, before
  anything else looks at the value. Django's CharField does this already; choice, number, date,
  file and custom fields do not, and PostgreSQL cannot store or even compare such text.
- Every number field is bounded by the column its value is stored in: the form's model (a
  ModelForm's Meta.model, or `column_model` of a plain form) has a field of the same name, or
  `column_of` names it. A number field without a known column gets the range of PostgreSQL's
  `integer`. A value beyond the column is a message next to the field, not a database error.
"""

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator
from django.db import connection
from django.db import models as db_models
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from .widgets import DateTimeBoundField

NUL = "\x00"
NUL_MESSAGE = _(
    "Die Eingabe enthält ein unzulässiges Steuerzeichen (Nullzeichen). Bitte entfernen Sie es."
)
DEFAULT_INTEGER_COLUMN = "IntegerField"


def contains_nul(value) -> bool:
    """Whether a submitted value (text, list of texts, uploaded file) holds a NUL byte."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, (list, tuple)):
        return any(contains_nul(part) for part in value)
    name = getattr(value, "name", None)
    return isinstance(name, str) and NUL in name


def _refuse_nul(*_args, **_kwargs):
    raise ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")


def _column(model, name: str, column_of: dict):
    """The model field a form field's value is stored in, or None."""
    target = column_of.get(name)
    if isinstance(target, str) and "." in target:
        from django.apps import apps

        app_label, model_name, field_name = target.split(".")
        model, name = apps.get_model(app_label, model_name), field_name
    elif isinstance(target, tuple):
        model, name = target
    elif isinstance(target, str):
        name = target
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    if field.is_relation and getattr(field, "target_field", None) is not None:
        field = field.target_field
    return field


def _integer_range(model_field) -> tuple[int, int]:
    internal = DEFAULT_INTEGER_COLUMN
    if model_field is not None:
        internal = model_field.get_internal_type()
    try:
        return connection.ops.integer_field_range(internal)
    except KeyError:  # stored in a non-integer column (a text or decimal field)
        return connection.ops.integer_field_range(DEFAULT_INTEGER_COLUMN)


def bound_number_field(field: forms.Field, model_field) -> None:
    """Give a form's number field the bounds of the column (model_field, None: unknown)."""
    if isinstance(field, forms.DecimalField):
        if isinstance(model_field, db_models.DecimalField) and (
            field.max_digits is None or field.max_digits > model_field.max_digits
        ):
            field.max_digits = model_field.max_digits
            field.decimal_places = model_field.decimal_places
            field.validators.append(
                DecimalValidator(model_field.max_digits, model_field.decimal_places)
            )
        return
    if isinstance(field, forms.FloatField) or not isinstance(field, forms.IntegerField):
        return  # floats refuse infinity themselves; PostgreSQL's double holds any other
    low, high = _integer_range(model_field)
    if field.min_value is None or field.min_value < low:
        field.min_value = low
        field.validators.append(MinValueValidator(low))
        field.widget.attrs["min"] = low
    if field.max_value is None or field.max_value > high:
        field.max_value = high
        field.validators.append(MaxValueValidator(high))
        field.widget.attrs["max"] = high


class SafeInputMixin:
    """NUL bytes refused and numbers bounded by their columns (see the module docstring)."""

    # Plain forms: the model whose columns of the same names store the values.
    column_model = None
    # Form field name -> model field name, "app_label.Model.field" or (Model, "field"), for
    # fields whose column has another name or lives in another model.
    column_of: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.guard_fields()

    def full_clean(self):
        self.guard_fields()  # fields a form adds after __init__ (options, ranks) included
        super().full_clean()

    def guard_fields(self) -> None:
        model = self.column_model
        if model is None:
            model = getattr(getattr(self, "_meta", None), "model", None)
        for name, field in self.fields.items():
            if getattr(field, "_guarded", False):
                continue
            field._guarded = True
            if isinstance(field, forms.IntegerField):
                bound_number_field(field, _column(model, name, self.column_of))
            if self.is_bound and not field.disabled:
                raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
                if contains_nul(raw):
                    field.clean = _refuse_nul


class Form(SafeInputMixin, forms.Form):
    pass


class ModelForm(SafeInputMixin, forms.ModelForm):
    pass


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
