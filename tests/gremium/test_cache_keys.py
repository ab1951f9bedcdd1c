"""The public meeting list is cached under what it shows, not under the raw query string:
parameters the page does not use, unknown committees and pages past the end add no keys."""

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

JUNK = [
    "?utm_source=newsletter",
    "?a=1&b=2&c=3",
    "?seite=abc",
    "?seite=999999",
    "?seite=-3",
    "?gremium=gibt-es-nicht",
    "?zeit=irgendwann",
    "?zeit=kommend&x=1",
    "?x=" + "y" * 500,
]


def _keys() -> set:
    return set(cache._cache)  # the tests' local-memory cache (settings_test)


def test_junk_parameters_add_no_cache_keys(client, meeting):
    url = reverse("gremium:meeting_list")
    assert client.get(url).status_code == 200
    known = _keys()
    for query in JUNK:
        assert client.get(url + query).status_code == 200, query
    assert _keys() == known


def test_each_view_the_page_offers_is_cached_once(client, meeting, committee):
    url = reverse("gremium:meeting_list")
    client.get(url)
    known = _keys()
    views = ["?zeit=vergangen", f"?gremium={committee.slug}", f"?gremium={committee.slug}&seite=1"]
    for query in views:
        assert client.get(url + query).status_code == 200
    assert len(_keys() - known) == 2  # the last one is the same page as the second
