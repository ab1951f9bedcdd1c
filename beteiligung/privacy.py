"""The consent text shown at registration; each registration stores the version it agreed to."""

import hashlib

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from erfurt_srp.core.legal import PRIVACY_NOTICE_VERSION

CONSENT_TEXT = _(
    "Ich willige ein, dass die Landeshauptstadt Erfurt (Amt für Soziales, Geschäftsstelle "
    "Sozialraumplanung) meine Angaben zur Organisation dieser Veranstaltung verarbeitet: "
    "Anmeldung, Platzvergabe und Warteliste, Bedarfe zur Barrierefreiheit, Erinnerung und "
    "Nachbereitung per E-Mail sowie die Anwesenheitsliste. Die personenbezogenen Daten werden "
    "nach der Veranstaltung gelöscht oder anonymisiert (siehe Datenschutzhinweise). Ich kann "
    "meine Anmeldung jederzeit über meinen persönlichen Link löschen."
)


_VERSIONS: dict[str, str] = {}


def privacy_version() -> str:
    """The version of the consent text in the active language (computed once per language):
    the privacy notice version it belongs to and a hash of the consent text itself."""
    language = get_language() or ""
    version = _VERSIONS.get(language)
    if version is None:
        digest = hashlib.sha256(str(CONSENT_TEXT).encode()).hexdigest()[:8]
        version = _VERSIONS[language] = f"{PRIVACY_NOTICE_VERSION}/{digest}"
    return version
