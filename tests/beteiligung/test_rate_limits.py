"""The registration limit counts per client address, wherever X-Forwarded-For points."""

import pytest

from beteiligung.models import Registration
from tests.beteiligung.test_views_public import form_data, url

PROXY = "172.20.0.5"  # the nginx container as the app sees it


@pytest.fixture
def limit_two(settings):
    settings.BETEILIGUNG_RATE_LIMIT = 2


def _register(client, event, tables, i, **extra):
    table = str(tables[i % 2].pk)
    return client.post(
        url(event), form_data(tables, email=f"p{i}@example.org", table=table), **extra
    )


def test_rotating_forwarded_for_without_a_trusted_proxy_does_not_help(
    client, event, tables, limit_two
):
    statuses = [
        _register(client, event, tables, i, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Registration.objects.count() == 2


def test_rotating_forwarded_for_behind_the_proxy_does_not_help(
    client, event, tables, limit_two, settings
):
    """The proxy appends the peer it saw; what the client wrote before it is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    statuses = [
        _register(
            client,
            event,
            tables,
            i,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.7",
        ).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_clients_behind_the_proxy_are_counted_apart(client, event, tables, limit_two, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(2):
        _register(client, event, tables, i, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    other = _register(
        client, event, tables, 2, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert other.status_code == 302
