"""Load on the real stack: PostgreSQL, Redis, gunicorn (1 and 2 processes), a Celery
worker and beat, started by deploy/start-stack.sh; locust's office users work their
inbox, queue and case pages. Loopback only, bounded in time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/livelihood \\
    REDIS_URL=redis://127.0.0.1:6379/15 python -m tests.bench.load_stack [--users 50 --seconds 60]

A scratch database is built next to the one named (migrations, the demo organisation and
cases through the services, 2,000 generated cases) and dropped at the end. Prints a
Markdown table for BENCHMARKS.md ("Load on the real stack").
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]


def scratch_database(base_url: str) -> str:
    import psycopg

    from tests.integration.stack import database_on

    name = urlsplit(base_url).path.strip("/") + "_load"
    with psycopg.connect(database_on(base_url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return database_on(base_url, name)


def drop_database(url: str) -> None:
    import psycopg

    from tests.integration.stack import database_on

    name = urlsplit(url).path.strip("/")
    with psycopg.connect(database_on(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(cases: int, users: int) -> list[dict]:
    """The demo organisation and its cases, generated cases, and one logged-in session
    per simulated user with the cases that user may read."""
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from core.demo import DemoWorld
    from core.selectors.projects import projects_for_user
    from tests.integration.stack import session_for

    # Nobody logs in by password here (the sessions are written below): hash fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = DemoWorld()
    world.build_organisation()
    world.build_cases()
    call_command("generate_cases", cases, under="qh", stdout=open(os.devnull, "w"))  # noqa: SIM115
    accounts = list(
        User.objects.filter(role_assignments__isnull=False)
        .exclude(username__contains=".deputy")
        .distinct()
        .order_by("username")
    ) + list(User.objects.filter(username__endswith=".deputy1").order_by("username"))
    rng = random.Random(2026)
    plan = []
    for n in range(users):
        user = accounts[n % len(accounts)]
        readable = list(projects_for_user(user).values_list("pk", flat=True))
        plan.append(
            {
                "username": user.username,
                "session": session_for(user),
                "cases": rng.sample(readable, min(30, len(readable))),
            }
        )
    return plan


def run_locust(host: str, plan_file: Path, users: int, seconds: int, prefix: Path) -> dict:
    """locust, headless, for `seconds`; the aggregated figures of its stats file."""
    env = {**os.environ, "LOAD_PLAN": str(plan_file)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "tests" / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(max(1, users // 5)),
            "--run-time",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        cwd=ROOT,
        timeout=seconds + 120,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    figures = {}
    for name, row in rows.items():
        figures[name] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "rps": float(row["Requests/s"]),
            "median": float(row["50%"]),
            "p95": float(row["95%"]),
        }
    return figures


def measure(plan: list[dict], workdir: Path, workers: int, users: int, seconds: int) -> dict:
    from tests.integration.stack import Stack

    stack = Stack(
        workdir / f"stack-{workers}",
        workers=workers,
        CELERY_VISIBILITY_TIMEOUT=43200,
        CALENDAR_TODAY="",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        GUNICORN_THREADS=2,
    )
    plan_file = workdir / "plan.json"
    plan_file.write_text(json.dumps(plan))
    try:
        stack.start_all()
        return run_locust(stack.base, plan_file, users, seconds, workdir / f"locust-{workers}")
    finally:
        stack.stop()


def table(results: dict, users: int, seconds: int) -> str:
    lines = [
        f"{users} users, {seconds} s each run; times in ms.",
        "",
        "| gunicorn processes | requests | failures | req/s | median | p95 "
        "| inbox p95 | queue p95 | case p95 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for workers, figures in results.items():
        total = figures["Aggregated"]
        lines.append(
            f"| {workers} | {total['requests']} | {total['failures']} | {total['rps']:.1f} "
            f"| {total['median']:.0f} | {total['p95']:.0f} "
            f"| {figures.get('inbox', {}).get('p95', 0):.0f} "
            f"| {figures.get('queue', {}).get('p95', 0):.0f} "
            f"| {figures.get('case', {}).get('p95', 0):.0f} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", default="1,2", help="gunicorn processes, one run each")
    parser.add_argument("--cases", type=int, default=2000, help="generated cases besides the demo")
    args = parser.parse_args(argv)

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (a scratch one is made beside it)")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must name a Redis database")
    database_url = scratch_database(base)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # with its own key
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    try:
        started = time.monotonic()
        subprocess.run(
            ["bash", "deploy/start-stack.sh", "setup"],
            cwd=ROOT,
            env={**os.environ, "PY": sys.executable, "DJANGO_SETTINGS_MODULE": "core.settings"},
            check=True,
            timeout=600,
        )
        import django

        django.setup()
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
        plan = seed(args.cases, args.users)
        print(f"stack database ready in {time.monotonic() - started:.0f} s", flush=True)
        results = {}
        with tempfile.TemporaryDirectory(prefix="load-stack-") as tmp:
            for workers in [int(w) for w in args.workers.split(",")]:
                results[workers] = measure(plan, Path(tmp), workers, args.users, args.seconds)
                total = results[workers]["Aggregated"]
                print(
                    f"{workers} gunicorn process(es): {total['rps']:.1f} req/s, "
                    f"median {total['median']:.0f} ms, p95 {total['p95']:.0f} ms, "
                    f"{total['failures']} failures of {total['requests']}",
                    flush=True,
                )
        print()
        print(table(results, args.users, args.seconds))
        if any(r["Aggregated"]["failures"] for r in results.values()):
            sys.exit("some requests failed")
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(database_url)


if __name__ == "__main__":
    main()
