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
