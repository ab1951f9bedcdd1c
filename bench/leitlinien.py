"""Leitlinien benchmark: the consultation page and the Sozialraumplan export.

Run from the repository root: `.venv/bin/python bench/leitlinien.py`
Figures: stdout and bench/out/leitlinien_*.json.

1. A guideline version with 40 paragraphs and 2,000 comments in an open public round: the page's
   query count (in-process, Django test client, at 20, 200 and 2,000 comments) and req/s against
   gunicorn (3 sync workers, DJANGO_DEBUG=0, PostgreSQL).
2. The plan with 12 adopted guidelines and 5,000 answered comments: the staff button's POST
   returns at once (the build runs in a Celery worker on Redis), the page polls the status row,
   and the round page keeps answering while the plan is built.

Environment: BENCH_REQUESTS (default 150), BENCH_CONCURRENCY (default 6),
BENCH_REDIS_URL (default redis://127.0.0.1:6379/7) for the Celery worker of part 2.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, ROOT, Session, load, report, server  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "150"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "6"))
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
DATABASE = "srp_bench_leitlinien"
STAFF = ("bench-staff@example.org", "bench-password-2022")
PARAGRAPH = (
    "Die Landeshauptstadt Erfurt richtet ihre sozialen Angebote an den Unterschieden zwischen den "
    "Sozialräumen aus und stimmt sie mit freien Trägern und Wohnungsunternehmen ab (Absatz {n})."
)
figures: dict = {}


def _comments(consultation_round, n, ct, users, start=0):
    from erfurt_srp.discussion.models import Comment

    rows = []
    for i in range(start, start + n):
        author = (
            {"author": users[i % len(users)]}
            if i % 3 == 0
            else {"author_name": f"Person {i}", "author_group": "Ortsteil"}
        )
        rows.append(
            Comment(
                target_type=ct,
                target_id=str(consultation_round.pk),
                anchor=str(i % 41) if i % 41 else "",
                body=f"<p>Kommentar {i}: Bitte die Angebote im Quartier besser bekannt machen und "
                f"die Beratung auch abends anbieten.</p>",
                **author,
            )
        )
    return Comment.objects.bulk_create(rows, batch_size=1000)


def seed():
    """Create the benchmark data (once per database) and measure the page's query counts."""
    from datetime import date, timedelta

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from erfurt_srp.accounts.models import User
    from gremium.models import Committee
    from leitlinien.models import (
        Audience,
        ConsultationRound,
        Disposition,
        Guideline,
        GuidelineVersion,
        Measure,
        Theme,
    )

    now = timezone.now()
    ct = ContentType.objects.get_for_model(ConsultationRound)
    if not Theme.objects.filter(slug="bench-page").exists():
        committee, _ = Committee.objects.get_or_create(
            slug="bench-gremium", defaults={"name": "Bench-Gremium", "kind": "accompanying"}
        )
        staff = User.objects.create_user(email=STAFF[0], password=STAFF[1], is_staff=True)
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=staff, email=STAFF[0], verified=True, primary=True)
        users = [
            User.objects.create_user(
                email=f"bench{i}@example.org", first_name="Bench", last_name=str(i)
            )
            for i in range(20)
        ]
        paragraphs = [PARAGRAPH.format(n=n) for n in range(1, 41)]

        def guideline(slug, title, position):
            theme = Theme.objects.create(
                committee=committee, title=title, slug=slug, position=position
            )
            return Guideline.objects.create(theme=theme, title=f"Leitlinie {title}", slug=slug)

        # 1. the consultation page
        g = guideline("bench-page", "Bench: Seite mit 2.000 Kommentaren", 0)
        v = GuidelineVersion.objects.create(
            guideline=g, number=1, title=g.title, paragraphs=paragraphs, state="consultation"
        )
        page_round = ConsultationRound.objects.create(
            version=v,
            audience=Audience.PUBLIC,
            title="Öffentliche Runde (Bench)",
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=365),
        )
        _comments(page_round, 20, ct, users)
        # 2. the plan: 12 adopted guidelines, 5,000 answered comments, 36 measures
        per_round = 5000 // 12
        for i in range(12):
            g = guideline(f"bench-plan-{i}", f"Bench-Thema {i + 1}", i + 1)
            v = GuidelineVersion.objects.create(
                guideline=g,
                number=1,
                title=g.title,
                paragraphs=paragraphs[:12],
                state="adopted",
                adopted_on=date(2023, 3, 14),
                adoption_reference="Bench-Beschluss",
            )
            r = ConsultationRound.objects.create(
                version=v,
                audience=Audience.DISTRICTS,
                title=f"Runde {i + 1}",
                starts_at=now - timedelta(days=60),
                ends_at=now - timedelta(days=30),
                evaluated_at=now,
            )
            n = per_round + (5000 - per_round * 12 if i == 11 else 0)
            comments = _comments(r, n, ct, users)
            Disposition.objects.bulk_create(
                [
                    Disposition(
                        comment=c,
                        round=r,
                        decision="partly",
                        reason="Teilweise berücksichtigt, siehe Fassung 2.",
                    )
                    for c in comments
                ],
                batch_size=1000,
            )
            Measure.objects.bulk_create(
                Measure(
                    guideline=g,
                    source_version=v,
                    title=f"Maßnahme {i + 1}.{k}",
                    description="Beschreibung",
                    planning_level=level,
                    responsible_office="Amt für Soziales",
                    time_frame="2023–2025",
                )
                for k, level in enumerate(["administration", "area", "interface"], start=1)
            )
    page_round = ConsultationRound.objects.get(title="Öffentliche Runde (Bench)")
    figures["round_url"] = page_round.get_absolute_url()
    _measure_queries(page_round, ct)


