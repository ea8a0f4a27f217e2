"""Who is behind: the dashboard's overdue steps agree with the map's, by jurisdiction, and
the list behind a step gives each case's due date and days overdue."""

import datetime

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models.calendar import TaskDeadline
from core.selectors.calendar import calendar_today
from flows.project_flow import ProjectFlow
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def _make_plan_overdue(project, days):
    task = Task.objects.get(
        process=project.process, flow_task=ProjectFlow.submit_plan, status=STATUS.NEW
    )
    TaskDeadline.objects.filter(task=task).update(
        due=calendar_today() - datetime.timedelta(days=days)
    )


def test_dashboard_overdue_steps_agree_with_the_map_per_township(client, make_case, user_of):
    late_dh = make_case("qh-dh", to="planning").project
    late_xs = make_case("qh-xs", to="planning").project
    make_case("qh-xs", to="planning")  # on time
    for project in (late_dh, late_xs):
        _make_plan_overdue(project, 12)
    year = late_dh.year
    client.force_login(user_of("qh", Role.SUPERVISOR))
    dashboard = client.get(reverse("supervision:dashboard"), {"year": year}).context
    the_map = client.get(reverse("supervision:map", args=["project"]), {"year": year}).context
    assert dashboard["totals"]["overdue_steps"] == the_map["totals"]["overdue"] >= 2
    by_jurisdiction = dashboard["data"]["by_jurisdiction"]
    rows = {r["jurisdiction"].code: r["overdue_steps"] for r in by_jurisdiction}
    map_rows = {r["jurisdiction"].code: r["n"] for r in the_map["by_jurisdiction"]}
    assert rows == map_rows
    assert rows["qh-dh"] >= 1 and rows["qh-xs"] >= 1
    assert sum(rows.values()) == the_map["totals"]["overdue"]


def test_the_list_behind_a_step_gives_due_date_and_days_overdue(client, make_case, user_of):
    project = make_case("qh-dh", to="planning").project
    _make_plan_overdue(project, 12)
    client.force_login(user_of("qh", Role.SUPERVISOR))
    response = client.get(
        reverse("supervision:map_step", args=["project", "submit_plan"]),
        {"overdue": "1", "year": project.year},
    )
    listed = {p.pk: p for p in response.context["page"].object_list}
    assert listed[project.pk].days_overdue == 12
    assert listed[project.pk].due == calendar_today() - datetime.timedelta(days=12)
    assert "Days overdue" in response.content.decode() or "逾期天数" in response.content.decode()
