"""render_message: mails written as templates."""

from pathlib import Path

import pytest
from django.template import TemplateDoesNotExist

from erfurt_srp.notifications.rendering import render_message

TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def _test_templates(settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES]}
    ]


def test_subject_body_and_html_come_from_the_templates():
    subject, body, html = render_message(
        "mailtest/invitation", {"meeting": "Sitzung 3/2022", "name": "<Ada>"}
    )

    assert subject == "Einladung: Sitzung 3/2022 & mehr"  # one line, not escaped
    assert body.startswith("Hallo <Ada>,\n\nSie sind eingeladen.")
    assert 'Tagesordnung: <Punkt 1> & "Punkt 2"' in body  # plain text stays plain
    assert html == "<p>Hallo &lt;Ada&gt;</p>"  # HTML escapes


def test_html_is_optional():
    subject, body, html = render_message("mailtest/plain", {"name": "Bert"})

    assert (subject, body, html) == ("Nur Text", "Text für Bert\n", "")


def test_language_can_be_chosen():
    subject, _body, _html = render_message(
        "mailtest/invitation", {"meeting": "M", "name": "x"}, language="de"
    )
    assert subject.startswith("Einladung")


def test_a_missing_body_template_is_an_error():
    with pytest.raises(TemplateDoesNotExist):
        render_message("mailtest/nothing", {})