def _measure_queries(page_round, ct):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from erfurt_srp.accounts.models import User
    from erfurt_srp.discussion.models import Comment

    users = list(User.objects.filter(email__startswith="bench")[:20])
    client = Client()
    url = page_round.get_absolute_url()
    client.get(url)
    counts = {}
    for target in (20, 200, 2000):
        have = Comment.objects.filter(target_type=ct, target_id=str(page_round.pk)).count()
        if have < target:
            _comments(page_round, target - have, ct, users, start=have)
        # the page as served (3 threads per paragraph) and with every thread expanded
        for label, path in (("page", url), ("all_expanded", url + "?alle=alle")):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(path)
                took = time.perf_counter() - started
            assert response.status_code == 200
            counts[f"{target}_{label}"] = {
                "queries": len(queries),
                "render_ms": round(took * 1000, 1),
                "bytes": len(response.content),
                "comments_shown": response.content.decode().count('id="kommentar-'),
            }
    figures["round_page_queries"] = counts
    for key, value in counts.items():
        print(
            f"round page (40 paragraphs), anonymous, in-process (DEBUG=1), {key}: {value}",
            flush=True,
        )


def _worker(env):
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "erfurt_srp",
            "worker",
            "-Q",
            "default",
            "--pool",
            "solo",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=(OUT / "leitlinien-celery.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def main() -> int:
    database_url = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    worker_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS,
        "DJANGO_DEBUG": "1",
        "MEDIA_ROOT": str(OUT / "media"),
        "PYTHONPATH": str(ROOT),
    }
    worker = None
    errors = 0
    try:
        with server(
            seed=seed, database=DATABASE, env={"REDIS_URL": REDIS, "MEDIA_ROOT": str(OUT / "media")}
        ) as base:
            url = base + figures["round_url"]
            load(url, requests=10, concurrency=2)  # warm up
            page = report(
                "leitlinien_round_page_2000", load(url, requests=REQUESTS, concurrency=CONCURRENCY)
            )
            errors += page.errors

            worker = _worker(worker_env)
            session = Session(base, timeout=60)
            session.login(*STAFF)
            session.get("/leitlinien/sozialraumplan/")
            started = time.perf_counter()
            response = session.post("/leitlinien/sozialraumplan/erstellen/")
            post_ms = (time.perf_counter() - started) * 1000
            status_url = response.headers.get("location", "")
            print(
                f"plan button: HTTP {response.status}, answered in {post_ms:.0f} ms -> {status_url}",
                flush=True,
            )
            # while the worker builds, the round page keeps answering
            during: dict = {}

            def probe():
                during["result"] = load(url, requests=30, concurrency=3)

            prober = threading.Thread(target=probe)
            prober.start()
            build_started = time.perf_counter()
            polls, state = 0, ""
            while time.perf_counter() - build_started < 1200:
                polls += 1
                partial = session.get(status_url, headers={"HX-Request": "true"}).text
                if "fertig" in partial and "herunterladen" in partial:
                    state = "done"
                    break
                if "fehlgeschlagen" in partial:
                    state = "failed"
                    break
                time.sleep(2)
            build_s = time.perf_counter() - build_started
            prober.join()
            report("leitlinien_round_page_during_plan_build", during["result"])
            pdf = session.get(status_url + "pdf/") if state == "done" else None
            docx = session.get(status_url + "docx/") if state == "done" else None
            figures["plan"] = {
                "post_ms": round(post_ms, 1),
                "post_status": response.status,
                "build_seconds": round(build_s, 1),
                "state": state,
                "polls": polls,
                "pdf_bytes": len(pdf.body) if pdf else 0,
                "docx_bytes": len(docx.body) if docx else 0,
                "round_page_during_build": str(during["result"]),
            }
            print(f"plan (12 guidelines, 5,000 comments): {figures['plan']}", flush=True)
            errors += during["result"].errors + (state != "done")
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a build still running: stop it hard
                worker.kill()
                worker.wait()
    (OUT / "leitlinien.json").write_text(json.dumps(figures, indent=2, default=str))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
