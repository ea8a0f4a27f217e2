"""Reads of the calendar: the clock, quarters, settings, deadlines, notifications, and what
the system will do next for a jurisdiction."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import get_users_with_perms
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import Jurisdiction, Milestone, MilestoneStatus, Project, RoleAssignment, Stage
from core.models.calendar import (
    CalendarSettings,
    DeadlineKind,
    Notification,
    OutboxMessage,
    TaskDeadline,
)
from permissions.roles import Role
from permissions.scope import jurisdiction_q

OPEN = (STATUS.NEW, STATUS.ASSIGNED)
# Stages in which a project is expected to keep to its plan and report.
SUPERVISED_STAGES = (Stage.PLANNING, Stage.IMPLEMENTING, Stage.ACCEPTANCE)


# -- the clock ---------------------------------------------------------------------------
def calendar_today() -> datetime.date:
    """Today for the calendar: `CALENDAR_TODAY` (ISO date, for demonstrations and tests
    that move the clock) or the local date. Beat tasks may also pass their own `today`."""
    fixed = getattr(settings, "CALENDAR_TODAY", "")
    if fixed:
        return datetime.date.fromisoformat(fixed)
    return timezone.localdate()


def as_date(value) -> datetime.date:
    """`value` as a date: None means the calendar's today; a string is an ISO date."""
    if value is None or value == "":
        return calendar_today()
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


# -- quarters ----------------------------------------------------------------------------
Period = tuple[int, int]  # (year, quarter)


def quarter_of(day: datetime.date) -> Period:
    return day.year, (day.month - 1) // 3 + 1


def quarter_start(period: Period) -> datetime.date:
    year, quarter = period
    return datetime.date(year, 3 * (quarter - 1) + 1, 1)


def quarter_end(period: Period) -> datetime.date:
    return next_quarter_start(period) - datetime.timedelta(days=1)


def next_period(period: Period) -> Period:
    year, quarter = period
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def previous_period(period: Period) -> Period:
    year, quarter = period
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def next_quarter_start(period: Period) -> datetime.date:
    return quarter_start(next_period(period))


# -- settings ----------------------------------------------------------------------------
def calendar_settings_for(jurisdiction: Jurisdiction) -> CalendarSettings:
    """The jurisdiction's calendar, or the defaults (unsaved) when it has not set one.

    Read afresh each time (not through `jurisdiction.calendar`, which would keep a stale
    or half-edited row on a long-lived jurisdiction object)."""
    cal = CalendarSettings.objects.filter(jurisdiction_id=jurisdiction.pk).first()
    if cal is None:
        cal = CalendarSettings(
            jurisdiction_id=jurisdiction.pk, report_due_days=jurisdiction.report_due_days
        )
    return cal


def collection_window(jurisdiction: Jurisdiction, year: int):
    """(first day, last day) of the year's suggestion collection, or None all year."""
    cal = calendar_settings_for(jurisdiction)
    if cal.collection_all_year:
        return None
    return (
        _safe_date(year, cal.collection_start_month, cal.collection_start_day),
        _safe_date(year, cal.collection_end_month, cal.collection_end_day),
    )


def _safe_date(year: int, month: int, day: int) -> datetime.date:
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 29 February in a common year
        return datetime.date(year, month, 28)


def collection_window_open(jurisdiction: Jurisdiction, on: datetime.date) -> bool:
    """Is the public suggestion form open in this jurisdiction on this day?"""
    window = collection_window(jurisdiction, on.year)
    return window is None or window[0] <= on <= window[1]


# -- reports -----------------------------------------------------------------------------
def last_reported_period(project: Project) -> Period | None:
    row = project.reports.order_by("-year", "-quarter").values_list("year", "quarter").first()
    return tuple(row) if row else None


def next_report_period(project: Project) -> Period:
    """The quarter the project reports on next: after its latest report, or the quarter
    it was voted in."""
    last = last_reported_period(project)
    if last is not None:
        return next_period(last)
    start = project.voted_on or datetime.date(project.year, 1, 1)
    return quarter_of(start)


def report_opens_on(period: Period) -> datetime.date:
    """A quarter's report opens at the quarter's start (due N days after it ends)."""
    return quarter_start(period)


