"""Measure the pages, the inbox against viewflow's and the SQL floor, step completions per
second, and the ballot path, on the configured database: `bench --json FILE`.

Run it on a database `seed_scale` filled (PostgreSQL for comparable figures; see
BENCHMARKS.md). It prints a table and writes the figures as JSON. The throughput part
walks cases forward: it runs on a copy of the database (PostgreSQL: `CREATE DATABASE …
TEMPLATE`), dropped afterwards, so the measured data stay as they were.
"""

import json
import os
import platform
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from core.models import Project
from core.process_start import settle_process
from core.scale import pages, throughput
from core.selectors.figures_cache import WARM_EVERY_SECONDS

PARTS = ("pages", "inbox", "throughput", "ballots")


class Command(BaseCommand):
    help = "Benchmark pages, the inbox, step throughput and ballots on this database."

    def add_arguments(self, parser):
        parser.add_argument("--json", dest="json_path", help="write the figures to this file")
        parser.add_argument("--runs", type=int, default=20, help="requests per page")
        parser.add_argument("--workers", type=int, default=4, help="throughput processes")
        parser.add_argument("--cases", type=int, default=600, help="cases the workers walk")
        parser.add_argument("--ballots", type=int, default=500, help="the ballot burst's size")
        parser.add_argument(
            "--only", default=",".join(PARTS), help=f"comma-separated parts of {PARTS}"
        )
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="walk the throughput cases in this database (tests; changes the data)",
        )

    def handle(self, *args, json_path, runs, workers, cases, ballots, only, in_place, **options):
        parts = {p.strip() for p in only.split(",") if p.strip()}
        if parts - set(PARTS):
            raise CommandError(f"Unknown parts: {', '.join(sorted(parts - set(PARTS)))}.")
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        total = Project.objects.count()
        if not total:
            raise CommandError("No cases here: run `seed_scale` first.")
        report = {
            "cases": total,
            "database": connection.vendor,
            "measured_at": timezone.now().isoformat(timespec="seconds"),
            "machine": machine(),
        }
        subjects = pages.pick_subjects()
        settle_process()  # as a server process does before its first request (core/wsgi.py)
        report["subjects"] = {
            "township_clerk": subjects.clerk.username,
            "county": subjects.county.code,
            "county_supervisor": subjects.county_supervisor.username,
            "case": subjects.case.pk,
            "board": subjects.board.code,
        }
        if "pages" in parts:
            report["pages"] = pages.measure_pages(subjects, runs)
            report["figures_warm_up"] = pages.measure_warm_up()
        if "inbox" in parts:
            inbox = pages.measure_inbox_against_stock(subjects.clerk, runs * 5)
            report["stock_inbox"] = inbox["stock_inbox"]
            report["inbox_selector"] = inbox["inbox_selector"]
            report["sql_floor_inbox"] = inbox["floor"]
            report["sql_floor_inbox_prepared"] = inbox["floor_prepared"]
        if "throughput" in parts:
            report["throughput"] = self.throughput(workers, cases, in_place)
        if "ballots" in parts:
            report["ballots"] = ballot_burst(ballots)
        self.print_table(report)
        if json_path:
            Path(json_path).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
            self.stdout.write(f"written to {json_path}")

    def throughput(self, workers, cases, in_place):
        if in_place or connection.vendor != "postgresql":
            return throughput.measure_throughput(workers=0 if in_place else 1, cases=cases)
        with database_copy("bench_copy"):
            return throughput.measure_throughput(workers=workers, cases=cases)

    def print_table(self, report):
        out = self.stdout.write
        out(f"{report['cases']} cases on {report['database']}; {report['machine']['summary']}")
        rows = dict(report.get("pages", {}))
        for key in ("stock_inbox", "inbox_selector", "sql_floor_inbox", "sql_floor_inbox_prepared"):
            if key in report:
                rows[key] = report[key]
        out(f"{'':24}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
        for name, row in rows.items():
            cold = f"   cold {row['cold_median_ms']} ms" if "cold_median_ms" in row else ""
            out(
                f"{name:<24}{row['median_ms']:>10}{row['p95_ms']:>9}"
                f"{row.get('queries', ''):>9}{cold}"
            )
        if report.get("figures_warm_up", {}).get("pages_kept"):
            w = report["figures_warm_up"]
            out(
                f"figures' warm-up (beat, every {WARM_EVERY_SECONDS} s): {w['median_s']} s "
                f"for {w['pages_kept']} pages"
            )
        if "throughput" in report:
            t = report["throughput"]
            out(
                f"throughput: {t['task_completions_per_s']} step completions/s "
                f"({t['completed']} by {t['workers']} processes in {t['seconds']} s)"
            )
        if "ballots" in report:
            out(f"ballots: {json.dumps(report['ballots'], ensure_ascii=False)}")


@contextmanager
def database_copy(suffix: str):
    """Point the connection at a copy of its PostgreSQL database (`CREATE DATABASE …
    TEMPLATE`, named with `suffix`) for the block, and drop the copy afterwards: the
    measurements that walk cases forward leave the measured data as they were."""
    source = connection.settings_dict["NAME"]
    copy = f"{source}_{suffix}"
    throughput.disconnect()
    with _admin_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
    connection.settings_dict["NAME"] = copy
    try:
        yield copy
    finally:
        throughput.disconnect()
        connection.settings_dict["NAME"] = source
        with _admin_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


class _admin_cursor:
    """A cursor on the server's maintenance database, outside any transaction."""

    def __enter__(self):
        import psycopg

        params = dict(connection.get_connection_params())
        params["dbname"] = "postgres"
        params.pop("cursor_factory", None)
        params.pop("context", None)
        self.conn = psycopg.connect(**params, autocommit=True)
        return self.conn.cursor()

    def __exit__(self, *exc):
        self.conn.close()


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    version = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    cores = os.cpu_count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return {
        "cpu": cpu,
        "cores": cores,
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": version,
        "load_average": load,
        "summary": f"{cores} cores ({cpu}), {memory}, PostgreSQL {version}, load {load}",
    }


def ballot_burst(ballots: int) -> dict:
    """The ballot burst over HTTP against gunicorn (tests/bench/bench_ballots.py, on a
    scratch database of its own)."""
    root = Path(settings.BASE_DIR)
    command = [
        sys.executable,
        "-m",
        "tests.bench.bench_ballots",
        "--ballots",
        str(ballots),
        "--json",
        "-",
    ]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        return {"error": (result.stderr or result.stdout).strip().splitlines()[-1:]}
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures
