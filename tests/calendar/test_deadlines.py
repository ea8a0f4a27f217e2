"""Due dates are recorded as steps open; quarterly reports open once their quarter is over."""

import datetime

import pytest
from viewflow.workflow.models import Task

from core.models.calendar import DeadlineKind, TaskDeadline
from core.selectors import calendar as selectors
from core.services import calendar
from core.services.steps import open_task
from flows.project_flow import ProjectFlow

from .helpers import deadline_of, open_steps, report_through

pytestmark = pytest.mark.django_db


def test_the_plan_is_due_thirty_days_after_the_vote_with_a_reminder_three_days_before(
    make_case,
):
    case = make_case("qh-dh", to="planning")
    deadline = deadline_of(case.project, "submit_plan")
    assert deadline.kind == DeadlineKind.PLAN
    assert case.project.voted_on == datetime.date(2026, 1, 15)
    assert deadline.due == datetime.date(2026, 2, 14) == case.project.plan_due
    assert deadline.remind_on == datetime.date(2026, 2, 11)
    # the monitoring group has no due date of its own
    task = open_task(case.project.process, ProjectFlow.assign_monitoring_group)
    assert not TaskDeadline.objects.filter(task=task).exists()


def test_a_late_case_reports_its_first_quarter_at_once_due_ten_days_after_it(make_case):
    case = make_case("qh-dh", to="implementing")
    assert open_steps(case.project) == ["submit_report"]
    deadline = deadline_of(case.project, "submit_report")
    assert (deadline.period_year, deadline.period_quarter) == (2026, 1)
    assert deadline.kind == DeadlineKind.REPORT
    assert deadline.due == datetime.date(2026, 4, 10)


def test_the_second_quarter_is_the_half_year_report_due_before_the_mid_year_meeting(
    make_case, user_of
):
    case = make_case("qh-dh", to="implementing")
    calendar.calendar_settings_update(
        actor=user_of("qh-dh", "congress_office"),
        jurisdiction=case.project.jurisdiction,
        today=datetime.date(2026, 1, 2),
        mid_year_meeting=datetime.date(2026, 7, 6),
    )
    report_through(case, [1])
    deadline = deadline_of(case.project, "submit_report")
    assert (deadline.period_year, deadline.period_quarter) == (2026, 2)
    assert deadline.kind == DeadlineKind.HALF_YEAR_REPORT
    assert deadline.due == datetime.date(2026, 7, 5)


def test_the_monitoring_group_signs_off_within_fifteen_days_of_the_report(make_case, fixed_today):
    case = make_case("qh-dh", to="report_review")
    deadline = deadline_of(case.project, "review_report")
    assert deadline.kind == DeadlineKind.SIGN_OFF
    assert deadline.due == fixed_today + datetime.timedelta(days=15)


def test_a_case_that_has_reported_its_quarters_waits_for_the_next_quarter_start(make_case):
    case = report_through(make_case("qh-xs", to="implementing"), [1, 2, 3, 4])
    assert open_steps(case.project) == ["await_quarter"]
    task = open_task(case.project.process, ProjectFlow.await_quarter)

    assert not calendar.report_period_open(task_id=task.pk, today="2026-12-31")
    assert open_steps(case.project) == ["await_quarter"]

    assert calendar.report_period_open(task_id=task.pk, today="2027-01-01")
    assert open_steps(case.project) == ["submit_report"]
    deadline = deadline_of(case.project, "submit_report")
    assert (deadline.period_year, deadline.period_quarter) == (2027, 1)
    assert deadline.due == datetime.date(2027, 4, 10)


def test_opening_a_quarter_twice_opens_one_report(make_case):
    case = report_through(make_case("qh-xs", to="implementing"), [1, 2, 3, 4])
    task = open_task(case.project.process, ProjectFlow.await_quarter)
    assert calendar.report_period_open(task_id=task.pk, today="2027-01-02")
    assert not calendar.report_period_open(task_id=task.pk, today="2027-01-02")
    reports = Task.objects.filter(process=case.project.process, flow_task=ProjectFlow.submit_report)
    assert reports.filter(status="NEW").count() == 1
    assert reports.count() == 5


def test_the_beat_sweep_lists_only_waiting_cases(make_case):
    waiting = report_through(make_case("qh-xs", to="implementing"), [1, 2, 3, 4])
    make_case("qh-xs", to="implementing")  # behind: its report is open already
    task = open_task(waiting.project.process, ProjectFlow.await_quarter)
    assert selectors.waiting_report_tasks() == [task.pk]


def test_changing_the_calendar_moves_open_due_dates(make_case, user_of):
    case = make_case("qh-dh", to="planning")
    calendar.calendar_settings_update(
        actor=user_of("qh-dh", "congress_office"),
        jurisdiction=case.project.jurisdiction,
        plan_due_days=20,
        reminder_lead_days=5,
    )
    deadline = deadline_of(case.project, "submit_plan")
    assert deadline.due == datetime.date(2026, 2, 4)
    assert deadline.remind_on == datetime.date(2026, 1, 30)
    reason = deadline.history.first().history_change_reason
    assert reason == "Due date moved by the calendar"
