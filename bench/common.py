"""A small, dependency-free benchmark harness: a production-like gunicorn plus a bounded HTTP load.

Use it from another bench script (run from the repository root, e.g. `.venv/bin/python
bench/my_bench.py`; `make bench` runs every bench/*.py that has a main):

    import sys, pathlib; sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))
    from bench.common import server, load, run_load, report

    def seed():                          # runs in this process, Django set up on the bench DB
        from gremium.models import Committee
        Committee.objects.get_or_create(slug="x", defaults={"name": "X", "kind": "council"})

    if __name__ == "__main__":
        with server(seed=seed) as base_url:         # or seed=["seed_demo"] (management commands)
            result = load(base_url + "/", requests=2000, concurrency=20)
            report("home", result)                   # prints one line, writes bench/out/home.json

            # POST with CSRF, logged in, one session per worker thread:
            def login(session):
                session.login("staff@demo.erfurt-srp.de", "demo-erfurt-2022")
            def task(session, i):
                return session.post("/beteiligung/...", {"name": f"n{i}"})
            report("register", run_load(base_url, task, requests=200, concurrency=10, setup=login))

What server() does: creates (if missing) and migrates a PostgreSQL database of its own
(`srp_bench_<script name>` on 127.0.0.1:5432, override with database= or BENCH_DATABASE_URL),
collects static files, runs the seed, gathers planner statistics (ANALYZE), starts gunicorn
`erfurt_srp.wsgi` with 3 sync workers in production mode (DJANGO_DEBUG=0, a random SECRET_KEY,
ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=0) on a free 127.0.0.1 port, waits until /healthz
answers 200, yields the base URL and stops gunicorn at the end. Production mode needs a broker:
BENCH_REDIS_URL (default redis://127.0.0.1:6379/0) is the REDIS_URL of the server; without a worker
running, tasks run eagerly in the request (CELERY_TASK_ALWAYS_EAGER=1 unless the script sets it) and
mail goes to the locmem backend. Every request carries `X-Forwarded-Proto: https` as the TLS proxy
would.

Loads are bounded: a request count and a time budget (max_seconds), 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")

__all__ = [
    "LoadResult",
    "Response",
    "Session",
    "load",
    "report",
    "run_load",
    "server",
]


# --- HTTP client ------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str
    elapsed: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400

    def json(self):
        return json.loads(self.body)


_COOKIE_RE = re.compile(r"^\s*([^=;\s]+)=([^;]*)")


class Session:
    """A tiny requests-like session over http.client: keeps cookies, sends CSRF on POST.

    One Session per thread (it holds one keep-alive connection).
    """

    def __init__(self, base_url: str, timeout: float = 30.0):
        parts = urlsplit(base_url)
        if parts.hostname not in ("127.0.0.1", "localhost"):
            raise ValueError("Benchmarks only run against 127.0.0.1.")
        self.base_url = f"{parts.scheme}://{parts.netloc}"
        self.host = parts.hostname
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    # low level
    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _path(self, url: str) -> str:
        if url.startswith("http"):
            parts = urlsplit(url)
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return url

    def request(
        self,
        method: str,
        url: str,
        *,
        data: dict | bytes | str | None = None,
        headers: dict | None = None,
        follow: bool = False,
    ) -> Response:
        path = self._path(url)
        body = None
        hdrs = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "erfurt-srp-bench",
            "Accept-Language": "de",
        }
        if isinstance(data, dict):
            body = urlencode(data, doseq=True).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif isinstance(data, str):
            body = data.encode()
        elif data is not None:
            body = data
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        start = time.perf_counter()
        for attempt in range(2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=hdrs)
                raw = conn.getresponse()
                payload = raw.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # gunicorn sync workers close the connection; reconnect once.
                self.close()
                if attempt:
                    raise
        elapsed = time.perf_counter() - start
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                match = _COOKIE_RE.match(value)
                if match:
                    key, val = match.groups()
                    if "max-age=0" in value.lower() or val in ('""', ""):
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = val
        if raw.getheader("Connection", "").lower() == "close":
            self.close()
        response = Response(
            status=raw.status,
            headers={k.lower(): v for k, v in raw.getheaders()},
            body=payload,
            url=path,
            elapsed=elapsed,
        )
        if follow and response.status in (301, 302, 303, 307, 308):
            location = response.headers.get("location", "")
            for _ in range(5):
                target = urljoin(path, location)
                response = self.request(
                    "GET" if response.status != 307 else method, target, follow=False
                )
                if response.status not in (301, 302, 303, 307, 308):
                    break
                location = response.headers.get("location", "")
                path = target
        return response

    def get(self, url: str, **kwargs) -> Response:
        return self.request("GET", url, **kwargs)

    @property
    def csrf_token(self) -> str | None:
        return self.cookies.get("csrftoken")

    def post(self, url: str, data: dict | None = None, **kwargs) -> Response:
        """POST a form; fetch the page first when no CSRF cookie is there yet."""
        if self.csrf_token is None:
            self.get(url)
        data = dict(data or {})
        if self.csrf_token:
            data.setdefault("csrfmiddlewaretoken", self.csrf_token)
        headers = {
            "Referer": f"https://{self.host}:{self.port}{self._path(url)}",
            **({"X-CSRFToken": self.csrf_token} if self.csrf_token else {}),
            **kwargs.pop("headers", {}),
        }
        return self.request("POST", url, data=data, headers=headers, **kwargs)

    def login(self, email: str, password: str, path: str = "/accounts/login/") -> Response:
        """Log in through allauth's login page; raise if it does not redirect."""
        response = self.post(path, {"login": email, "password": password})
        if response.status != 302:
            raise RuntimeError(f"login of {email} failed: HTTP {response.status}")
        return response


# --- load -------------------------------------------------------------------------------------


@dataclass
class LoadResult:
    requests: int
    errors: int
    duration: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    concurrency: int
    statuses: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.requests} req, c={self.concurrency}: {self.rps:.1f} req/s, "
            f"errors {self.errors}, p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms, "
            f"p99 {self.p99_ms:.1f} ms, statuses {self.statuses}"
        )


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def run_load(
    base_url: str,
    task: Callable[[Session, int], Response | int],
    *,
    requests: int = 1000,
    concurrency: int = 10,
    setup: Callable[[Session], None] | None = None,
    ok: Callable[[int], bool] = lambda status: 200 <= status < 400,
    max_seconds: float = 120.0,
) -> LoadResult:
    """Call task(session, i) `requests` times from `concurrency` threads, one Session each.

    setup(session) runs once per thread before the clock starts (e.g. log in). A task returns a
    Response or a status code; ok(status) decides what counts as an error (default: 2xx/3xx).
    Stops early after max_seconds; the result counts what was done.
    """
    requests = int(requests)
    concurrency = max(1, min(int(concurrency), requests))
    counter = iter(range(requests))
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter = Counter()
    errors = 0
    samples: list[str] = []
    ready = threading.Barrier(concurrency + 1)
    deadline_box = [float("inf")]

    def worker() -> None:
        nonlocal errors
        session = Session(base_url)
        try:
            if setup:
                setup(session)
        finally:
            ready.wait()
        while True:
            if time.perf_counter() > deadline_box[0]:
                break
            with lock:
                i = next(counter, None)
            if i is None:
                break
            start = time.perf_counter()
            try:
                result = task(session, i)
                status = result if isinstance(result, int) else result.status
                good = ok(status)
                label = str(status)
            except Exception as exc:  # a failed request counts as an error, the load goes on
                good, label = False, type(exc).__name__
                session.close()
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                statuses[label] += 1
                if not good:
                    errors += 1
                    if len(samples) < 5:
                        samples.append(f"#{i}: {label}")
        session.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    deadline_box[0] = time.perf_counter() + max_seconds + 1.0
    ready.wait()
    started = time.perf_counter()
    deadline_box[0] = started + max_seconds
    for thread in threads:
        thread.join()
    duration = time.perf_counter() - started
    ordered = sorted(latencies)
    return LoadResult(
        requests=len(latencies),
        errors=errors,
        duration=round(duration, 3),
        rps=len(latencies) / duration if duration else 0.0,
        p50_ms=_percentile(ordered, 0.50) * 1000,
        p95_ms=_percentile(ordered, 0.95) * 1000,
        p99_ms=_percentile(ordered, 0.99) * 1000,
        max_ms=(ordered[-1] * 1000) if ordered else 0.0,
        concurrency=concurrency,
        statuses=dict(statuses),
        error_samples=samples,
    )


