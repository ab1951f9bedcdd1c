"""Django's Redis cache backend, minus one redis.Redis object per cache operation.

Django's RedisCacheClient.get_client builds a new redis.Redis client for every get/add/set
(about 0.2 ms each: the constructor assembles its response-callback table). The connection pool
behind it is already one per process and server, and a redis.Redis client on a pool is
thread-safe, so one client per server is enough. Use as
CACHES["default"]["BACKEND"] = "erfurt_srp.core.cache.RedisCache".
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    """RedisCacheClient that keeps one redis.Redis client per server index."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            # Django's _get_connection_pool(write) would draw its own random read server;
            # build the pool for this index the way it does. Two threads may race here:
            # both clients work, one of them is kept.
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients.setdefault(
                index, self._client(connection_pool=self._pools[index])
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
