"""Settings for the test suite: production settings plus what tests need (pytest uses this)."""

from .settings import *  # noqa: F403

# One process runs the tests: the per-process cache is shared by everything under test, and
# cache.clear() between tests cannot disturb a parallel run (each process has its own).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405

# Tasks run eagerly even when REDIS_URL is set (same behaviour locally and in CI); the worker
# tests in tests/notifications switch a real worker on for themselves.
CELERY_TASK_ALWAYS_EAGER = True

# Fast hashing keeps the suite quick; production keeps Django's PBKDF2 default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Static files from the app directories, without collectstatic's manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
