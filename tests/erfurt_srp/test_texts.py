"""Stored titles made from a source text are shown in the reader's language; typed ones as typed."""

from django.utils import translation

from erfurt_srp.core.texts import localized

TITLES = ("Fachliche Stellungnahme: %(title)s", "Standorte für %(project)s")


def test_a_generated_title_follows_the_language_with_its_parts_as_stored():
    stored = "Fachliche Stellungnahme: Standorte für ThINKA (Demo)"
    with translation.override("en"):
        assert localized(stored, *TITLES) == "Professional statement: Sites for ThINKA (Demo)"
        assert localized("Fachliche Stellungnahme: Eigene Runde", *TITLES) == (
            "Professional statement: Eigene Runde"
        )
        assert localized("Runde zur Kita-Planung", *TITLES) == "Runde zur Kita-Planung"
        assert localized("", *TITLES) == ""
    with translation.override("de"):
        assert localized(stored, *TITLES) == stored
