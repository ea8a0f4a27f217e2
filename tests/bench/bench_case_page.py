"""CPU time of the case page per request, in process: ``python -m tests.bench.bench_case_page``.

Reads the benchmark's case page (`core.scale.pages.pick_subjects`: the case with the
most comments, read by its township's congress office) through Django's test client,
in the database DATABASE_URL names. Prints the median CPU time of this process per
request (the server's own work, whatever else the machine is doing), the median wall
time, the number of statements and the median time spent waiting for them. The login
writes a session and the user's last login: give it a copy of the benchmark database
(``CREATE DATABASE … TEMPLATE …``), not the benchmark database itself.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the N costliest functions"
    )
    parser.add_argument("--sql", action="store_true", help="print the last request's statements")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from core.scale.pages import pick_subjects

    subjects = pick_subjects()
    client = Client()
    client.force_login(subjects.case_reader)
    url = reverse("core:case", args=[subjects.case.pk])
    for _ in range(3):
        response = client.get(url)
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")

    statements = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - started, sql))

    cpu, wall, waits = [], [], []
    for _ in range(args.runs):
        statements.clear()
        with connection.execute_wrapper(timed):
            cpu_start, wall_start = time.process_time(), time.perf_counter()
            client.get(url)
            cpu.append((time.process_time() - cpu_start) * 1000)
            wall.append((time.perf_counter() - wall_start) * 1000)
        waits.append(sum(seconds for seconds, _sql in statements) * 1000)
    print(
        f"case {subjects.case.pk}, read by {subjects.case_reader.username}: "
        f"CPU {statistics.median(cpu):.1f} ms, wall {statistics.median(wall):.1f} ms, "
        f"{len(statements)} statements waited for {statistics.median(waits):.1f} ms "
        f"(medians of {args.runs})"
    )
    if args.sql:
        for seconds, sql in statements:
            print(f"{seconds * 1000:6.2f} ms  {sql[:160]}")
    if args.profile:
        profile = cProfile.Profile(time.process_time)
        profile.enable()
        for _ in range(args.runs):
            client.get(url)
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
