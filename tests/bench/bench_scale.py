"""The whole province benchmark: ``python -m tests.bench.bench_scale`` (``make bench``).

Two PostgreSQL databases, built once and reused (created, migrated and filled with
``seed_scale`` when they hold no province yet): a province of 1,000 townships × 5 years
(about 21,500 cases) and one of 100 townships × 5 years (about 2,150). ``manage.py
bench`` measures both; the large one also for throughput and the 500-ballot burst.
Each page's median at the large size is compared with the small one (target: within
2×). The figures go to ``bench-results/scale-<size>.json``; BENCHMARKS.md explains them.

    BENCH_URL=postgres://postgres@127.0.0.1:5432/lv_scale \\
    BENCH_SMALL_URL=postgres://postgres@127.0.0.1:5432/lv_scale_small \\
        python -m tests.bench.bench_scale
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench-results"
DEFAULT = "postgres://postgres@127.0.0.1:5432/livelihood_scale"


def manage(url: str, *args: str, capture: bool = False) -> str:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    # as production runs (deploy/production.env.example): psycopg's pool keeps the
    # connections, and with them the prepared statements
    env.setdefault("DATABASE_POOL", "1")
    env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        capture_output=capture,
    )
    return result.stdout if capture else ""


def ensure(url: str, townships: int, years: int) -> None:
    """Create, migrate and seed the database unless it already holds a province."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    manage(url, "migrate", "--noinput", "-v0")
    with psycopg.connect(url) as conn:
        seeded = conn.execute("SELECT 1 FROM core_jurisdiction WHERE code = 'sc'").fetchone()
    if not seeded:
        print(f"seeding {name}: {townships} townships x {years} years ...", flush=True)
        manage(url, "seed_scale", "--townships", str(townships), "--years", str(years))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_URL", DEFAULT))
    parser.add_argument(
        "--small-url", default=os.environ.get("BENCH_SMALL_URL", DEFAULT + "_small")
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-ballots", action="store_true")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    ensure(args.small_url, 100, 5)
    ensure(args.url, 1000, 5)
    small_file, large_file = RESULTS / "scale-2000.json", RESULTS / "scale-20000.json"
    manage(
        args.small_url, "bench", "--only", "pages,inbox", "--runs", str(args.runs),
        "--json", str(small_file),
    )  # fmt: skip
    parts = "pages,inbox,throughput" + ("" if args.skip_ballots else ",ballots")
    manage(args.url, "bench", "--only", parts, "--runs", str(args.runs), "--json", str(large_file))
    small, large = json.loads(small_file.read_text()), json.loads(large_file.read_text())
    failed = False
    print(f"\n{'page':<24}{small['cases']:>8} cases{large['cases']:>8} cases   ratio")
    for name, row in large["pages"].items():
        before = small["pages"].get(name, {}).get("median_ms")
        ratio = row["median_ms"] / before if before else float("nan")
        failed |= ratio > 2
        flag = "" if ratio <= 2 else "  OVER 2x"
        print(f"{name:<24}{before:>10} ms{row['median_ms']:>10} ms{ratio:>8.2f}{flag}")
        if "cold_median_ms" in row:  # the request that computes the cached figures
            cold_before = small["pages"][name].get("cold_median_ms")
            cold = row["cold_median_ms"] / cold_before if cold_before else float("nan")
            print(
                f"{name + ' (cold)':<24}{cold_before:>10} ms{row['cold_median_ms']:>10} ms"
                f"{cold:>8.2f}"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
