"""erfurt_srp.core.cache.RedisCache: Django's Redis cache with one client per server, against
the REAL Redis of REDIS_URL (make test and CI set it; the suite's own cache is locmem)."""

import uuid

import pytest
from django.core.cache import caches

from erfurt_srp.core.cache import RedisCache


@pytest.fixture
def redis_cache(settings):
    if not settings.REDIS_URL:
        pytest.fail("This test needs Redis: set REDIS_URL (make test and CI do).")
    # Assigning CACHES resets django.core.cache.caches (setting_changed), here and afterwards.
    settings.CACHES = {
        **settings.CACHES,
        "redis": {
            "BACKEND": "erfurt_srp.core.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"test-cache-{uuid.uuid4().hex}",  # nothing shared with other runs
        },
    }
    cache = caches["redis"]
    yield cache
    cache.delete_many(["plain", "counter", "once"])
    cache.close()


def test_operations_reuse_one_redis_client(redis_cache):
    assert isinstance(redis_cache, RedisCache)
    client = redis_cache._cache.get_client(write=True)

    redis_cache.get("plain")
    redis_cache.set("plain", 1)

    assert redis_cache._cache.get_client() is client
    assert redis_cache._cache.get_client("plain", write=True) is client
    assert redis_cache._cache._clients == {0: client}
    assert client.connection_pool is redis_cache._cache._pools[0]


def test_get_set_add_incr_delete_work_against_redis(redis_cache):
    assert redis_cache.get("plain") is None
    redis_cache.set("plain", {"a": [1, 2]}, 30)
    assert redis_cache.get("plain") == {"a": [1, 2]}

    assert redis_cache.add("once", "first", 30) is True
    assert redis_cache.add("once", "second", 30) is False
    assert redis_cache.get("once") == "first"

    redis_cache.set("counter", 1)
    assert redis_cache.incr("counter") == 2
    assert redis_cache.incr("counter", 5) == 7
    assert redis_cache.get("counter") == 7

    assert redis_cache.delete("plain") is True
    assert redis_cache.get("plain", "gone") == "gone"
    assert redis_cache.delete("plain") is False
