"""Production settings for bench/beteiligung.py, with two changes: static files are stored without
the manifest, because collectstatic's manifest step currently fails on
static/vendor/leaflet/leaflet.js (it references leaflet.js.map, which is not vendored; the bench
measures HTML pages and form posts only, so this does not touch its figures); and the URLs add
the bare comparison page of bench/beteiligung_urls.py."""

from erfurt_srp.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

ROOT_URLCONF = "bench.beteiligung_urls"
