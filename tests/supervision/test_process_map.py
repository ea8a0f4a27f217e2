"""The live process map: per-step counts in scope, overdue, the median, the step lists."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.selectors import dashboard, process_map
from flows.project_flow import ProjectFlow
from permissions.roles import Role

pytestmark = pytest.mark.django_db

YEAR = 2026


def figures(user, code=None):
    filters = dashboard.resolve_filters(user, code=code, year=YEAR, category=None)
    return process_map.step_figures(user, filters)


def test_a_county_supervisor_maps_its_townships_and_never_a_sibling_county(
    make_case, make_sibling_case, user_of
):
    make_case("qh-dh", to="study")
    make_case("qh-xs", to="study")
    make_case("qh", to="implementing")
    make_case("qh-nm", to="closed_commend")
    make_sibling_case("qh2-ds", to="study")
    make_sibling_case("qh2", to="study")
    make_sibling_case("qh2", to="closed_commend")

    steps = figures(user_of("qh", Role.SUPERVISOR))
    assert steps["study_feasibility"].now == 2
    assert steps["submit_report"].now == 1
    assert steps["closed"].ended == 1
    assert sum(f.now for f in steps.values()) == 3

    township = figures(user_of("qh-dh", Role.SUPERVISOR))
    assert township["study_feasibility"].now == 1
    assert "submit_report" not in township or township["submit_report"].now == 0


def test_the_map_page_and_its_step_lists_never_show_a_sibling_case(
    client, make_case, make_sibling_case, user_of
):
    own = make_case("qh-dh", to="study").project
    other = make_sibling_case("qh2-ds", to="study").project
    client.force_login(user_of("qh", Role.SUPERVISOR))
    page = client.get(reverse("supervision:map", args=["project"]), {"year": YEAR})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'class="heat-step' in html
    step_url = reverse("supervision:map_step", args=["project", "study_feasibility"])
    assert step_url in html
    listing = client.get(step_url, {"year": YEAR, "under": "qh"}).content.decode()
    assert reverse("core:case", args=[own.pk]) in listing
    assert reverse("core:case", args=[other.pk]) not in listing
    # asking for the sibling county by its code falls back to one's own scope
    listing = client.get(step_url, {"year": YEAR, "under": "qh2"}).content.decode()
    assert reverse("core:case", args=[other.pk]) not in listing


def test_a_step_waiting_longer_than_allowed_counts_as_overdue(make_case, user_of):
    late = make_case("qh-dh", to="study").project
    make_case("qh-dh", to="study")
    task = Task.objects.get(
        process=late.process, flow_task=ProjectFlow.study_feasibility, status=STATUS.NEW
    )
    Task.objects.filter(pk=task.pk).update(
        created=timezone.now()
        - datetime.timedelta(days=process_map.STEP_DUE_DAYS["study_feasibility"] + 1)
    )
    supervisor = user_of("qh", Role.SUPERVISOR)
    steps = figures(supervisor)
    assert steps["study_feasibility"].now == 2
    assert steps["study_feasibility"].overdue == 1
    assert steps["study_feasibility"].median_days > 0
    filters = dashboard.resolve_filters(supervisor, code=None, year=YEAR, category=None)
    overdue = process_map.step_projects(
        supervisor, filters, ProjectFlow.study_feasibility, overdue=True
    )
    assert list(overdue) == [late]


def test_the_median_time_is_the_median_of_the_cases_at_the_step(make_case, user_of):
    cases = [make_case("qh-dh", to="study").project for _ in range(3)]
    now = timezone.now()
    for days, project in zip((2, 4, 9), cases, strict=True):
        Task.objects.filter(
            process=project.process, flow_task=ProjectFlow.study_feasibility
        ).update(created=now - datetime.timedelta(days=days))
    steps = figures(user_of("qh", Role.SUPERVISOR))
    assert steps["study_feasibility"].median_days == pytest.approx(4, abs=0.1)


def test_the_heat_map_links_each_step_to_its_cases(client, make_case, user_of):
    make_case("qh-dh", to="implementing")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    html = client.get(reverse("supervision:map", args=["project"])).content.decode()
    hrefs = set(re.findall(r'<a href="([^"]+)" class="heat-step', html))
    names = {href.split("/")[5] for href in hrefs}
    assert {"assign_study", "study_feasibility", "submit_report", "closed"} <= names


def test_an_unknown_flow_or_step_is_not_found(client, user_of):
    client.force_login(user_of("qh", Role.SUPERVISOR))
    assert client.get(reverse("supervision:map", args=["nothing"])).status_code == 404
    url = reverse("supervision:map_step", args=["project", "nothing"])
    assert client.get(url).status_code == 404
    url = reverse("supervision:map_step", args=["project", "start_case"])
    assert client.get(url).status_code == 404


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_the_map_query_count_does_not_grow_with_the_cases(
    client, make_case, user_of, django_assert_max_num_queries
):
    client.force_login(user_of("qh", Role.SUPERVISOR))
    url = reverse("supervision:map", args=["project"])
    step_url = reverse("supervision:map_step", args=["project", "submit_report"])
    make_case("qh-dh", to="implementing")
    few, few_steps = _queries(client, url, {"year": YEAR}), _queries(client, step_url, {})
    for target in ("closed_commend", "implementing", "study", "candidate", "report_review"):
        make_case("qh-xs", to=target)
        make_case("qh-nm", to=target)
    assert _queries(client, url, {"year": YEAR}) == few
    assert _queries(client, step_url, {}) == few_steps
    with django_assert_max_num_queries(30):
        client.get(url, {"year": "all"})


def test_where_the_calendar_sets_a_due_date_it_decides_what_is_overdue(make_case, user_of):
    from core.models.calendar import TaskDeadline
    from core.selectors.calendar import calendar_today

    project = make_case("qh-dh", to="planning").project
    task = Task.objects.get(
        process=project.process, flow_task=ProjectFlow.submit_plan, status=STATUS.NEW
    )
    deadline = TaskDeadline.objects.get(task=task)
    supervisor = user_of("qh", Role.SUPERVISOR)
    assert (figures(supervisor)["submit_plan"].overdue == 1) == (deadline.due < calendar_today())
    TaskDeadline.objects.filter(pk=deadline.pk).update(
        due=calendar_today() + datetime.timedelta(days=10)
    )
    Task.objects.filter(pk=task.pk).update(created=timezone.now() - datetime.timedelta(days=400))
    assert figures(supervisor)["submit_plan"].overdue == 0
    TaskDeadline.objects.filter(pk=deadline.pk).update(
        due=calendar_today() - datetime.timedelta(days=1)
    )
    assert figures(supervisor)["submit_plan"].overdue == 1
