"""Reads of the calendar: the collection window, quarters, what comes next, overdue flags."""

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models.calendar import CalendarSettings
from core.selectors import calendar as selectors
from core.selectors import tasks as task_selectors
from core.services import calendar
from permissions.roles import Role

from .helpers import deadline_of, report_through

pytestmark = pytest.mark.django_db


def test_the_collection_window_is_september_and_october_by_default(world):
    j = world.jurisdictions["qh-dh"]
    assert not selectors.collection_window_open(j, datetime.date(2026, 8, 31))
    assert selectors.collection_window_open(j, datetime.date(2026, 9, 1))
    assert selectors.collection_window_open(j, datetime.date(2026, 10, 31))
    assert not selectors.collection_window_open(j, datetime.date(2026, 11, 1))


def test_an_office_may_collect_all_year_or_in_its_own_window(world):
    j = world.jurisdictions["qh-xs"]
    CalendarSettings.objects.create(jurisdiction=j, collection_all_year=True)
    assert selectors.collection_window_open(j, datetime.date(2026, 3, 3))
    CalendarSettings.objects.filter(jurisdiction=j).update(
        collection_all_year=False, collection_start_month=3, collection_end_month=4
    )
    assert selectors.collection_window_open(j, datetime.date(2026, 3, 3))
    assert not selectors.collection_window_open(j, datetime.date(2026, 9, 3))


@pytest.mark.parametrize(
    ("day", "quarter", "start", "end"),
    [
        ("2026-01-01", (2026, 1), "2026-01-01", "2026-03-31"),
        ("2026-06-30", (2026, 2), "2026-04-01", "2026-06-30"),
        ("2026-11-21", (2026, 4), "2026-10-01", "2026-12-31"),
    ],
)
def test_quarters(day, quarter, start, end):
    period = selectors.quarter_of(datetime.date.fromisoformat(day))
    assert period == quarter
    assert selectors.quarter_start(period).isoformat() == start
    assert selectors.quarter_end(period).isoformat() == end
    assert selectors.previous_period(selectors.next_period(period)) == period


def test_what_comes_next_lists_the_quarter_opening_reminders_and_escalations(make_case, world):
    waiting = report_through(make_case("qh-xs", to="implementing"), [1, 2, 3, 4])
    planning = make_case("qh-xs", to="planning")
    items = selectors.scheduled_next(world.jurisdictions["qh-xs"], datetime.date(2026, 1, 20))
    texts = [(item.on.isoformat(), item.what, item.project_id) for item in items]
    assert ("2027-01-01", "Quarterly report 2027 Q1 opens", waiting.project.pk) in texts
    plan = deadline_of(planning.project, "submit_plan")
    assert (plan.remind_on.isoformat(), "Reminder: “Implementation plan”", planning.project.pk) in (
        texts
    )
    assert ("2026-02-14", "Overdue escalation: “Implementation plan”", planning.project.pk) in (
        texts
    )
    assert ("2026-09-01", "Suggestion form opens", None) in texts
    assert ("2026-02-01", "Monthly digest to the Party committee office", None) in texts
    assert [item.on for item in items] == sorted(item.on for item in items)


def test_inboxes_flag_overdue_steps_in_one_query(make_case, world, django_assert_num_queries):
    late = make_case("qh-dh", to="implementing")  # first-quarter report due 2026-04-10
    clerk = world.users[("qh-dh", late.dept)]
    rows = list(task_selectors.queue(clerk))
    flagged = {row.pk: (row.due_date, row.is_overdue) for row in rows}
    report = deadline_of(late.project, "submit_report")
    assert flagged[report.task_id] == (datetime.date(2026, 4, 10), True)

    open_tasks = list(task_selectors.open_tasks_of(late.project.process))
    assert open_tasks[0].overdue_count == 1
    with django_assert_num_queries(1):
        list(task_selectors.open_tasks_of(late.project.process))


def test_projects_behind_schedule(make_case, world):
    late = make_case("qh-nm", to="planning")  # plan due 2026-02-14
    fine = make_case("qh-nm", to="implementing")  # next: report due 04-10, milestone 03-31
    make_case("qh-nm", to="candidate")  # not under supervision
    on = datetime.date(2026, 2, 20)
    assert list(selectors.projects_behind_schedule(world.jurisdictions["qh-nm"], on)) == [
        late.project
    ]
    later = datetime.date(2026, 4, 1)  # the first milestone is late now
    assert fine.project in selectors.projects_behind_schedule(world.jurisdictions["qh-nm"], later)


def test_the_calendar_command_prints_what_comes_next(make_case, capsys):
    make_case("qh-dh", to="planning")
    calendar.schedule_setup()
    call_command("calendar", "qh-dh", "--today", "2026-01-20")
    out = capsys.readouterr().out
    assert "2026-02-11  Reminder: “Implementation plan”" in out
    assert "2026-02-14  Overdue escalation: “Implementation plan”" in out
    assert "calendar: reminders and escalation:" in out
    # this test's transaction never commits, so its steps' messages are still kept
    assert "message(s) kept in the outbox since" in out


def test_the_calendar_command_refuses_an_unknown_jurisdiction(world):
    with pytest.raises(CommandError, match="No jurisdiction with the code nowhere"):
        call_command("calendar", "nowhere")


def test_the_calendar_command_lists_every_jurisdiction(world, capsys):
    call_command("calendar")
    out = capsys.readouterr().out
    for code in ("qh", "qh-dh", "qh-xs", "qh-nm"):
        assert f"({code})" in out
    assert "missing: run `manage.py setup_schedule`" in out


def test_escalation_needs_the_congress_office(world, make_case):
    case = make_case("qh-dh", to="planning")
    recipients = selectors.escalation_recipients(
        case.project, deadline_of(case.project, "submit_plan").task
    )
    assert world.users[("qh-dh", Role.CONGRESS_OFFICE)] in recipients
