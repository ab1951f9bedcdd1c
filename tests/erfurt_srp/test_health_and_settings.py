"""GET /healthz and the settings read from the environment (production mode in subprocesses)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


# --- /healthz ---------------------------------------------------------------------------------


def test_healthz_answers_200_with_database_and_broker_state(client, db, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] == "ok"
    assert data["broker"] == ("ok" if settings.REDIS_URL else "eager")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_when_the_broker_is_down(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "down"}


def test_healthz_503_when_the_database_is_down(client, db, monkeypatch):
    from django.db import OperationalError

    from erfurt_srp.core import views

    class ClosedConnection:
        def cursor(self):
            raise OperationalError("connection to 127.0.0.1:1 refused")

    monkeypatch.setattr(views, "connection", ClosedConnection())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"


def test_healthz_rejects_post(client, db):
    assert client.post("/healthz").status_code == 405


# --- proxy ------------------------------------------------------------------------------------


def test_x_forwarded_proto_https_is_trusted(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get("/", headers={"host": "testserver"})
    assert plain.status_code == 301
    assert plain.url.startswith("https://")
    proxied = client.get("/", headers={"x-forwarded-proto": "https"})
    assert proxied.status_code == 200
    assert proxied.wsgi_request.is_secure()


# --- production settings in subprocesses -------------------------------------------------------


def _run(extra_env: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "DJANGO_DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "REDIS_URL",
            "CACHE_URL",
            "STATIC_ROOT",
            "TRUSTED_PROXY_COUNT",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            # set by the browser tests' conftest for Playwright; never part of a deployment
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "DATABASE_URL": "postgres://srp:secret@127.0.0.1:5432/erfurt_srp",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6380/0",
    "ALLOWED_HOSTS": "sozialraumplanung.erfurt.de,127.0.0.1",
}


def test_check_deploy_reports_no_issue_in_production_mode():
    result = _run(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_cache_shares_the_brokers_redis():
    env = {key: value for key, value in PRODUCTION.items() if key != "CACHE_URL"}
    result = _run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "erfurt_srp.W001" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY is not set"),
        ("DATABASE_URL", "DATABASE_URL is not set"),
        ("REDIS_URL", "REDIS_URL is not set"),
    ],
)
def test_production_mode_stops_with_a_clear_message(missing, message):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = _run(env, "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_a_bad_boolean_is_rejected():
    result = _run({**PRODUCTION, "DJANGO_DEBUG": "vielleicht"}, "check")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_env_bool_parses_strictly(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from erfurt_srp.settings import env_bool

    for raw, expected in [("1", True), ("TRUE", True), ("off", False), ("no", False)]:
        monkeypatch.setenv("SRP_TEST_FLAG", raw)
        assert env_bool("SRP_TEST_FLAG", not expected) is expected
    monkeypatch.setenv("SRP_TEST_FLAG", "nein")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SRP_TEST_FLAG", False)
    monkeypatch.delenv("SRP_TEST_FLAG")
    assert env_bool("SRP_TEST_FLAG", True) is True


def test_production_settings_do_not_change_under_pytest(monkeypatch):
    """Test overrides live in settings_test.py: settings.py behaves the same inside pytest."""
    import runpy

    for key, value in PRODUCTION.items():
        monkeypatch.setenv(key, value)
    loaded = runpy.run_path(str(ROOT / "erfurt_srp" / "settings.py"))
    assert loaded["CACHES"]["default"]["LOCATION"] == PRODUCTION["CACHE_URL"]
    assert loaded["CELERY_TASK_ALWAYS_EAGER"] is False
    assert "PASSWORD_HASHERS" not in loaded  # Django's PBKDF2 default
    assert "whitenoise" in loaded["STORAGES"]["staticfiles"]["BACKEND"]
