"""Values cached under a namespace version that writers bump once their transaction commits.

    html = versioned_cache.get_or_set("beteiligung.event", (slug, language), build)
    versioned_cache.bump("beteiligung.event")   # in the writing service or a post_save receiver

A reader takes the version before it reads the database, so what it stores is never older than
the version it is stored under; a bump after commit makes every older entry unreachable (they
expire on their own). The version starts at a random number, so a cache that lost the version
key but kept entries (eviction) does not count up into them again.
"""

import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction

DEFAULT_TIMEOUT = 600


def _version_key(namespace: str) -> str:
    return f"vc:{namespace}:version"


def version(namespace: str) -> int:
    key = _version_key(namespace)
    current = cache.get(key)
    if current is None:
        cache.add(key, secrets.randbits(48), None)
        current = cache.get(key)
    return current


def key(namespace: str, key_parts, at_version: int | None = None) -> str:
    digest = hashlib.sha256(repr(tuple(key_parts)).encode()).hexdigest()[:32]
    if at_version is None:
        at_version = version(namespace)
    return f"vc:{namespace}:{at_version}:{digest}"


def get_or_set(
    namespace: str,
    key_parts,
    builder,
    timeout: int = DEFAULT_TIMEOUT,
    at_version: int | None = None,
    keep=None,
):
    """The value cached for key_parts under the namespace's current version, else builder()
    (stored unless None or keep(value) is false). key_parts: everything the value depends on
    besides the versioned data (language, audience, ...), as a tuple of repr-able values; never
    raw request input, which would let a visitor create keys without bound. at_version: the
    version, when the caller has read it already (it must have read it before the database)."""
    cache_key = key(namespace, key_parts, at_version)
    value = cache.get(cache_key)
    if value is None:
        value = builder()
        if value is not None and (keep is None or keep(value)):
            cache.set(cache_key, value, timeout)
    return value


def _bump_now(namespace: str) -> None:
    try:
        cache.incr(_version_key(namespace))
    except ValueError:  # the version key was lost: start afresh at a random number
        cache.add(_version_key(namespace), secrets.randbits(48), None)


def bump(namespace: str, **_signal_kwargs) -> None:
    """Make the namespace's cached values stale once the current transaction commits (at once
    outside a transaction). Usable as a signal receiver via functools.partial."""
    transaction.on_commit(lambda: _bump_now(namespace))
