"""`make run`: the demo site on SQLite, as the README starts it (DJANGO_DEBUG=1, no Redis).

The rest of the suite runs on PostgreSQL, so a query SQLite cannot run (a sliced UNION, say)
would only show on the demo site. This test migrates and seeds a SQLite database of its own in
a separate process and follows, for every demo login the seed prints, the links of the home
page and the dashboard: none may answer with a server error.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CRAWL = r"""
import json, re, sys
import django
django.setup()
from django.test import Client

logins = json.loads(sys.argv[1])
skip = ("/accounts/logout", "/static/", "/media/", "/admin/", "/i18n/")
seen, failures = 0, []
for role, email, password in logins:
    client = Client(raise_request_exception=False)
    assert client.login(email=email, password=password), email
    queue, visited = ["/", "/dashboard/"], set()
    while queue and len(visited) < 60:
        path = queue.pop(0)
        if path in visited:
            continue
        visited.add(path)
        response = client.get(path, HTTP_HOST="127.0.0.1")
        seen += 1
        if response.status_code >= 500:
            failures.append(f"{role} {path}: {response.status_code}")
            continue
        if path in ("/", "/dashboard/") and "text/html" in response.get("Content-Type", ""):
            for href in re.findall(r'href="(/[^"#?]*)"', response.content.decode()):
                if not href.startswith(skip):
                    queue.append(href)
print(json.dumps({"requests": seen, "failures": failures}))
"""


def _run(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_demo_site_on_sqlite_answers_every_demo_login_without_a_server_error(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("REDIS_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY")
    }
    env.update(
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="erfurt_srp.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    migrate = _run(env, "manage.py", "migrate", "--noinput", "-v", "0")
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    seed = _run(env, "manage.py", "seed_demo")
    assert seed.returncode == 0, seed.stderr[-3000:]
    logins = [
        line.split()
        for line in seed.stdout.splitlines()
        if len(line.split()) == 3 and "@" in line.split()[1]
    ]
    assert {role for role, _email, _password in logins} >= {"admin", "staff", "member", "public"}

    crawl = _run(env, "-c", CRAWL, json.dumps(logins))
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    result = json.loads(crawl.stdout.strip().splitlines()[-1])
    assert result["requests"] >= 10 * len(logins)
    assert result["failures"] == []
