"""Every date, time and datetime field of every form of the platform renders an ISO value in the
matching HTML input (date, time, datetime-local), in German and English, so a form saved unchanged
sends back what it showed. Forms are found by walking every form class of the project's apps, so
a new form is checked without being listed here."""

import copy
import importlib
import pkgutil
from datetime import date, datetime, time

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation

from erfurt_srp.core import widgets

PROJECT_APPS = ("erfurt_srp", "gremium", "leitlinien", "standorte", "beteiligung")


def _import_all_modules() -> list:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_APPS):
            continue
        module = importlib.import_module(config.name)
        modules.append(module)
        if not hasattr(module, "__path__"):
            continue
        for info in pkgutil.walk_packages(module.__path__, config.name + "."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            modules.append(importlib.import_module(info.name))
    return modules


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _project_forms():
    modules = _import_all_modules()
    seen = {}
    for cls in _subclasses(forms.BaseForm):
        if cls.__module__.startswith(PROJECT_APPS) and hasattr(cls, "base_fields"):
            seen[f"{cls.__module__}.{cls.__qualname__}"] = cls
    # The forms of formsets (inlineformset_factory builds them outside the app's module).
    for module in modules:
        for attr, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, forms.BaseFormSet):
                form = getattr(value, "form", None)
                if form is not None and hasattr(form, "base_fields"):
                    seen[f"{module.__name__}.{attr}.form"] = form
    return seen


def _date_time_fields():
    found = []
    for name, cls in sorted(_project_forms().items()):
        for field_name, field in cls.base_fields.items():
            if isinstance(field, forms.DateTimeField | forms.DateField | forms.TimeField):
                if isinstance(field.widget, forms.HiddenInput):
                    continue
                found.append((f"{name}.{field_name}", field_name, field))
    return found


FIELDS = _date_time_fields()

VALUE = {
    "datetime": (timezone.make_aware(datetime(2022, 11, 3, 17, 5)), "2022-11-03T17:05"),
    "date": (date(2022, 11, 3), "2022-11-03"),
    "time": (time(17, 5), "17:05"),
}


def _kind(field) -> str:
    if isinstance(field, forms.DateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    return "time"


def test_the_walk_finds_the_known_date_forms():
    labels = [label for label, _name, _field in FIELDS]
    for expected in [
        "DecisionForm.decision_date",
        "IndicatorForm.reference_date",
        "MeetingForm.start",
        "PaperForm.date",
        "EventForm.starts_at",
        "ThemeForm.decided_on",
        "ProgrammeFormSet.form.starts_at",
    ]:
        assert any(label.endswith("." + expected) for label in labels), labels


def test_the_platform_renderer_is_active():
    from django.forms.renderers import get_default_renderer

    assert get_default_renderer().bound_field_class is widgets.DateTimeBoundField
    assert settings.FORM_RENDERER


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize(("label", "field_name", "field"), FIELDS, ids=[f[0] for f in FIELDS])
def test_every_date_and_time_field_renders_an_iso_value(label, field_name, field, language):
    kind = _kind(field)
    value, iso = VALUE[kind]
    form_class = type("Probe", (forms.Form,), {field_name: copy.deepcopy(field)})
    with translation.override(language):
        form = form_class(initial={field_name: value})
        bound = form[field_name]
        html = str(bound)
        assert isinstance(bound.field.widget, widgets.SHARED), label
        assert f'value="{iso}"' in html, (label, html)
        input_type = {"datetime": "datetime-local", "date": "date", "time": "time"}[kind]
        assert f'type="{input_type}"' in html, (label, html)
        # What the input sends back is read as the same value.
        sent = form_class(data={field_name: iso})
        assert sent.is_valid(), (label, sent.errors)
        assert sent.cleaned_data[field_name] == value


def test_a_plain_django_widget_gets_the_shared_one_and_keeps_its_attributes():
    class Plain(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"class": "short"}))
        at = forms.DateTimeField()
        hidden = forms.DateField(widget=forms.HiddenInput())

    with translation.override("de"):
        form = Plain(initial={"day": date(2022, 11, 3), "hidden": date(2022, 11, 3)})
        html = str(form["day"])
        assert 'type="date"' in html and 'value="2022-11-03"' in html and 'class="short"' in html
        assert 'type="datetime-local"' in str(form["at"])
        assert 'type="hidden"' in str(form["hidden"])
    # The class's own field is untouched: only the form instance's copy changes.
    assert type(Plain.base_fields["day"].widget) is forms.DateInput
