"""Personal links in outbox messages: readable in the sent e-mail only, never in a table row.

A mail that carries a personal link (an invitation, a confirmation link) is queued with the
link's secret part (the token) taken out of the text:

    url = settings.SITE_URL + reverse("accounts:invitation_accept", args=[LINK_PLACEHOLDER])
    message_queue(..., body=f"... {url} ...", link_secret=token)

The row keeps the body with LINK_PLACEHOLDER and the token in `link_secret`, a field that staff
pages and the admin never show (they show the body with the link masked). The sender puts the
token into the text when it builds the e-mail and clears `link_secret` in the same UPDATE that
marks the message sent (or failed for good, or cancelled): from then on no row holds the link.

Sending such a message again (staff, after a failure) needs a fresh token, because the old one
is gone from the database. The app that owns the kind registers a reissuer in its
AppConfig.ready():

    register_link_reissuer("accounts.invitation", reissue)

reissue(message) runs inside the resend transaction, makes a new token (so the old link stops
working), stores its hash on its own object and returns the new token; it may raise DomainError.
"""

from collections.abc import Callable

# Only URL-safe characters, so that reverse() keeps it as it is inside a path.
LINK_PLACEHOLDER = "~personal-link~"
LINK_MASK = "••••••••"

_reissuers: dict[str, Callable] = {}


def register_link_reissuer(kind: str, reissue: Callable) -> None:
    _reissuers[kind] = reissue


def link_reissuer(kind: str) -> Callable | None:
    return _reissuers.get(kind)


def has_personal_link(text: str) -> bool:
    return LINK_PLACEHOLDER in (text or "")


def fill_link(text: str, secret: str) -> str:
    """Return the text with the personal link's secret part in place of the placeholder."""
    if not has_personal_link(text):
        return text
    if not secret:
        raise ValueError("The personal link of this message is no longer stored.")
    return text.replace(LINK_PLACEHOLDER, secret)


def mask_link(text: str) -> str:
    return (text or "").replace(LINK_PLACEHOLDER, LINK_MASK)
