"""Server time of one ballot cast, in process: ``python -m tests.bench.bench_cast``.

Builds a scratch database (as bench_ballots does), N deputies and an open session, then
has each deputy cast their ballot through the web ballot (Django's test client: the
whole request path, middleware, session and authentication included), one after the
other. Prints the median and p95 wall time and the median CPU time of this process per
cast: on SQLite all of a cast's work is in this process, so its CPU time is the server
time, whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

from tests.bench.bench_ballots import CODE, DisableMigrations, percentile, scratch_database


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument(
        "--profile", type=int, default=0, metavar="N", help="print the N costliest functions"
    )
    parser.add_argument("--sql", action="store_true", help="print the last cast's statements")
    args = parser.parse_args(argv)
    url, drop = scratch_database(os.environ.get("DATABASE_URL"))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    settings.BALLOT_KEY_STRENGTH = "interactive"
    settings.MIGRATION_MODULES = DisableMigrations()
    try:
        call_command("migrate", run_syncdb=True, verbosity=0)
        from core.demo import DemoWorld
        from core.services import voting as services
        from permissions.roles import Role
        from tests.voting.session_setup import bulk_deputies

        world = DemoWorld()
        world.build_organisation()
        jurisdiction = world.jurisdictions[CODE]
        projects = [world.build_case(i, CODE, "candidate") or None for i in range(4)]
        projects = list(jurisdiction.projects.order_by("pk"))
        voters = bulk_deputies(jurisdiction, args.ballots, prefix="cast.deputy")
        congress = world.users[(CODE, Role.CONGRESS_OFFICE)]
        session = services.session_create(
            actor=congress,
            jurisdiction=jurisdiction,
            year=2026,
            kind="selection",
            rules={"seats": 3},
        )
        services.session_build_slate(actor=congress, session=session, projects=projects)
        services.session_approve_slate(
            actor=world.users[(CODE, Role.PARTY_OFFICE)], session=session
        )
        services.session_record_attendance(actor=congress, session=session, present=voters)
        if hasattr(services, "teller_key_set"):
            from tests.voting.session_setup import set_teller_keys

            set_teller_keys(world, session)
        services.session_open(actor=congress, session=session)
        sealed = hasattr(services, "teller_key_set")
        codes = {"yes": "Y", "no": "N", "abstain": "A"} if sealed else {}
        url = reverse("voting:ballot", args=[session.pk])
        walls, cpus = [], []
        profiler = cProfile.Profile() if args.profile else None
        for n, deputy in enumerate(voters):
            client = Client()
            client.force_login(deputy.user)
            client.get(url)  # the ballot page, as a deputy opens it before casting
            marks = ["yes", "no", "abstain", "yes" if n % 2 else "no"]
            data = {f"c_{p.pk}": codes.get(m, m) for p, m in zip(projects, marks, strict=True)}
            data["action"] = "cast"
            wall, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            with CaptureQueriesContext(connection) as statements:
                response = client.post(url, data)
            if profiler:
                profiler.disable()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
            assert response.status_code == 200, response.content[:500]
        if args.sql:
            for statement in statements.captured_queries:
                print(statement["sql"][:300])
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(
            f"{args.ballots} casts on {engine}: wall median {statistics.median(walls):.1f} ms, "
            f"p95 {percentile(walls, 95):.1f} ms; CPU median {statistics.median(cpus):.1f} ms"
        )
    finally:
        from django.db import connections

        connections.close_all()
        drop()


if __name__ == "__main__":
    sys.exit(main())
