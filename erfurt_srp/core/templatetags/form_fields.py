"""allauth's `{% element field %}` (an input outside a Django form: the e-mail address radios, the
recovery codes, the TOTP secret) rendered as a bound field through the project's one field
template, so it carries the same markup as every other field."""

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import mark_safe

register = template.Library()


class _SingleChoiceInput(forms.CheckboxInput):
    """One radio button or checkbox whose value is given, not True/False."""

    def __init__(self, input_type, value, attrs=None):
        super().__init__(attrs, check_test=lambda checked: bool(checked))
        self.input_type = input_type
        self.choice_value = value

    def format_value(self, value):
        return None if self.choice_value is None else str(self.choice_value)


class _ElementBoundField(BoundField):
    @property
    def auto_id(self):
        return self.field.element_id

    @property
    def errors(self):
        return self.field.element_errors


def _widget(attrs):
    kind = attrs.get("type") or "text"
    html = {key: True for key in ("readonly",) if attrs.get(key)}
    if attrs.get("autocomplete"):
        html["autocomplete"] = attrs["autocomplete"]
    if kind == "textarea":
        if attrs.get("rows"):
            html["rows"] = attrs["rows"]
        return forms.Textarea(html)
    if kind in ("checkbox", "radio"):
        return _SingleChoiceInput(kind, attrs.get("value"), html)
    widget = forms.TextInput(html)
    widget.input_type = kind
    return widget


@register.simple_tag
def element_field(attrs, slots):
    def slot(name):
        return mark_safe("".join(slots.get(name, [])).strip())

    widget = _widget(attrs)
    field = forms.CharField(
        label=slot("label"),
        help_text=slot("help_text"),
        required=bool(attrs.get("required")),
        disabled=bool(attrs.get("disabled")),
        widget=widget,
        bound_field_class=_ElementBoundField,
    )
    field.element_id = attrs.get("id") or attrs.get("name") or ""
    field.element_errors = attrs.get("errors") or forms.utils.ErrorList()
    if isinstance(widget, _SingleChoiceInput):
        initial = bool(attrs.get("checked"))
    elif attrs.get("type") == "textarea":
        initial = slot("value")
    else:
        initial = attrs.get("value")
    name = attrs.get("name") or "value"
    form = forms.Form(initial={name: initial})
    form.fields[name] = field
    return form[name].as_field_group()
