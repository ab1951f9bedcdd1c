"""docker-compose.yml and Dockerfile: the five services and the names operations rely on."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_the_five_services():
    services = _compose()["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    web = services["web"]["command"]
    assert web[:2] == ["sh", "-c"] and "\n" not in web[2]
    assert "migrate --noinput && exec gunicorn erfurt_srp.wsgi" in web[2]
    assert "celery -A erfurt_srp worker -Q default,mail" in services["worker"]["command"]
    assert "celery -A erfurt_srp beat" in services["beat"]["command"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_app_services_run_in_production_mode_against_postgres_and_redis():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DJANGO_DEBUG"] == "0"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["DATABASE_URL"].endswith("@postgres:5432/erfurt_srp")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert "SECRET_KEY" in env and "ALLOWED_HOSTS" in env
        assert set(services[name]["depends_on"]) == {"postgres", "redis"}


def test_dockerfile_builds_the_project_with_pinned_dependencies():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    assert "pip install -c constraints.txt ." in dockerfile
    assert "collectstatic" in dockerfile
    assert "libpango-1.0-0" in dockerfile  # WeasyPrint
    assert '"gunicorn", "erfurt_srp.wsgi"' in dockerfile
