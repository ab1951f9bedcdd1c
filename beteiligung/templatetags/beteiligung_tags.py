from django import template
from django.conf import settings

from beteiligung.privacy import CONSENT_TEXT, privacy_version

register = template.Library()


@register.simple_tag
def beteiligung_privacy() -> dict:
    """Facts for the privacy notice section on event registrations."""
    return {
        "retention_days": settings.BETEILIGUNG_RETENTION_DAYS,
        "opt_in_minutes": settings.BETEILIGUNG_OPT_IN_MINUTES,
        "consent_text": CONSENT_TEXT,
        "version": privacy_version(),
    }