def report_due_now(project: Project, today: datetime.date | None = None) -> bool:
    """Has the quarter of the project's next report begun (so its report is open)?"""
    return report_opens_on(next_report_period(project)) <= as_date(today)


def report_due_date(cal: CalendarSettings, period: Period) -> tuple[datetime.date, str]:
    """Due date and kind of a quarter's report: N days after the quarter ends; the second
    quarter's is the half-year report, due the day before a mid-year meeting if sooner."""
    due = quarter_end(period) + datetime.timedelta(days=cal.report_due_days)
    kind = DeadlineKind.REPORT
    if period[1] == 2:
        kind = DeadlineKind.HALF_YEAR_REPORT
        meeting = cal.mid_year_meeting
        if meeting is not None and meeting.year == period[0]:
            due = min(due, meeting - datetime.timedelta(days=1))
    return due, kind


# -- deadlines ---------------------------------------------------------------------------
def open_deadlines():
    return TaskDeadline.objects.filter(task__status__in=OPEN)


def deadlines_to_remind(today: datetime.date):
    return open_deadlines().filter(remind_on__lte=today, due__gt=today, reminded_at__isnull=True)


def deadlines_overdue(today: datetime.date):
    return open_deadlines().filter(due__lte=today, overdue_at__isnull=True)


def projects_behind_schedule(jurisdiction: Jurisdiction, today: datetime.date | None = None):
    """Projects under supervision with an overdue step, a late milestone, or past their
    deadline."""
    today = as_date(today)
    overdue_step = open_deadlines().filter(project=OuterRef("pk"), due__lte=today)
    late_milestone = Milestone.objects.filter(project=OuterRef("pk"), due__lt=today).exclude(
        status=MilestoneStatus.DONE
    )
    return (
        Project.objects.filter(jurisdiction=jurisdiction, stage__in=SUPERVISED_STAGES)
        .filter(Exists(overdue_step) | Exists(late_milestone) | Q(deadline__lt=today))
        .select_related("lead_unit")
        .order_by("title", "pk")
    )


# -- who is told -------------------------------------------------------------------------
def responsible_users(task) -> list:
    """Who answers for an open step: its owner once taken, otherwise everyone holding
    the step's permission on the step's object (a department, the jurisdiction, or the
    project's monitoring group)."""
    if task.owner_id:
        return [task.owner]
    obj = task.owner_permission_obj
    if obj is None or not task.owner_permission:
        return []
    codename = task.owner_permission.split(".", 1)[-1]
    users = get_users_with_perms(obj, with_group_users=False, only_with_perms_in=[codename])
    return list(users.filter(is_active=True).order_by("pk"))


def role_users(jurisdiction_id: int, role: Role) -> list:
    assignments = RoleAssignment.objects.filter(
        jurisdiction_id=jurisdiction_id, role=role, user__is_active=True
    ).select_related("user")
    return [a.user for a in assignments.order_by("user_id")]


def escalation_recipients(project: Project, task) -> list:
    """The congress office, the lead unit's head, and whoever answers for the step."""
    users = role_users(project.jurisdiction_id, Role.CONGRESS_OFFICE)
    if project.lead_unit_id and project.lead_unit.head_id:
        users.append(project.lead_unit.head)
    return users + responsible_users(task)


def deadlines_due_for_reminder(today=None) -> list[int]:
    return list(deadlines_to_remind(as_date(today)).order_by("pk").values_list("pk", flat=True))


def deadlines_due_for_escalation(today=None) -> list[int]:
    return list(deadlines_overdue(as_date(today)).order_by("pk").values_list("pk", flat=True))


