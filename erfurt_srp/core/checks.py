"""Deployment checks of the project (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def cache_has_its_own_redis(app_configs, **kwargs):
    if settings.REDIS_URL and settings.CACHE_URL == settings.REDIS_URL:
        return [
            checks.Warning(
                "The cache uses the Celery broker's Redis (CACHE_URL is unset or equals REDIS_URL).",
                hint=(
                    "Give the cache its own Redis with maxmemory and allkeys-lru and set "
                    "CACHE_URL to it; an evicting policy on the broker's Redis would drop tasks, "
                    "and without a limit the cache can fill the broker's memory."
                ),
                id="erfurt_srp.W001",
            )
        ]
    return []
