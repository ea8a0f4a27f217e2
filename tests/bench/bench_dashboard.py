"""Benchmark of the supervisors' process map and dashboard:
``DATABASE_URL=postgres://... python -m tests.bench.bench_dashboard``.

Builds a throw-away test database (``test_<name>``, tables from the models), the demo
organisation, and 20,000 generated cases under the demo county (``generate_cases``);
then renders the map and the dashboard through Django's test client as the county's
supervisor and prints the median and 95th-percentile render times and the query
counts. The query counts are measured at a tenth of the cases and again at all of
them: they must be equal. Target: a median under 300 ms per page on PostgreSQL (the 95th
percentile is printed beside it; it moves with whatever else the machine is doing).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time

TARGET_MS = 300


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # with its own key
    import django

    django.setup()


def _percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def _measure(client, url, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(2):  # warm caches (layout, templates, content types, PostgreSQL buffers)
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    queries = len(ctx.captured_queries)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median": statistics.median(times),
        "p95": _percentile(times, 95),
        "queries": queries,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the test database")
    parser.add_argument(
        "--allow-sqlite", action="store_true", help="run on SQLite too (figures not comparable)"
    )
    args = parser.parse_args(argv)

    _setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    if connection.vendor != "postgresql" and not args.allow_sqlite:
        print("Set DATABASE_URL to a PostgreSQL database (the target is for PostgreSQL).")
        return 2
    settings.DATABASES["default"].setdefault("TEST", {})["MIGRATE"] = False
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=args.keep, serialize=False
    )
    try:
        from core.demo import DemoWorld
        from core.models import Project

        started = time.perf_counter()
        world = DemoWorld()
        world.build_organisation()
        supervisor = world.users[("qh", "supervisor")]
        year = timezone.localdate().year
        urls = {
            "map (this year)": f"/work/supervision/map/project/?under=qh&year={year}",
            "map (all years)": "/work/supervision/map/project/?under=qh&year=all",
            "dashboard (this year)": f"/work/supervision/dashboard/?under=qh&year={year}",
            "dashboard (all years)": "/work/supervision/dashboard/?under=qh&year=all",
        }
        client = Client()
        client.force_login(supervisor)

        existing = Project.objects.count()
        first = max(args.cases // 10, 1)
        if existing < args.cases:
            call_command(
                "generate_cases",
                max(first - existing, 0) or 1,
                under="qh",
                stdout=io.StringIO(),
            )
        _analyze(connection)
        small = {name: _measure(client, url, 3)["queries"] for name, url in urls.items()}
        remaining = args.cases - Project.objects.count()
        if remaining > 0:
            call_command("generate_cases", remaining, under="qh", stdout=io.StringIO())
        _analyze(connection)
        print(
            f"{Project.objects.count()} cases generated in "
            f"{time.perf_counter() - started:.1f} s ({connection.vendor})"
        )
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"load average {load} on {os.cpu_count()} CPUs (other work on the machine shows)")
        failed = False
        print(f"{'page':<24}{'median ms':>10}{'p95 ms':>9}{'queries':>9}{'at 1/10':>9}")
        for name, url in urls.items():
            result = _measure(client, url, args.runs)
            ok = result["median"] < TARGET_MS and result["queries"] == small[name]
            failed |= not ok
            print(
                f"{name:<24}{result['median']:>10.1f}{result['p95']:>9.1f}"
                f"{result['queries']:>9}{small[name]:>9}  {'ok' if ok else 'OVER TARGET'}"
            )
        return 1 if failed else 0
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=args.keep)


def _analyze(connection):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


if __name__ == "__main__":
    sys.exit(main())