def waiting_report_tasks() -> list[int]:
    """Open `await_quarter` steps (cases waiting for their next quarter)."""
    from flows.project_flow import ProjectFlow

    return list(
        Task.objects.filter(flow_task=ProjectFlow.await_quarter, status=STATUS.NEW)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def digest_jurisdictions() -> list[int]:
    return list(Jurisdiction.objects.order_by("path").values_list("pk", flat=True))


# -- notifications -----------------------------------------------------------------------
def notifications_for(user):
    return Notification.objects.filter(recipient=user).select_related("project")


def notification_for_user(user, pk: int) -> Notification:
    notification = notifications_for(user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def outbox_pending():
    return OutboxMessage.objects.filter(sent_at__isnull=True)


# -- jurisdictions a user may look at --------------------------------------------------
def calendar_jurisdictions(user):
    return Jurisdiction.objects.filter(jurisdiction_q(user, field=None)).order_by("path")


def calendar_jurisdiction_for_user(user, code: str) -> Jurisdiction:
    jurisdiction = calendar_jurisdictions(user).filter(code=code).first()
    if jurisdiction is None:
        raise Http404
    return jurisdiction


# -- what happens next -------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduledItem:
    on: datetime.date
    what: str
    detail: str = ""
    project_id: int | None = None


def scheduled_next(
    jurisdiction: Jurisdiction, today: datetime.date | None = None, limit: int = 50
) -> list[ScheduledItem]:
    """What the system will do for this jurisdiction, soonest first: the collection
    window, quarterly reports opening, reminders, escalations and the monthly digest."""
    from flows.project_flow import ProjectFlow

    today = as_date(today)
    cal = calendar_settings_for(jurisdiction)
    items: list[ScheduledItem] = []

    window = collection_window(jurisdiction, today.year)
    if window is None:
        items.append(ScheduledItem(today, _("Suggestion form open all year")))
    else:
        start, end = window
        if today < start:
            items.append(ScheduledItem(start, _("Suggestion form opens")))
            items.append(ScheduledItem(end, _("Suggestion form closes")))
        elif today <= end:
            items.append(ScheduledItem(end, _("Suggestion form closes")))
            items.append(
                ScheduledItem(
                    collection_window(jurisdiction, today.year + 1)[0],
                    _("Suggestion form opens"),
                )
            )
        else:
            items.append(
                ScheduledItem(
                    collection_window(jurisdiction, today.year + 1)[0],
                    _("Suggestion form opens"),
                )
            )

    waiting = (
        Project.objects.filter(
            jurisdiction=jurisdiction,
            process__task__flow_task=ProjectFlow.await_quarter,
            process__task__status__in=OPEN,
        )
        .prefetch_related("reports")
        .order_by("title", "pk")
        .distinct()
    )
    for project in waiting:
        reported = [(r.year, r.quarter) for r in project.reports.all()]
        if reported:
            period = next_period(max(reported))
        else:
            period = quarter_of(project.voted_on or datetime.date(project.year, 1, 1))
        opens = max(report_opens_on(period), today)
        due, kind = report_due_date(cal, period)
        items.append(
            ScheduledItem(
                opens,
                _("%(kind)s %(year)s Q%(quarter)s opens")
                % {"kind": DeadlineKind(kind).label, "year": period[0], "quarter": period[1]},
                _("%(project)s · due %(due)s") % {"project": project.title, "due": due},
                project.pk,
            )
        )

    deadlines = (
        open_deadlines()
        .filter(project__jurisdiction=jurisdiction)
        .select_related("project", "task")
        .order_by("due", "pk")
    )
    for deadline in deadlines:
        step = deadline.task.flow_task.task_title
        label = {"step": step, "project": deadline.project.title, "due": deadline.due}
        if deadline.reminded_at is None and deadline.remind_on > today:
            items.append(
                ScheduledItem(
                    deadline.remind_on,
                    _("Reminder: “%(step)s”") % label,
                    _("%(project)s · due %(due)s") % label,
                    deadline.project_id,
                )
            )
        if deadline.overdue_at is None:
            items.append(
                ScheduledItem(
                    max(deadline.due, today),
                    _("Overdue escalation: “%(step)s”") % label,
                    _("%(project)s · due %(due)s") % label,
                    deadline.project_id,
                )
            )

    from .oversight import scheduled_oversight

    items += scheduled_oversight(jurisdiction, today)

    first_of_next_month = (today.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    items.append(
        ScheduledItem(
            first_of_next_month,
            _("Monthly digest to the Party committee office"),
            _("%(count)s project(s) behind schedule today")
            % {"count": projects_behind_schedule(jurisdiction, today).count()},
        )
    )
    items.sort(key=lambda item: (item.on, item.what))
    return items[:limit]
