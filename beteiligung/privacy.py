"""The consent text shown at registration; each registration stores the version it agreed to."""

import hashlib

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

CONSENT_TEXT = _(
    "Ich willige ein, dass die Landeshauptstadt Erfurt (Amt für Soziales, Geschäftsstelle "
    "Sozialraumplanung) meine Angaben zur Organisation dieser Veranstaltung verarbeitet: "
    "Anmeldung, Platzvergabe und Warteliste, Bedarfe zur Barrierefreiheit, Erinnerung und "
    "Nachbereitung per E-Mail sowie die Anwesenheitsliste. Die personenbezogenen Daten werden "
    "nach der Veranstaltung gelöscht oder anonymisiert (siehe Datenschutzhinweise). Ich kann "
    "meine Anmeldung jederzeit über meinen persönlichen Link löschen."
)

# Bump the date when the text above changes in substance; the hash catches any other edit.
PRIVACY_NOTICE_DATE = "2022-11-01"


_VERSIONS: dict[str, str] = {}


def privacy_version() -> str:
    """The version of the consent text in the active language (computed once per language)."""
    language = get_language() or ""
    version = _VERSIONS.get(language)
    if version is None:
        digest = hashlib.sha256(str(CONSENT_TEXT).encode()).hexdigest()[:8]
        version = _VERSIONS[language] = f"{PRIVACY_NOTICE_DATE}/{digest}"
    return version
