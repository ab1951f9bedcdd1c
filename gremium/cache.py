"""A content version for the public gremium pages.

The public calendar and public meeting pages are the same for every visitor without a committee
membership, so their rendered body is cached under a key that contains this version. Every
service that writes meetings, agendas, papers or minutes calls `content_changed()`; admin edits
reach it through post_save/post_delete (connected in apps.py). The version is bumped at once and
again after commit, so a request that re-cached the old state during the transaction is replaced.
With Redis (production) all workers share the version; with the local-memory cache (no REDIS_URL)
the short timeout bounds staleness.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

VERSION_KEY = "gremium:content-version"
TIMEOUT = 60


def _bump() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def content_changed(*args, **kwargs) -> None:
    _bump()
    transaction.on_commit(_bump)


def public_key(kind: str, *parts) -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY, version)
    joined = ":".join(str(p) for p in parts)
    return f"gremium:{kind}:{version}:{get_language()}:{joined}"


def cached_body(key: str, render):
    """Return the cached value for key, or render(), store and return it."""
    body = cache.get(key)
    if body is None:
        body = render()
        cache.set(key, body, TIMEOUT)
    return body


# --- content-addressed fragments ---------------------------------------------------------------
#
# A fragment that differs per viewer only by facts the view already holds (e.g. the comment
# threads of an agenda item: same for every member, apart from which comments the viewer may still
# edit) is cached under a hash of exactly those facts. Nothing needs invalidating: changed data
# gives a new key. The CSRF token, the one per-visitor secret in such a fragment, is rendered as
# a placeholder and swapped for the visitor's own token on the way out.

FRAGMENT_TIMEOUT = 60


def csrf_placeholder() -> str:
    """A stand-in for the CSRF token in cached fragments (stable across processes, unguessable)."""
    from django.utils.crypto import salted_hmac

    return "csrf-" + salted_hmac("gremium.cache.csrf_placeholder", "v1").hexdigest()[:32]


def fragment_key(kind: str, facts) -> str:
    """The cache key of a fragment: its kind, language, time zone, script prefix and a hash of
    `facts` (a repr-able structure of everything the fragment's template reads)."""
    import hashlib

    from django.urls import get_script_prefix
    from django.utils import timezone

    digest = hashlib.sha256(
        repr(
            (get_language(), timezone.get_current_timezone_name(), get_script_prefix(), facts)
        ).encode()
    ).hexdigest()
    return f"gremium:fragment:{kind}:{digest}"


def cached_fragments(keys: dict, render, csrf_token: str) -> dict:
    """{name: key} -> {name: html}: one cache read for all, render(name) for the misses (with
    csrf_placeholder() as the token), stored; the placeholder is replaced by csrf_token."""
    found = cache.get_many(list(keys.values()))
    missing = {}
    result = {}
    for name, key in keys.items():
        html = found.get(key)
        if html is None:
            html = render(name)
            missing[key] = html
        result[name] = html
    if missing:
        cache.set_many(missing, FRAGMENT_TIMEOUT)
    placeholder = csrf_placeholder()
    return {name: html.replace(placeholder, csrf_token) for name, html in result.items()}
