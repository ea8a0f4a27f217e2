"""Benchmark of a ballot burst over HTTP: ``python -m tests.bench.bench_ballots``.

Builds a scratch database (PostgreSQL when DATABASE_URL is set: a database named after
it with a ``_bench`` suffix, dropped afterwards; otherwise a temporary SQLite file),
creates a congress of N deputies with an open electronic session, starts the app with
gunicorn on 127.0.0.1 (2 gthread workers x 8 threads, each process with psycopg's pool
of 8 connections as in production: ``--pool 0`` opens a connection per request), then
has every deputy POST their ballot to the ballot API (``/api/v1/``, with the web
ballot's secrecy: a code for every candidate, a padded answer) at the same moment, one
connection each, from one asyncio client thread. Each deputy has opened the ballot
(GET) just before, as one does before pressing "submit": their web session was renewed
then, so the cast does not write it. Prints the median and p95 latency (and
the slowest), checks that exactly N ballots were stored, and stops the server.

Before the burst, the server time of one cast is measured in-process (Django's test
client, the same API call, by deputies kept out of the burst): `per_ballot_ms` is its
median wall time, `per_ballot_cpu_ms` this process's CPU time (Django's share; on a
shared machine the steadier figure). `--json -` prints the figures as one JSON line.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/livelihood \\
        python -m tests.bench.bench_ballots --ballots 500 --workers 2 --threads 8 --pool 8
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
CODE = "qh-xs"


class DisableMigrations:
    """Build the tables straight from the models, as the test suite does."""

    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


def scratch_database(url: str | None) -> tuple[str, callable]:
    """A fresh database for the run and a function that removes it."""
    if not url or url.startswith("sqlite"):
        handle, path = tempfile.mkstemp(suffix=".sqlite3", prefix="bench-ballots-")
        os.close(handle)
        return f"sqlite:///{path}", lambda: os.path.exists(path) and os.remove(path)
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))

    def run(sql):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def build(n_ballots: int, extra: int = 0) -> tuple[int, list[tuple[str, dict]]]:
    """Tables, the demo organisation, N deputies, an open session; returns the session
    id and, per deputy, a session cookie and the ballot they will cast."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    settings.MIGRATION_MODULES = DisableMigrations()
    call_command("migrate", run_syncdb=True, verbosity=0)

    from core.demo import DemoWorld
    from core.models.voting import SessionKind
    from core.services import voting as services
    from permissions.roles import Role
    from tests.voting.session_setup import bulk_deputies, set_teller_keys

    world = DemoWorld()
    world.build_organisation()
    jurisdiction = world.jurisdictions[CODE]
    for index in range(6):
        world.build_case(index, CODE, "candidate")
    projects = list(jurisdiction.projects.order_by("pk"))
    voters = bulk_deputies(jurisdiction, n_ballots + extra, prefix="bench.deputy")
    congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
    session = services.session_create(
        actor=congress,
        jurisdiction=jurisdiction,
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 5},
    )
    services.session_build_slate(actor=congress, session=session, projects=projects)
    services.session_approve_slate(actor=world.users[(CODE, Role.PARTY_OFFICE)], session=session)
    services.session_record_attendance(actor=congress, session=session, present=voters)
    set_teller_keys(world, session)  # the tellers' counting keys: ballots are sealed to them
    services.session_open(actor=congress, session=session)

    rng = random.Random(2026)
    ids = [str(p.pk) for p in projects]
    jobs = []
    for deputy in voters:
        store = SessionStore()
        store[SESSION_KEY] = str(deputy.user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = deputy.user.get_session_auth_hash()
        store.create()
        approved = rng.sample(ids, rng.randint(0, 5))
        # the API's fixed-length codes, one for every candidate (For, Against, Abstain)
        marks = {cid: "Y" if cid in approved else rng.choice(["N", "A"]) for cid in ids}
        jobs.append((store.session_key, marks))
    return session.pk, jobs


def server_time_per_ballot(session_pk: int, jobs: list[tuple[str, dict]]) -> tuple[float, float]:
    """The median server time of one cast, in-process: Django's test client posting the
    same API call with the deputy's session cookie (no network, no gunicorn). Returns the
    wall time and this process's CPU time (Django's share: PostgreSQL's is not in it)."""
    from django.conf import settings
    from django.test import Client

    times, cpus = [], []
    path = f"/api/v1/sessions/{session_pk}/ballot/"
    from django.db import connection

    # one client, as one server process: its handler loads the middleware once, and
    # its connection outlives a request as a pooled one does
    client = Client(enforce_csrf_checks=False)
    connection.settings_dict["CONN_MAX_AGE"] = None
    for session_key, marks in jobs:
        client.cookies[settings.SESSION_COOKIE_NAME] = session_key
        client.get(path)  # the deputy opens the ballot first (untimed), as in the burst
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(
            path, data=json.dumps({"marks": marks}), content_type="application/json"
        )
        times.append((time.perf_counter() - started) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        if response.status_code != 201:
            raise SystemExit(f"an in-process ballot answered {response.status_code}")
    warm = len(times) // 5  # the first ones warm the caches
    return statistics.median(times[warm:]), statistics.median(cpus[warm:])


async def _get(port: int, path: str, session_key: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Cookie: sessionid={session_key}\r\nConnection: close\r\n\r\n".encode()
    )
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    await reader.read()
    writer.close()
    return status


def ballot_pages_opened(port: int, session_pk: int, jobs: list[tuple[str, dict]]) -> None:
    """Every deputy opens the ballot (GET, 16 at a time) before the burst, as one does
    before pressing "submit": that renews their web session (core/idle_sessions.py), so
    the cast does not, and every server process has served the ballot before."""
    path = f"/api/v1/sessions/{session_pk}/ballot/"

    async def everyone() -> list[int]:
        gate = asyncio.Semaphore(16)

        async def one(session_key: str) -> int:
            async with gate:
                return await _get(port, path, session_key)

        return await asyncio.gather(*(one(key) for key, _marks in jobs))

    statuses = asyncio.run(everyone())
    if set(statuses) != {200}:
        raise SystemExit(f"opening the ballot answered {sorted(set(statuses))}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    database_url: str, port: int, workers: int, threads: int, pool: int = 0
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "LOG_LEVEL": "WARNING",
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    if pool:  # psycopg's pool, as deploy/production.env.example sets it up
        env |= {"DATABASE_POOL": "1", "DATABASE_POOL_MAX_SIZE": str(pool)}
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "core.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/results/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def _request(port: int, path: str, session_key: str, marks: dict) -> bytes:
    """The ballot's HTTP request, whole, with a CSRF token of its own."""
    alphabet = string.ascii_letters + string.digits
    token = "".join(secrets.choice(alphabet) for _ in range(64))
    body = json.dumps({"marks": marks}).encode()
    head = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{port}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Cookie: sessionid={session_key}; csrftoken={token}\r\n"
        f"X-CSRFToken: {token}\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode() + body


def burst(port: int, session_pk: int, jobs: list[tuple[str, dict]]) -> tuple[list, list, float]:
    """Every deputy posts at once; returns (latencies in ms, statuses, wall time in s).

    One client thread running asyncio: every ballot's connection is opened and its
    request sent at the same moment, each timed from that moment to the end of its
    answer (the connection's setup included). A thread per ballot would spend the two
    cores the server needs on 500 client threads."""
    path = f"/api/v1/sessions/{session_pk}/ballot/"
    requests = [_request(port, path, key, marks) for key, marks in jobs]

    async def vote(start: asyncio.Event, request: bytes) -> tuple[int, float]:
        await start.wait()
        started = time.perf_counter()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            await writer.drain()
            status = int((await asyncio.wait_for(reader.readline(), 120)).split()[1])
            await asyncio.wait_for(reader.read(), 120)  # the answer, to the connection's end
            writer.close()
        except (OSError, TimeoutError, ValueError, IndexError):
            status = 0
        return status, (time.perf_counter() - started) * 1000

    async def everyone() -> list[tuple[int, float]]:
        start = asyncio.Event()
        tasks = [asyncio.create_task(vote(start, request)) for request in requests]
        await asyncio.sleep(0)  # every task waits at the start line
        start.set()
        return await asyncio.gather(*tasks)

    began = time.perf_counter()
    outcomes = asyncio.run(everyone())
    wall = time.perf_counter() - began
    return [o[1] for o in outcomes], [o[0] for o in outcomes], wall


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=500, help="deputies voting at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=0,
        help="seconds the server keeps a database connection (0: one per request)",
    )
    parser.add_argument(
        "--pool",
        type=int,
        default=8,
        metavar="N",
        help="the server's connection pool of N per process (0: none; PostgreSQL only)",
    )
    parser.add_argument(
        "--timed", type=int, default=50, help="ballots cast in-process to time one cast"
    )
    parser.add_argument("--json", dest="json_out", help="'-': print the figures as JSON")
    parser.add_argument("--port", type=int, default=0, help="the server's port (0: any free one)")
    args = parser.parse_args(argv)

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 2000))
    database_url, drop = scratch_database(os.environ.get("DATABASE_URL"))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")  # with its own key
    # Building the demo organisation sends notifications; keep them off the console.
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    server = None
    try:
        import django

        django.setup()
        from django.db import connections

        engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"Building {args.ballots} deputies and an open session on {engine} ...")
        session_pk, jobs = build(args.ballots, args.timed)
        timed, jobs = jobs[: args.timed], jobs[args.timed :]
        per_ballot, per_ballot_cpu = (
            server_time_per_ballot(session_pk, timed) if timed else (None, None)
        )
        if per_ballot is not None:
            print(
                f"server time of one cast (in-process, median): {per_ballot:.1f} ms, "
                f"of which Django's CPU {per_ballot_cpu:.1f} ms"
            )
        connections.close_all()
        port = args.port or free_port()
        server_url = database_url
        if args.conn_max_age and database_url.startswith("postgres"):
            server_url = f"{database_url}?conn_max_age={args.conn_max_age}"
        pool = args.pool if database_url.startswith("postgres") else 0
        server = start_server(server_url, port, args.workers, args.threads, pool)
        ballot_pages_opened(port, session_pk, jobs)
        print(
            f"gunicorn: {args.workers} workers x {args.threads} threads, "
            f"conn_max_age {args.conn_max_age}, pool {pool or 'none'}; "
            f"{len(jobs)} ballots posted at once ..."
        )
        latencies, statuses, wall = burst(port, session_pk, jobs)

        from core.models.voting import SealedBallot

        stored = SealedBallot.objects.filter(session_id=session_pk).count() - len(timed)
        connections.close_all()
        accepted = statuses.count(201)
        print(f"accepted {accepted}/{len(jobs)}, stored {stored}, wall {wall:.2f} s")
        print(
            f"latency ms: median {statistics.median(latencies):.0f}, "
            f"p95 {percentile(latencies, 95):.0f}, max {max(latencies):.0f}; "
            f"throughput {len(jobs) / wall:.0f} ballots/s"
        )
        errors = len(jobs) - accepted
        if args.json_out == "-":
            print(
                json.dumps(
                    {
                        "per_ballot_ms": round(per_ballot, 1) if per_ballot is not None else None,
                        "per_ballot_cpu_ms": (
                            round(per_ballot_cpu, 1) if per_ballot_cpu is not None else None
                        ),
                        f"burst_{len(jobs)}": {
                            "median_ms": round(statistics.median(latencies)),
                            "p95_ms": round(percentile(latencies, 95)),
                            "max_ms": round(max(latencies)),
                            "errors": errors,
                            "stored": stored,
                            "ballots_per_s": round(len(jobs) / wall),
                        },
                        "gunicorn": f"{args.workers} workers x {args.threads} threads",
                        "pool": pool,
                    }
                )
            )
        if accepted != len(jobs) or stored != len(jobs):
            others = sorted({s for s in statuses if s != 201})
            raise SystemExit(f"not every ballot was accepted (other statuses: {others})")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - the run is over; dropping must still happen
            pass
        drop()


if __name__ == "__main__":
    main()
