"""Every form field renders through one template (settings.FORM_RENDERER): the label tied to the
input, the required marker, help text and errors referenced by aria-describedby, aria-invalid on
error, a fieldset with legend for choice groups."""

import re

import pytest
from django import forms
from django.template import Context, Template

from erfurt_srp.core.forms import HoneypotField


class SampleForm(forms.Form):
    name = forms.CharField(label="Name", help_text="Vor- und Nachname")
    note = forms.CharField(label="Notiz", required=False)
    answer = forms.ChoiceField(
        label="Antwort",
        choices=[("ja", "Ja"), ("nein", "Nein")],
        widget=forms.RadioSelect,
        help_text="Eine Antwort",
    )
    consent = forms.BooleanField(label="Ich willige ein")
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    website = HoneypotField()

    def clean(self):
        raise forms.ValidationError("Das passt nicht zusammen.")


def _tag(html, element_id):
    """The opening tag of the element with this id."""
    match = re.search(rf'<[a-z]+[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, f"no element with id {element_id}"
    return match.group(0)


def test_text_field_has_label_required_marker_help_and_error_tied_to_the_input():
    form = SampleForm(data={"name": ""})

    html = str(form["name"].as_field_group())

    assert '<label for="id_name">Name <span class="required-mark">(Pflichtfeld)</span>' in html
    assert '<div class="helptext" id="id_name_helptext">Vor- und Nachname</div>' in html
    assert '<ul class="errorlist" id="id_name_error"><li>' in html
    field = _tag(html, "id_name")
    assert 'aria-describedby="id_name_helptext id_name_error"' in field
    assert 'aria-invalid="true"' in field
    assert 'class="field field-has-error"' in html


def test_optional_field_without_error_has_no_marker_and_is_not_invalid():
    form = SampleForm(data={"note": "x"})

    html = str(form["note"].as_field_group())

    assert "required-mark" not in html
    assert "aria-invalid" not in html and "errorlist" not in html


def test_choice_group_is_a_fieldset_with_legend_described_by_help_and_error():
    form = SampleForm(data={})

    html = str(form["answer"].as_field_group())

    assert (
        '<fieldset class="choice-group" aria-describedby="id_answer_helptext id_answer_error">'
        in html
    )
    assert "<legend>Antwort" in html and "(Pflichtfeld)" in html
    assert '<label for="id_answer">' not in html
    assert html.count('aria-invalid="true"') == 2


def test_checkbox_stands_before_its_label():
    html = str(SampleForm()["consent"].as_field_group())

    assert html.index('id="id_consent"') < html.index('<label for="id_consent">')


def test_whole_form_shows_errors_not_tied_to_a_field_first_and_keeps_hidden_fields_hidden():
    form = SampleForm(data={"name": "A", "answer": "ja", "consent": "on"})

    html = str(form)

    assert html.index('role="alert"') < html.index('for="id_name"')
    assert "Das passt nicht zusammen." in html
    assert '<input type="hidden" name="token"' in html and 'for="id_token"' not in html
    assert '<div class="honeypot" aria-hidden="true"><label for="id_website">' in html


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [
        (
            {
                "type": "radio",
                "name": "email",
                "value": "a@example.org",
                "id": "radio_1",
                "checked": True,
            },
            ['<input type="radio" name="email" value="a@example.org"', "checked", 'id="radio_1"'],
        ),
        (
            {"type": "textarea", "id": "recovery_codes", "readonly": True, "rows": 3},
            ['<textarea name="value" cols="40" rows="3" readonly', 'id="recovery_codes"'],
        ),
        (
            {"type": "text", "id": "authenticator_secret", "value": "ABC", "disabled": True},
            ['value="ABC"', "disabled", '<label for="authenticator_secret">'],
        ),
    ],
)
def test_allauth_element_field_renders_through_the_same_template(attrs, expected):
    template = Template("{% load form_fields %}{% element_field attrs slots %}")
    slots = {"label": ["Bezeichnung"], "help_text": ["Hilfe"]}

    html = template.render(Context({"attrs": attrs, "slots": slots}))

    assert html.startswith('<div class="field">')
    assert f'id="{attrs["id"]}_helptext"' in html
    assert f'aria-describedby="{attrs["id"]}_helptext"' in _tag(html, attrs["id"])
    for part in expected:
        assert part in html
