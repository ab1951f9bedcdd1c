"""The language each person reads: e-mails are composed in the recipient's language.

    with recipient_language(email):
        body = render_to_string(...)

A person with an account reads the language stored on it (chosen in the account settings, set
at sign-up to the language of the page); an address without an account reads `default`
(the site's language unless the caller knows better, e.g. the page the visitor used).
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


def supported(language: str | None) -> str:
    """The site language that `language` (e.g. "en-gb", None) stands for."""
    codes = [code for code, _name in settings.LANGUAGES]
    code = (language or "").lower()
    if code in codes:
        return code
    code = code.split("-")[0]
    return code if code in codes else settings.LANGUAGE_CODE


def current() -> str:
    return supported(translation.get_language())


def languages_of(emails, *, default: str | None = None) -> dict[str, str]:
    """{e-mail (lower case): language} for every address, in one query."""
    from .models import User

    wanted = {email.strip().lower() for email in emails if email}
    fallback = supported(default)
    found = {}
    if wanted:
        found = dict(User.objects.filter(email__in=wanted).values_list("email", "language"))
    return {email: supported(found.get(email) or fallback) for email in wanted}


def language_of(email: str, *, default: str | None = None) -> str:
    return languages_of([email], default=default).get(email.strip().lower(), supported(default))


@contextmanager
def recipient_language(email: str | None = None, *, language: str | None = None, default=None):
    """Compose inside this block in the recipient's language (or the given `language`)."""
    code = supported(language) if language else language_of(email or "", default=default)
    with translation.override(code):
        yield code
