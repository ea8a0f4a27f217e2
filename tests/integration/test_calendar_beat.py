"""The calendar on a live worker and beat (Redis, PostgreSQL): a quarter boundary opens the
report steps, a reminder comes three days before the due date, the escalation on it, the
monthly digest on the first; each exactly once, however often beat fires."""

import datetime
import time

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count
from viewflow.workflow.models import Task

from core.demo import CaseDriver
from core.models import Deputy
from core.models.calendar import Notification, NotificationKind, OutboxMessage, TaskDeadline
from core.services import projects
from flows.project_flow import ProjectFlow
from permissions.roles import Role
from tests.calendar.mail_backend import sent_message_ids

from .conftest import TODAY, set_beat, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def pinned_day(settings):
    settings.CALENDAR_TODAY = TODAY


def waiting_case(world, code: str, index: int) -> CaseDriver:
    """A project voted in October 2026 that has reported its fourth quarter: it waits for
    the first quarter of 2027."""
    world.build_case(index, code, "candidate")
    project = world.jurisdictions[code].projects.order_by("-pk").first()
    case = CaseDriver(world, code, project)
    congress = world.users[(code, Role.CONGRESS_OFFICE)]
    projects.project_record_vote(
        actor=congress, project=project, elected=True, voted_on=datetime.date(2026, 10, 20)
    )
    case.refresh()
    projects.project_submit_plan(
        actor=world.users[(code, case.dept)],
        task=case.task("submit_plan"),
        plan_summary="分两期实施。",
        responsible="王建国",
        budget=case.project.budget,
        fund_source="区财政",
        deadline=datetime.date(2027, 11, 30),
        targets="明年底前完工",
        milestones=[("完成设计", datetime.date(2027, 6, 30))],
    )
    deputies = list(Deputy.objects.filter(jurisdiction__code=code).order_by("pk")[:2])
    projects.project_assign_monitoring_group(
        actor=congress, task=case.task("assign_monitoring_group"), deputies=deputies
    )
    case.refresh()
    case.report(4, 25)
    case.review()
    case.refresh()
    assert case.task("await_quarter") is not None
    return case


def open_reports(cases):
    return Task.objects.filter(
        process__in=[c.project.process for c in cases],
        flow_task=ProjectFlow.submit_report,
        status__in=["NEW", "ASSIGNED"],
    )


def kinds(kind):
    return Notification.objects.filter(kind=kind)


def no_duplicates():
    repeated = (
        Notification.objects.values("event_key", "recipient")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    return not repeated.exists()


def test_the_year_turns_reports_open_reminders_and_escalations_arrive_once(
    fresh_world, live_celery
):
    world = fresh_world
    head = User.objects.create_user("dh.works.head", email="head@demo.invalid")
    for suffix in ("works", "social"):
        office = world.offices[("qh-dh", suffix)]
        office.head = head
        office.save()
    cases = [waiting_case(world, "qh-dh", n) for n in (0, 1)]
    call_command("setup_schedule")
    set_beat("2026-12-31")
    live_celery.start_worker()
    live_celery.start_beat()

    # The last day of the quarter: beat runs every second, nothing opens.
    time.sleep(3)
    assert not open_reports(cases).exists(), live_celery.logs()

    # The clock moves to the first day of 2027: every waiting case opens its report.
    set_beat("2027-01-01")
    wait_for(lambda: open_reports(cases).count() == 2, 30, what="the reports to open")
    deadlines = TaskDeadline.objects.filter(task__in=open_reports(cases))
    assert {(d.period_year, d.period_quarter, d.due) for d in deadlines} == {
        (2027, 1, datetime.date(2027, 4, 10))
    }
    # the lead units are told the step is open
    wait_for(
        lambda: (
            kinds(NotificationKind.STEP_OPENED).filter(task__in=open_reports(cases)).count() == 2
        ),
        30,
        what="the step-opened notices",
    )

    # Three days before the due date: one reminder per step.
    set_beat("2027-04-07")
    wait_for(lambda: kinds(NotificationKind.REMINDER).count() == 2, 30, what="the reminders")

    # The due date: marked overdue, the congress office and the lead unit's head told.
    set_beat("2027-04-10")
    wait_for(
        lambda: (
            TaskDeadline.objects.filter(
                task__in=open_reports(cases), overdue_at__isnull=False
            ).count()
            == 2
        ),
        30,
        what="the steps to be marked overdue",
    )
    congress = world.users[("qh-dh", Role.CONGRESS_OFFICE)]
    wait_for(
        lambda: kinds(NotificationKind.OVERDUE).filter(recipient=head).count() == 2,
        30,
        what="the escalation to the head",
    )

    # The first of the month: the Party committee office's digest.
    set_beat("2027-05-01")
    party = world.users[("qh-dh", Role.PARTY_OFFICE)]
    wait_for(lambda: kinds(NotificationKind.DIGEST).filter(recipient=party).exists(), 30)

    # Let beat fire a few more times, then count: everything exactly once.
    time.sleep(3)
    assert open_reports(cases).count() == 2
    assert (
        Task.objects.filter(
            process__in=[c.project.process for c in cases], flow_task=ProjectFlow.submit_report
        ).count()
        == 4
    )  # the fourth quarter's and the first quarter's, per case
    assert kinds(NotificationKind.REMINDER).count() == 2
    overdue = kinds(NotificationKind.OVERDUE)
    assert overdue.filter(recipient=congress).count() == 2
    assert overdue.filter(recipient=head).count() == 2
    # beat ran the digest every second: one per month the clock passed through
    months = sorted(kinds(NotificationKind.DIGEST).values_list("params__month", flat=True))
    assert months == ["2027-04", "2027-05"]
    assert no_duplicates()

    # every notification's e-mail went out exactly once
    wait_for(
        lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(),
        30,
        what="the outbox to empty",
    )
    expected = {
        f"<notification-{pk}@livelihood>"
        for pk in Notification.objects.exclude(recipient__email="").values_list("pk", flat=True)
    }
    wait_for(
        lambda: set(sent_message_ids(live_celery.mail_dir)) == expected,
        30,
        what="every e-mail",
    )
    sent = sent_message_ids(live_celery.mail_dir)
    assert len(sent) == len(set(sent)) == len(expected)
