"""Production settings for bench/beteiligung.py, with one change: static files are stored without
the manifest, because collectstatic's manifest step currently fails on
static/vendor/leaflet/leaflet.js (it references leaflet.js.map, which is not vendored). The bench
measures HTML pages and form posts only, so this does not touch its figures."""

from erfurt_srp.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
