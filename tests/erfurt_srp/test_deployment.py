"""docker-compose.yml, deploy/nginx.conf and the Dockerfile: what the deployment promises.

The app is reachable only through the TLS proxy, the proxy writes the X-Forwarded-For entry the
app reads (TRUSTED_PROXY_COUNT=1), broker and cache live in separate Redis servers (the cache
bounded and evicting, the broker never evicting), and the production environment of the compose
file passes `check --deploy` and the image's collectstatic.
"""

import re
import secrets
import shlex
from pathlib import Path

import yaml

from tests.erfurt_srp.test_health_and_settings import _run

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _resolve(value: str) -> str:
    """Compose interpolation with the defaults: ${A:-x} -> x, ${A:?msg} -> a random secret."""
    value = re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", lambda _: secrets.token_urlsafe(50), value)
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def _app_environment() -> dict[str, str]:
    return {
        key: _resolve(str(value))
        for key, value in _compose()["services"]["web"]["environment"].items()
    }


def _redis_options(service: dict) -> dict[str, str]:
    words = shlex.split(_resolve(service["command"]))
    assert words[0] == "redis-server"
    return {
        words[i][2:]: words[i + 1] for i in range(1, len(words) - 1) if words[i].startswith("--")
    }


def _nginx_directives() -> list[list[str]]:
    text = re.sub(r"#.*", "", (ROOT / "deploy" / "nginx.conf").read_text())
    return [part.split() for part in re.split(r"[;{}]", text) if part.strip()]


def test_only_the_proxy_publishes_ports():
    services = _compose()["services"]
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    ports = {str(port).split(":")[-1] for port in services["proxy"]["ports"]}
    assert ports == {"80", "443"}
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in services["proxy"]["volumes"]


def test_the_proxy_forwards_to_web_and_sets_the_client_address():
    directives = _nginx_directives()
    assert ["server", "web:8000"] in directives
    headers = {d[1].lower(): d[2] for d in directives if d[0] == "proxy_set_header"}
    # Set, not appended: the client's own X-Forwarded-For never reaches the app.
    assert headers["x-forwarded-for"] == "$remote_addr"
    assert headers["x-forwarded-proto"] == "https"
    assert ["listen", "443", "ssl"] in directives
    assert _app_environment()["TRUSTED_PROXY_COUNT"] == "1"


def test_broker_and_cache_have_their_own_redis():
    services = _compose()["services"]
    env = _app_environment()
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert env["CACHE_URL"].startswith("redis://redis-cache:6379/")
    broker = _redis_options(services["redis"])
    cache = _redis_options(services["redis-cache"])
    assert broker["maxmemory-policy"] == "noeviction"
    assert cache["maxmemory-policy"] == "allkeys-lru"
    assert re.fullmatch(r"\d+(mb|gb)", cache["maxmemory"])


def test_app_services_share_the_production_environment():
    services = _compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["environment"]["DJANGO_DEBUG"] == "0"
        assert set(service["depends_on"]) == {"postgres", "redis", "redis-cache"}
        assert "ports" not in service
    assert "migrate --noinput && exec gunicorn erfurt_srp.wsgi" in services["web"]["command"][2]
    assert "celery -A erfurt_srp worker -Q default,mail" in services["worker"]["command"]


def test_check_deploy_is_clean_with_the_compose_environment():
    result = _run(_app_environment(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_images_collectstatic_runs_in_production_mode(tmp_path):
    """The Dockerfile's build step, with its own environment (production settings)."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    step = re.search(r"&&\s+((?:[A-Z_]+=\S+\s+)+)python manage\.py collectstatic", dockerfile)
    assert step, "the Dockerfile no longer runs collectstatic"
    env = dict(item.split("=", 1) for item in step.group(1).split())
    result = _run({**env, "STATIC_ROOT": str(tmp_path)}, "collectstatic", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").exists()