def load(
    url: str,
    *,
    requests: int = 1000,
    concurrency: int = 10,
    method: str = "GET",
    data: dict | Callable[[int], dict] | None = None,
    setup: Callable[[Session], None] | None = None,
    ok: Callable[[int], bool] = lambda status: 200 <= status < 400,
    max_seconds: float = 120.0,
) -> LoadResult:
    """Send `requests` requests to one URL at `concurrency`. POST sends `data` (a dict, or a
    callable(i) -> dict) with the CSRF token."""
    parts = urlsplit(url)
    base_url = f"{parts.scheme}://{parts.netloc}"

    def task(session: Session, i: int) -> Response:
        if method.upper() == "POST":
            payload = data(i) if callable(data) else data
            return session.post(url, payload)
        return session.request(method.upper(), url)

    return run_load(
        base_url,
        task,
        requests=requests,
        concurrency=concurrency,
        setup=setup,
        ok=ok,
        max_seconds=max_seconds,
    )


def report(name: str, result: LoadResult) -> LoadResult:
    """Print one line and write bench/out/<name>.json."""
    OUT.mkdir(parents=True, exist_ok=True)
    print(f"{name}: {result}", flush=True)
    if result.error_samples:
        print(f"  error samples: {result.error_samples}", flush=True)
    (OUT / f"{name}.json").write_text(json.dumps({"name": name, **asdict(result)}, indent=2))
    return result


# --- server -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _default_database() -> str:
    stem = Path(sys.argv[0]).stem or "bench"
    return "srp_bench_" + re.sub(r"[^a-z0-9_]", "_", stem.lower())


def _ensure_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(
        PG_ADMIN_URL.replace("postgres://", "postgresql://"), autocommit=True
    ) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            c.execute(f'CREATE DATABASE "{name}"')


def _analyze(url: str) -> None:
    """Planner statistics for the freshly seeded tables, as autovacuum would gather them on a
    production server (a machine with autovacuum off would otherwise plan on empty tables)."""
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://"), autocommit=True) as c:
        c.execute("ANALYZE")


def _manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
    )


_django_ready = False


def _setup_django(env: dict) -> None:
    """Configure Django in this process against the bench database (for seed callables)."""
    global _django_ready
    if _django_ready:
        return
    for key in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "EMAIL_BACKEND"):
        if key in env:
            os.environ[key] = env[key]
        else:
            os.environ.pop(key, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erfurt_srp.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    _django_ready = True


@contextlib.contextmanager
def server(
    *,
    seed: Callable[[], object] | list[str] | None = None,
    database: str | None = None,
    workers: int = 3,
    env: dict | None = None,
    startup_timeout: float = 90.0,
) -> Iterator[str]:
    """Run gunicorn in production mode on a free 127.0.0.1 port; yield its base URL.

    seed: a callable run in this process with Django set up on the bench database, or a list of
    management commands (e.g. ["seed_demo"]). database: the PostgreSQL database name.
    env: extra environment for gunicorn and the seed.
    """
    database_url = os.environ.get("BENCH_DATABASE_URL") or (
        f"postgres://postgres@127.0.0.1:5432/{database or _default_database()}"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    name = urlsplit(database_url).path.lstrip("/")
    static_root = OUT / "static"
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "EMAIL_HOST")
    }
    base_env.update(
        {
            "DATABASE_URL": database_url,
            "STATIC_ROOT": str(static_root),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONPATH": str(ROOT),
        }
    )
    base_env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    if not os.environ.get("BENCH_REDIS_URL"):
        base_env.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")
    base_env.update(env or {})

    _ensure_database(database_url)
    dev_env = {**base_env, "DJANGO_DEBUG": "1"}
    _manage(dev_env, "migrate", "--noinput", "-v", "0")
    prod_env = {
        **base_env,
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "MFA_REQUIRED_FOR_STAFF": base_env.get("MFA_REQUIRED_FOR_STAFF", "0"),
        "LOG_LEVEL": base_env.get("LOG_LEVEL", "ERROR"),
    }
    _manage(prod_env, "collectstatic", "--noinput", "-v", "0")
    if callable(seed):
        _setup_django(dev_env)
        seed()
        from django.db import connections

        connections.close_all()
    elif seed:
        for command in seed:
            _manage(dev_env, *command.split())
    _analyze(database_url)

    port = _free_port()
    log_path = OUT / f"{name}-gunicorn.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "erfurt_srp.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=prod_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}; see {log_path}")
            try:
                probe = Session(base_url, timeout=5).get("/healthz")
                if probe.status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"/healthz did not answer 200 in time; see {log_path}")
            time.sleep(0.3)
        yield base_url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
