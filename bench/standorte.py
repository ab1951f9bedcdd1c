"""Standorte under load: the area ranking (100 social areas x 10 years x 5 indicators), the
recommendations list (200 recommendations) and OParl paging through 10,000 papers.

Run: `.venv/bin/python bench/standorte.py` (gunicorn, 3 sync workers, DJANGO_DEBUG=0, PostgreSQL
database srp_bench_standorte). Figures: stdout and bench/out/standorte_*.json.
Environment: BENCH_REQUESTS (default 500), BENCH_CONCURRENCY (default 10).

OParl lists page by keyset (id > last id of the previous page) instead of OFFSET, so the last
page costs what the first one does; the script walks all 100 pages of 100 papers and prints the
first and last page latency.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, Session, load, report, server  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "500"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "10"))
PAPERS = 10_000
AREAS = 100
YEARS = range(2013, 2023)


def seed():
    from decimal import Decimal

    from gremium.models import Committee, Paper
    from standorte.models import (
        District,
        Indicator,
        IndicatorValue,
        NeighbourhoodProject,
        Recommendation,
        SiteProposal,
        SocialArea,
    )

    if not SocialArea.objects.filter(number__gte=5000).exists():
        indicators = list(Indicator.objects.all())
        areas = SocialArea.objects.bulk_create(
            SocialArea(number=5000 + n, name=f"Bench-Sozialraum {n}") for n in range(AREAS)
        )
        districts = District.objects.bulk_create(
            District(number=5000 + n, name=f"Bench-Ortsteil {n}", social_area=area)
            for n, area in enumerate(areas)
        )
        IndicatorValue.objects.bulk_create(
            (
                IndicatorValue(
                    district=d,
                    indicator=i,
                    year=y,
                    value=Decimal((d.number * 7 + y * 3 + i.pk) % 150),
                    is_demo=True,
                )
                for d in districts
                for i in indicators
                for y in YEARS
            ),
            batch_size=2000,
        )
    # Bulk writes send no signals: give the area data a new version (cached rankings).
    from standorte.services import area_data_changed

    area_data_changed()
    committee, _ = Committee.objects.get_or_create(
        slug="bench-begleitgremium",
        defaults={"name": "Bench-Begleitgremium", "kind": Committee.Kind.ACCOMPANYING},
    )
    project, _ = NeighbourhoodProject.objects.get_or_create(
        slug="bench-projekt",
        defaults={"name": "Bench-Projekt", "aim": "Last", "committee": committee},
    )
    if not Recommendation.objects.filter(project=project).exists():
        district = District.objects.filter(number__gte=5000).first()
        sites = SiteProposal.objects.bulk_create(
            SiteProposal(
                project=project,
                district=district,
                name=f"Standort {n}",
                address=f"Benchstraße {n}",
                rationale="Last",
                proposer="Bench",
            )
            for n in range(200)
        )
        Recommendation.objects.bulk_create(
            Recommendation(
                project=project,
                site=site,
                title=f"Empfehlung {n}",
                text="Bench",
                vote_result="10 Ja",
            )
            for n, site in enumerate(sites)
        )
    missing = PAPERS - Paper.objects.filter(reference__endswith="/B").count()
    if missing > 0:
        start = PAPERS - missing
        Paper.objects.bulk_create(
            (
                Paper(reference=f"{n:05d}/B", name=f"Bench-Drucksache {n}", kind="information")
                for n in range(start, PAPERS)
            ),
            batch_size=2000,
        )
    # Fresh planner statistics after the bulk load, as autovacuum would gather them in
    # production (it is off on the bench server): without them PostgreSQL guesses 167 papers and
    # sorts all 10,000 for every OParl page instead of walking the primary key.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def walk_papers(base_url: str) -> dict:
    """Page through all papers by links.next; return per-page latencies."""
    session = Session(base_url)
    url = "/oparl/v1/body/1/paper/?limit=100"
    latencies, count = [], 0
    while url:
        started = time.perf_counter()
        response = session.get(url)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, (url, response.status)
        data = response.json()
        count += len(data["data"])
        url = data["links"].get("next")
    session.close()
    return {
        "papers": count,
        "pages": len(latencies),
        "first_page_ms": round(latencies[0], 1),
        "last_page_ms": round(latencies[-1], 1),
        "median_page_ms": round(statistics.median(latencies), 1),
        "first_10_mean_ms": round(statistics.mean(latencies[:10]), 1),
        "last_10_mean_ms": round(statistics.mean(latencies[-10:]), 1),
        "max_page_ms": round(max(latencies), 1),
    }


def main() -> int:
    errors = 0
    with server(seed=seed) as base_url:
        load(base_url + "/standorte/", requests=30, concurrency=3)  # warm up
        ranking = report(
            "standorte_area_ranking",
            load(base_url + "/standorte/", requests=REQUESTS, concurrency=CONCURRENCY),
        )
        recommendations = report(
            "standorte_recommendations",
            load(base_url + "/standorte/empfehlungen/", requests=REQUESTS, concurrency=CONCURRENCY),
        )
        first = report(
            "standorte_oparl_paper_first_page",
            load(base_url + "/oparl/v1/body/1/paper/", requests=REQUESTS, concurrency=CONCURRENCY),
        )
        walk = walk_papers(base_url)
        # The deep page: the `after` cursor of the last page of the walk.
        from bench.common import Session as _Session

        probe = _Session(base_url)
        last_url = "/oparl/v1/body/1/paper/?limit=100"
        while True:
            data = probe.get(last_url).json()
            if "next" not in data["links"]:
                break
            last_url = data["links"]["next"]
        probe.close()
        deep = report(
            "standorte_oparl_paper_last_page",
            load(base_url + _path(last_url), requests=REQUESTS, concurrency=CONCURRENCY),
        )
        print("standorte_oparl_walk:", json.dumps(walk))
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / "standorte_oparl_walk.json").write_text(json.dumps(walk, indent=2))
        for result in (ranking, recommendations, first, deep):
            errors += result.errors
    return 1 if errors else 0


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


if __name__ == "__main__":
    sys.exit(main())
