"""Whole-page cache of the public event page for anonymous visitors.

The rendered page is stored per event slug and language under a content version that every
write of the app except a new registration bumps (on commit, see registration_saved), plus a
short lifetime for what changes with time alone or with new registrations (place holds
running out, the registration window opening or closing, places taken).

templates/base.html embeds the visitor's CSRF token (hx-headers and the language form), so the
page is rendered with a placeholder instead of the token and the placeholder is replaced by the
visitor's own token when the page is served.

A second, slower-moving version counts changes of events, tables and programmes only; under it
each process keeps its copy of an event for the page and its registration form
(selectors.event_get_public_cached).
"""

import secrets

from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

VERSION_KEY = "beteiligung:content-version"
DEFINITION_VERSION_KEY = "beteiligung:definition-version"
PAGE_SECONDS = 2
CSRF_PLACEHOLDER = "beteiligungCsrfPlaceholder0x7f3a9c"


def cacheable(request) -> bool:
    """A plain GET by a visitor without session or flash messages (so: anonymous)."""
    from django.conf import settings

    return (
        request.method == "GET"
        and not request.GET
        and not request.headers.get("HX-Request")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
    )


def lookup(slug: str) -> tuple[str, object, str | None]:
    """Return (key, current content version, cached page or None) with one cache round trip.

    The page is stored with the version it was rendered under; a page of an older version
    is a miss.
    """
    key = f"beteiligung:page:{get_language()}:{slug}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY) or 1
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return key, version, stored[1]
    return key, version, None


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 1, None)


def registration_saved(*, created: bool = False, **kwargs) -> None:
    """A registration changed: the page is stale, except for a new one.

    New registrations come in bursts (a thousand in seconds when an event opens) and would
    each throw the page away. The page shows the free places from a count that is itself
    cached for selectors.HELD_CACHE_SECONDS, so a new registration appears within seconds
    anyway: after PAGE_SECONDS, when the stored page runs out.
    """
    if not created:
        content_changed()


def content_changed(**_kwargs) -> None:
    """Make every cached page stale once the current transaction commits."""
    transaction.on_commit(_bump)


def definition_version() -> int:
    """The version of events, tables and programmes (see selectors.event_get_public_cached).

    It starts at a random number, so that copies kept by long-running processes never match
    a version counted anew after the cache was emptied (a Redis restart, a test).
    """
    version = cache.get(DEFINITION_VERSION_KEY)
    if version is None:
        cache.add(DEFINITION_VERSION_KEY, secrets.randbits(48), None)
        version = cache.get(DEFINITION_VERSION_KEY)
    return version


def _bump_definitions() -> None:
    try:
        cache.incr(DEFINITION_VERSION_KEY)
    except ValueError:
        cache.add(DEFINITION_VERSION_KEY, secrets.randbits(48), None)


def definition_changed(**_kwargs) -> None:
    """An event, table or programme item changed: the kept copies are stale now for this
    transaction and, once it commits, for everyone (a reader in between may have kept what it
    read before the commit)."""
    _bump_definitions()
    transaction.on_commit(_bump_definitions)


def with_token(request, html: str) -> str:
    return html.replace(CSRF_PLACEHOLDER, get_token(request))


def store(key: str, version, response) -> None:
    cache.set(key, (version, response.content.decode(response.charset)), PAGE_SECONDS)


def serve(request, html: str) -> HttpResponse:
    return HttpResponse(with_token(request, html))
