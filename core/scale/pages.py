"""Server time of the pages offices use every day, measured in-process.

Each page is requested through Django's test client (the whole middleware stack, the
templates, the header) by a typical user: a township clerk (the department clerk with
the most steps in their inbox), the county's supervisor, the province's supervisor and
an anonymous resident. Figures: median and 95th percentile over `runs` requests after
two warm-up requests, and the number of queries of one request.
"""

import statistics
import time
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import Comment, Jurisdiction, Level, Project, RoleAssignment
from core.prepared import prepared
from permissions.roles import Role


def percentile(values, p: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def timed(function, runs: int) -> dict:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 95), 1),
    }


@dataclass
class Subjects:
    """Who is measured, on what."""

    clerk: User
    county: Jurisdiction
    county_supervisor: User
    province_supervisor: User | None
    case: Project
    case_reader: User
    board: Jurisdiction


def _supervisor_of(jurisdiction) -> User | None:
    assignment = (
        RoleAssignment.objects.filter(role=Role.SUPERVISOR, jurisdiction=jurisdiction)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


def pick_subjects() -> Subjects:
    """The typical users and objects of whatever data is loaded (`seed_scale`'s province
    or `seed_demo` with `generate_cases`)."""
    department_users = RoleAssignment.objects.filter(
        role=Role.DEPARTMENT, jurisdiction__level__in=[Level.TOWNSHIP, Level.STREET]
    ).values("user")
    busiest = (
        Task.objects.filter(status=STATUS.ASSIGNED, owner__in=department_users)
        .values("owner")
        .annotate(n=Count("pk"))
        .order_by("-n", "owner")
        .first()
    )
    if busiest is None:
        raise LookupError("No township clerk has a step in their inbox: generate cases first.")
    clerk = User.objects.get(pk=busiest["owner"])
    township = clerk.role_assignments.select_related("jurisdiction__parent").first().jurisdiction
    county = township.parent
    roots = Jurisdiction.objects.filter(parent__isnull=True).order_by("pk")
    province_supervisor = next(
        (s for s in (_supervisor_of(root) for root in roots if root != county) if s), None
    )
    commented = (
        Comment.objects.values("project").annotate(n=Count("pk")).order_by("-n", "project").first()
    )
    case = Project.objects.select_related("jurisdiction").get(
        pk=commented["project"] if commented else Project.objects.order_by("pk").first().pk
    )
    reader = (
        RoleAssignment.objects.filter(role=Role.CONGRESS_OFFICE, jurisdiction=case.jurisdiction_id)
        .select_related("user")
        .first()
        .user
    )
    busiest_board = (
        Project.objects.values("jurisdiction")
        .annotate(n=Count("pk"))
        .order_by("-n", "jurisdiction")
        .first()
    )
    return Subjects(
        clerk=clerk,
        county=county,
        county_supervisor=_supervisor_of(county),
        province_supervisor=province_supervisor,
        case=case,
        case_reader=reader,
        board=Jurisdiction.objects.get(pk=busiest_board["jurisdiction"]),
    )


def _page(client: Client, url: str, runs: int) -> dict:
    for _ in range(2):
        response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    result = timed(lambda: client.get(url), runs)
    result["queries"] = count_queries(lambda: client.get(url))
    return result


def count_queries(function) -> int:
    """How many statements `function` sends to the database."""
    sent = []

    def counter(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        function()
    return len(sent)


def measure_pages(subjects: Subjects, runs: int) -> dict:
    year = timezone.localdate().year
    clerk, county_sup, reader = Client(), Client(), Client()
    clerk.force_login(subjects.clerk)
    county_sup.force_login(subjects.county_supervisor)
    reader.force_login(subjects.case_reader)
    under = subjects.county.code
    pages = {
        "inbox": (clerk, reverse("core:inbox")),
        "queue": (clerk, reverse("core:queue")),
        "case": (reader, reverse("core:case", args=[subjects.case.pk])),
        "case_list": (clerk, reverse("core:cases")),
        "county_queue": (county_sup, reverse("core:queue")),
        "county_case_list": (county_sup, reverse("core:cases")),
        "process_map": (
            county_sup,
            f"{reverse('supervision:map', args=['project'])}?under={under}&year={year}",
        ),
        "dashboard": (county_sup, f"{reverse('supervision:dashboard')}?under={under}&year={year}"),
        "public_board": (Client(), reverse("public:board", args=[subjects.board.code])),
    }
    if subjects.province_supervisor is not None:
        top = Client()
        top.force_login(subjects.province_supervisor)
        root = subjects.county.parent.code if subjects.county.parent_id else under
        pages["province_process_map"] = (
            top,
            f"{reverse('supervision:map', args=['project'])}?under={root}&year={year}",
        )
        pages["province_dashboard"] = (
            top,
            f"{reverse('supervision:dashboard')}?under={root}&year={year}",
        )
    results = {name: _page(client, url, runs) for name, (client, url) in pages.items()}
    for name in ("province_process_map", "province_dashboard"):
        if name in results:  # computed once per few minutes: also the request that computes
            client, url = pages[name]
            results[name]["cold_median_ms"] = _cold(client, url, max(3, runs // 4))
    return results


def _cold(client: Client, url: str, runs: int) -> float:
    """The median of requests each made with an empty cache (the clearing not timed)."""
    from django.core.cache import cache

    times = []
    for _ in range(runs):
        cache.clear()
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure_warm_up(runs: int = 3) -> dict:
    """The beat's warm-up of the large scopes' figures (background work, every few
    minutes): its median time and how many pages' figures it keeps."""
    from core.services.figures_warmup import figures_warm

    times, kept = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        kept = figures_warm()
        times.append(time.perf_counter() - started)
    return {"median_s": round(statistics.median(times), 2), "pages_kept": kept}


def measure_inbox_against_stock(user, runs: int) -> dict:
    """The clerk's inbox three ways, on the same data: viewflow's own inbox (its inbox list
    view's query, first page of 25 with the list's columns: title, brief, the case's
    brief, age), our inbox selector with what its page shows, and the raw SQL
    of our inbox's main query (the floor: the database's time and the round trip), sent
    as Django sends it and as a prepared statement (as the page sends it: no planning)."""
    from django.core.paginator import Paginator
    from django.utils.timesince import timesince

    from core.selectors.tasks import inbox
    from flows.project_flow import ProjectFlow

    def stock():
        # viewflow's FlowInboxListView.queryset (Task.objects.inbox would also need the
        # flow's view permission, which our clerks are not given: see DESIGN.md)
        qs = (
            Task.objects.filter(process__flow_class=ProjectFlow, owner=user, status=STATUS.ASSIGNED)
            .select_related("process")
            .order_by("-created")
        )
        return [
            (task.title, task.brief, task.process.brief, timesince(task.created))
            for task in Paginator(qs, 25).get_page(1).object_list
        ]

    def ours():
        rows = []
        with prepared():  # as the inbox page runs it (core/views/inbox.py)
            for task in Paginator(inbox(user), 25).get_page(1).object_list:
                project = task.process.projectprocess.project
                rows.append((task.flow_task.task_title, project.title, project.jurisdiction.name))
        return rows

    sql, params = inbox(user)[:25].query.sql_with_params()

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    def floor_prepared():
        with prepared():
            floor()

    results = {}
    measured = (
        ("stock_inbox", stock),
        ("inbox_selector", ours),
        ("floor", floor),
        ("floor_prepared", floor_prepared),
    )
    for name, function in measured:
        for _ in range(2):
            function()
        results[name] = {**timed(function, runs), "queries": count_queries(function)}
    return results
