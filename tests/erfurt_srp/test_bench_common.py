"""bench/common.py: the load client works (GET, CSRF POST, login) against a live server."""

from bench.common import LoadResult, Session, _percentile, load, run_load
from tests.conftest import PASSWORD, make_user


def test_percentile_is_the_nearest_rank_of_the_sorted_values():
    values = [i / 100 for i in range(1, 101)]
    assert _percentile(values, 0.5) == 0.51  # index round(49.5) = 50
    assert _percentile(values, 0.95) == 0.95
    assert _percentile(values, 1.0) == 1.0
    assert _percentile([0.3], 0.99) == 0.3
    assert _percentile([], 0.5) == 0.0


def test_wrong_answers_and_failed_requests_count_as_errors(live_server, transactional_db):
    """The bench's verdict rests on this: a 404 or a refused connection is not a success."""
    missing = load(live_server.url + "/gibt-es-nicht/", requests=4, concurrency=2)
    assert missing.errors == 4 and missing.statuses == {"404": 4}
    assert len(missing.error_samples) == 4

    def broken(session, i):
        if i % 2:
            raise ConnectionError("refused")
        return session.get("/healthz")

    half = run_load(live_server.url, broken, requests=6, concurrency=2)
    assert half.requests == 6 and half.errors == 3
    assert half.statuses == {"200": 3, "ConnectionError": 3}


def test_session_refuses_non_local_hosts():
    import pytest

    with pytest.raises(ValueError):
        Session("http://example.org")


def test_load_and_logged_in_run_load(live_server, transactional_db):
    make_user("bench@example.org")
    result = load(live_server.url + "/healthz", requests=12, concurrency=3)
    assert isinstance(result, LoadResult)
    assert result.requests == 12 and result.errors == 0
    assert result.rps > 0 and result.p95_ms >= result.p50_ms > 0

    def login(session):
        session.login("bench@example.org", PASSWORD)

    def dashboard(session, i):
        return session.get("/dashboard/")

    logged_in = run_load(
        live_server.url, dashboard, requests=6, concurrency=2, setup=login, ok=lambda s: s == 200
    )
    assert logged_in.errors == 0, logged_in
    assert logged_in.statuses == {"200": 6}

    wrong = Session(live_server.url).post("/accounts/login/", {"login": "x@y.de", "password": "z"})
    assert wrong.status == 200  # CSRF accepted, form error shown
    assert "errorlist" in wrong.text
