"""One client address for every rate limit: REMOTE_ADDR, set from the proxy's header only when
TRUSTED_PROXY_COUNT says a proxy is in front."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from erfurt_srp.core.middleware import client_address_from


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.2"),  # no proxy: the header is the client's own text
        (1, "", "10.0.0.2"),
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # left part written by the client
        (2, "198.51.100.1, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.2"),  # fewer entries than proxies: not from them
        (1, "198.51.100.1, nonsense", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address_from(meta) == expected


def test_the_request_carries_the_client_address(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get(
        "/healthz", REMOTE_ADDR="172.20.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
    )
    assert response.wsgi_request.META["REMOTE_ADDR"] == "203.0.113.7"


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_login_attempts_are_limited_however_forwarded_for_rotates(
    client, db, settings, trusted_proxies
):
    """allauth's limit of login attempts per address (30 a minute) holds, for the admin too."""
    settings.TRUSTED_PROXY_COUNT = trusted_proxies
    cache.clear()
    statuses = []
    for i in range(31):
        response = client.post(
            reverse("account_login"),
            {"login": f"wer{i}@example.org", "password": "falsch-falsch"},
            REMOTE_ADDR="172.20.0.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.7",
        )
        statuses.append(response.status_code)
    cache.clear()
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
