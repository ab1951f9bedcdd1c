"""The legal texts: Impressum, privacy notice (Datenschutzerklärung), accessibility statement.

The privacy notice is versioned: every version keeps its template under
templates/legal/datenschutz/<version>.html and stays readable at /datenschutz/fassung/<version>/.
Consent records (event registrations, public comments) store the version that was shown, so each
points to the text the person agreed to. A change in substance adds a new version (a new file and
an entry here); the newest is the current one. Figures such as retention periods are read from
the settings when the page is rendered.
"""

from django.conf import settings

PRIVACY_NOTICE_VERSIONS = ("2022-11-01", "2026-12-03")
PRIVACY_NOTICE_VERSION = PRIVACY_NOTICE_VERSIONS[-1]

# The date the accessibility statement was written and last reviewed.
ACCESSIBILITY_STATEMENT_DATE = "2026-12-03"


def privacy_template(version: str) -> str | None:
    """The template of a privacy notice version, or None for an unknown version."""
    if version not in PRIVACY_NOTICE_VERSIONS:
        return None
    return f"legal/datenschutz/{version}.html"


def notice_version_of(consent_version: str) -> str:
    """The notice version a stored consent version names ("2026-12-03/1a2b3c4d" -> "2026-12-03")."""
    return (consent_version or "").split("/", 1)[0]


def retention_facts() -> dict:
    """The periods the privacy notice states, from the settings in force."""
    return {
        "outbox_days": settings.OUTBOX_RETENTION_DAYS,
        "invitation_days": settings.INVITATION_VALID_DAYS,
        "session_days": settings.SESSION_COOKIE_AGE // 86400,
        "comment_confirmation_hours": settings.PUBLIC_COMMENT_CONFIRMATION_HOURS,
        "log_days": settings.LOG_RETENTION_DAYS,
        "registration_days": settings.BETEILIGUNG_RETENTION_DAYS,
        "opt_in_minutes": settings.BETEILIGUNG_OPT_IN_MINUTES,
        "contact_email": settings.LEGAL_CONTACT_EMAIL,
    }
