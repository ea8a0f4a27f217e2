"""Generate a province for load tests and benchmarks: `seed_scale --townships N --years Y`.

A city with counties of twenty townships (about one in seven a street), each with its
offices, clerks, teller and deputies; then, for every year, each township's cases and
each county's own, in bulk: tasks with their owners, inboxes and queues, due dates,
monitoring groups, signed-off quarterly reports, satisfaction ratings and history rows.
1,000 townships × 5 years make about 20,000 township cases (and 1,500 county ones) and
38,000 users. Every login's password is the demo password.
"""

import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from core.models import Category, Jurisdiction
from core.scale.cases import ScaleGenerator
from core.scale.province import ROOT_CODE, build_province

MAX_TOWNSHIPS = 5000
MAX_YEARS = 10


class Command(BaseCommand):
    help = "Generate a province of N townships with Y years of cases (load for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--townships", type=int, default=1000)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument(
            "--cases-per-year", type=int, default=4, help="cases per township and year"
        )
        parser.add_argument(
            "--county-cases-per-year", type=int, default=6, help="each county's own cases"
        )
        parser.add_argument("--deputies", type=int, default=30, help="deputies per township")
        parser.add_argument("--seed", type=int, default=20260101)

    def handle(self, *args, townships, years, cases_per_year, county_cases_per_year, **options):
        if not 1 <= townships <= MAX_TOWNSHIPS:
            raise CommandError(f"--townships must be between 1 and {MAX_TOWNSHIPS}.")
        if not 1 <= years <= MAX_YEARS:
            raise CommandError(f"--years must be between 1 and {MAX_YEARS}.")
        if cases_per_year < 0 or county_cases_per_year < 0 or options["deputies"] < 3:
            raise CommandError("Case counts cannot be negative; a township needs 3 deputies.")
        if Jurisdiction.objects.filter(code=ROOT_CODE).exists():
            raise CommandError(
                f"A generated province (code {ROOT_CODE}) is already in this database."
            )
        started = time.perf_counter()
        with transaction.atomic():
            province = build_province(
                townships=townships, deputies_per_township=options["deputies"], seed=options["seed"]
            )
        self.stdout.write(
            f"{len(province.counties)} counties, {len(province.townships)} townships, "
            f"organisation in {time.perf_counter() - started:.0f} s"
        )
        this_year = timezone.localdate().year
        chosen = list(range(this_year - years + 1, this_year + 1))

        generator = ScaleGenerator(
            province=province,
            rng=random.Random(options["seed"]),
            places=[],
            departments=province.departments,
            categories=list(Category.objects.filter(active=True)),
            years=chosen,
        )
        specs = [
            (place, year)
            for year in chosen
            for place in province.townships
            for _ in range(cases_per_year)
        ] + [
            (county, year)
            for year in chosen
            for county in province.counties
            for _ in range(county_cases_per_year)
        ]
        total = 0
        for offset in range(0, len(specs), 10000):
            total += generator.run(specs[offset : offset + 10000])
            self.stdout.write(f"{total} cases ({time.perf_counter() - started:.0f} s)")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {total} cases in {time.perf_counter() - started:.0f} s "
                f"(logins: {ROOT_CODE}.supervisor, {province.townships[0].code.replace('-', '.')}"
                ".works, …; password demo-2026)."
            )
        )
