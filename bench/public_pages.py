"""Public pages under load: the home page and /healthz on gunicorn in production mode.

Run: `.venv/bin/python bench/public_pages.py` (or `make bench`). Figures: bench/out/*.json.
Environment: BENCH_REQUESTS (default 1000), BENCH_CONCURRENCY (default 20).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import load, report, server  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "20"))


def main() -> int:
    with server(seed=["seed_demo"]) as base_url:
        load(base_url + "/", requests=50, concurrency=5)  # warm up
        home = report(
            "public_home", load(base_url + "/", requests=REQUESTS, concurrency=CONCURRENCY)
        )
        health = report(
            "public_healthz",
            load(base_url + "/healthz", requests=REQUESTS, concurrency=CONCURRENCY),
        )
    return 1 if home.errors or health.errors else 0


if __name__ == "__main__":
    sys.exit(main())
