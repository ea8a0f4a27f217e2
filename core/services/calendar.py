"""The calendar's writes: due dates, quarterly reports opening, reminders, escalation,
the monthly digest, and the offices' calendar settings.

How timed steps work (the one place this is described)
------------------------------------------------------
* **Due dates.** Every human step of ProjectFlow calls `ProjectFlow.step_opened` when it
  opens (viewflow's ``onCreate``), which calls `step_opened` here: it records the step's
  `TaskDeadline` (plan: N days after the vote; quarterly report: N days after its quarter
  ends, the second quarter's being the half-year report; monitoring-group sign-off:
  N days after the report arrived; N per jurisdiction in `CalendarSettings`) and queues
  the "step opened" notification through the outbox.
* **Quarterly reports.** At each quarter's start the report on that quarter opens for
  every project in implementation, due N days after the quarter ends. After the
  implementation plan, and after each signed-off report, the gateway `check_quarter`
  opens the next report at once if its quarter has begun (a case that is behind catches
  up), and otherwise parks the case in the waiting step `await_quarter` (a
  ``flow.Handle``). The beat task `calendar.open_quarterly_reports` runs daily and
  releases every waiting case whose quarter has begun (`report_period_open`).
* **Reminders and escalation.** The beat task `calendar.deadline_sweep` runs daily: a
  reminder goes to the responsible users `reminder_lead_days` before the due date
  (`deadline_remind`); on the due date the step is marked overdue and the congress office
  and the lead unit's head are told (`deadline_escalate`). Inboxes and the case page show
  the overdue flag from the due date itself.
* **Monthly digest.** The beat task `calendar.monthly_digest` (1st of the month) tells the
  Party committee office which projects are behind schedule (`digest_send`).
* **Schedule.** The beat rows live in the database (django-celery-beat's
  DatabaseScheduler), created by ``manage.py setup_schedule`` and changed with
  ``setup_schedule --change`` (the admin shows them read-only).
  Every beat task takes an optional ``today`` (ISO date) so that a schedule row, or the
  ``CALENDAR_TODAY`` setting, can move the clock; `python manage.py calendar` shows what
  comes next.
* **Once only.** Each of these writes claims a key (`SentKey`) in its own transaction,
  so a task that runs twice (a redelivered message, two beats) does its work once.

viewflow's own database timers (``flow.Timer``, ``workflow_timers``) are not used: their
dispatcher reads the wall clock, and when a report opens depends on the case's reports,
not on a delay from the moment the step was reached.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core import messages
from core.models import Jurisdiction
from core.models.calendar import (
    SCHEDULE_IN_PAST,
    SCHEDULE_INVALID,
    CalendarSettings,
    DeadlineKind,
    NotificationKind,
    TaskDeadline,
)
from core.selectors.calendar import (
    OPEN,
    as_date,
    calendar_settings_for,
    escalation_recipients,
    next_report_period,
    projects_behind_schedule,
    quarter_end,
    report_due_date,
    report_due_now,
    responsible_users,
    role_users,
)
from core.selectors.figures_cache import WARM_EVERY_SECONDS
from permissions.checks import can_configure_calendar
from permissions.roles import Role

from .history import create_with_reason, save_with_reason
from .notifications import enqueue, notify

STEP_OPENED_TASK = "calendar.notify_step_opened"


def _flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def _step_url(task) -> str:
    return reverse("flows:step", kwargs={"process_pk": task.process_id, "task_pk": task.pk})


def _case_url(project) -> str:
    return reverse("core:case", kwargs={"pk": project.pk})


def _params(deadline: TaskDeadline | None, task, project, **extra) -> dict:
    params = {
        "node": task.flow_task.name,
        "step": str(task.flow_task.task_title),
        "project": project.title,
        "due": deadline.due.isoformat() if deadline else "—",
    }
    params.update(extra)
    return params


# -- deadlines ---------------------------------------------------------------------------
def deadline_terms(task, project, today: datetime.date):
    """(kind, the day the clock starts, reporting period) of a step, or None for a step
    without a due date."""
    flow = _flow()
    node = task.flow_task
    if node == flow.submit_plan:
        return DeadlineKind.PLAN, project.voted_on or today, None
    if node == flow.submit_report:
        period = next_report_period(project)
        kind = DeadlineKind.HALF_YEAR_REPORT if period[1] == 2 else DeadlineKind.REPORT
        return kind, quarter_end(period), period
    if node == flow.review_report:
        return DeadlineKind.SIGN_OFF, today, None
    return None


def due_date(cal: CalendarSettings, kind: str, starts_on: datetime.date, period=None):
    if kind in (DeadlineKind.REPORT, DeadlineKind.HALF_YEAR_REPORT):
        return report_due_date(cal, period)[0]
    days = cal.plan_due_days if kind == DeadlineKind.PLAN else cal.sign_off_due_days
    return starts_on + datetime.timedelta(days=days)


def deadline_record(*, task, today: datetime.date | None = None) -> TaskDeadline | None:
    """Record when an open step is due (called as the step opens)."""
    project = task.process.coerced.project
    terms = deadline_terms(task, project, as_date(today))
    if terms is None:
        return None
    kind, starts_on, period = terms
    cal = calendar_settings_for(project.jurisdiction)
    due = due_date(cal, kind, starts_on, period)
    return create_with_reason(
        TaskDeadline,
        actor=None,
        why=_("Due date recorded"),
        task=task,
        project=project,
        kind=kind,
        period_year=period[0] if period else None,
        period_quarter=period[1] if period else None,
        starts_on=starts_on,
        due=due,
        remind_on=due - datetime.timedelta(days=cal.reminder_lead_days),
    )


def step_opened(*, task) -> TaskDeadline | None:
    """A human step opened: record its due date; tell who may take it, after commit."""
    deadline = deadline_record(task=task)
    enqueue(STEP_OPENED_TASK, task.pk)
    return deadline


def step_opened_notify(*, task_id: int) -> list:
    """Tell the users who may take a step that it is open (skipped once it is done)."""
    task = (
        Task.objects.select_related("process", "owner").filter(pk=task_id, status__in=OPEN).first()
    )
    if task is None:
        return []
    project = task.process.coerced.project
    deadline = TaskDeadline.objects.filter(task=task).first()
    return notify(
        event_key=f"opened:{task.pk}",
        recipients=responsible_users(task),
        kind=NotificationKind.STEP_OPENED,
        params=_params(deadline, task, project),
        url=_step_url(task),
        project=project,
        task=task,
    )


def _locked_deadline(deadline_id: int) -> TaskDeadline | None:
    return (
        TaskDeadline.objects.select_for_update(of=("self",))
        .select_related("task", "project", "project__lead_unit")
        .filter(pk=deadline_id)
        .first()
    )


@transaction.atomic
def deadline_remind(*, actor=None, deadline_id: int, today=None) -> list:
    """Remind the responsible users of a step due soon; once per step and due date."""
    today = as_date(today)
    deadline = _locked_deadline(deadline_id)
    if (
        deadline is None
        or deadline.reminded_at is not None
        or deadline.task.status not in OPEN
        or not (deadline.remind_on <= today < deadline.due)
    ):
        return []
    task, project = deadline.task, deadline.project
    sent = notify(
        event_key=f"reminder:{deadline.pk}:{deadline.due.isoformat()}",
        recipients=responsible_users(task),
        kind=NotificationKind.REMINDER,
        params=_params(deadline, task, project, days=(deadline.due - today).days),
        url=_step_url(task),
        project=project,
        task=task,
    )
    deadline.reminded_at = timezone.now()
    save_with_reason(deadline, actor=actor, reason=_("Reminder sent"))
    return sent


@transaction.atomic
def deadline_escalate(*, actor=None, deadline_id: int, today=None) -> list:
    """On the due date: mark the step overdue, tell the congress office and the lead
    unit's head (and the responsible users); once per step and due date."""
    today = as_date(today)
    deadline = _locked_deadline(deadline_id)
    if (
        deadline is None
        or deadline.overdue_at is not None
        or deadline.task.status not in OPEN
        or deadline.due > today
    ):
        return []
    task, project = deadline.task, deadline.project
    responsible = responsible_users(task)
    sent = notify(
        event_key=f"overdue:{deadline.pk}:{deadline.due.isoformat()}",
        recipients=escalation_recipients(project, task),
        kind=NotificationKind.OVERDUE,
        params=_params(
            deadline,
            task,
            project,
            responsible="、".join(
                ([project.lead_unit.name] if project.lead_unit_id else [])
                + [u.get_full_name() or u.username for u in responsible]
            )
            or "—",
        ),
        url=_case_url(project),
        project=project,
        task=task,
    )
    deadline.overdue_at = timezone.now()
    save_with_reason(deadline, actor=actor, reason=_("Marked overdue"))
    return sent


# -- quarterly reports -------------------------------------------------------------------
def report_period_open(*, actor=None, task_id: int, today=None) -> bool:
    """Open the next quarterly report of a waiting case if its quarter has begun.

    Safe to run twice or concurrently: the waiting step is re-read under the case's lock
    and only a still-waiting step is released.
    """
    flow = _flow()
    today = as_date(today)
    task = Task.objects.filter(pk=task_id, flow_task=flow.await_quarter).first()
    if task is None:
        return False
    try:
        with flow.lock(task.process_id), transaction.atomic():
            task.refresh_from_db()
            if task.status != STATUS.NEW:
                return False
            project = task.process.coerced.project
            if not report_due_now(project, today):
                return False
            flow.await_quarter.run(task)
    except FlowLockFailed:
        return False  # another worker holds the case; the next sweep tries again
    return True


# -- monthly digest ----------------------------------------------------------------------
@transaction.atomic
def digest_send(*, actor=None, jurisdiction_id: int, today=None) -> list:
    """The monthly check (一月一调度): tell the Party committee office which projects
    are behind schedule; once per jurisdiction and month, nothing when none is behind."""
    today = as_date(today)
    jurisdiction = Jurisdiction.objects.filter(pk=jurisdiction_id).first()
    if jurisdiction is None:
        return []
    behind = list(projects_behind_schedule(jurisdiction, today))
    if not behind:
        return []
    return notify(
        event_key=f"digest:{jurisdiction.code}:{today:%Y-%m}",
        recipients=role_users(jurisdiction.pk, Role.PARTY_OFFICE),
        kind=NotificationKind.DIGEST,
        params={
            "month": f"{today:%Y-%m}",
            "count": len(behind),
            "jurisdiction": jurisdiction.name,
            "projects": "\n".join(
                f"· {p.title}" + (f" ({p.lead_unit.name})" if p.lead_unit_id else "")
                for p in behind
            ),
        },
        url=reverse("calendar:jurisdiction", kwargs={"code": jurisdiction.code}),
    )


# -- settings ----------------------------------------------------------------------------
SETTING_FIELDS = (
    "report_due_days",
    "plan_due_days",
    "sign_off_due_days",
    "reminder_lead_days",
    "collection_all_year",
    "collection_start_month",
    "collection_start_day",
    "collection_end_month",
    "collection_end_day",
    "mid_year_meeting",
)


@transaction.atomic
def calendar_settings_update(
    *, actor, jurisdiction: Jurisdiction, today=None, **values
) -> CalendarSettings:
    """Change a jurisdiction's calendar. Refused with a clear message, writing nothing:
    negative or zero days, a collection window that ends before it starts, a mid-year
    meeting in the past. Open steps that are not yet overdue move to the new dates."""
    if actor is not None and not can_configure_calendar(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown setting: %(names)s") % {"names": ", ".join(unknown)})
    today = as_date(today)
    cal = calendar_settings_for(jurisdiction)
    meeting_before = cal.mid_year_meeting
    for field, value in values.items():
        setattr(cal, field, value)
    cal.clean(today=today if cal.mid_year_meeting != meeting_before else None)
    save_with_reason(cal, actor=actor, reason=_("Calendar settings changed"))
    deadlines_recompute(jurisdiction=jurisdiction, cal=cal)
    return cal


def deadlines_recompute(*, jurisdiction, cal: CalendarSettings) -> int:
    """Move the due dates of open, not yet overdue steps to the jurisdiction's calendar."""
    changed = 0
    deadlines = (
        TaskDeadline.objects.filter(
            project__jurisdiction=jurisdiction, task__status__in=OPEN, overdue_at__isnull=True
        )
        .select_related("task", "project")
        .order_by("pk")
    )
    for deadline in deadlines:
        period = (deadline.period_year, deadline.period_quarter)
        due = due_date(cal, deadline.kind, deadline.starts_on, period)
        remind_on = due - datetime.timedelta(days=cal.reminder_lead_days)
        if (due, remind_on) != (deadline.due, deadline.remind_on):
            if due != deadline.due:
                deadline.reminded_at = None  # a new due date gets its own reminder
            deadline.due, deadline.remind_on = due, remind_on
            save_with_reason(deadline, actor=None, reason=_("Due date moved by the calendar"))
            changed += 1
    return changed


# -- the beat schedule -------------------------------------------------------------------
@dataclass(frozen=True)
class BeatEntry:
    name: str
    task: str
    crontab: dict | None = None
    every_seconds: int | None = None


# The rows `manage.py setup_schedule` keeps in django-celery-beat's tables (times in the
# project's TIME_ZONE). An office changes them with `setup_schedule
# --change`; setting up again keeps their times.
BEAT_SCHEDULE = (
    BeatEntry(
        "calendar: open quarterly reports",
        "calendar.open_quarterly_reports",
        crontab={"minute": "10", "hour": "0"},
    ),
    BeatEntry(
        "calendar: reminders and escalation",
        "calendar.deadline_sweep",
        crontab={"minute": "0", "hour": "8"},
    ),
    BeatEntry(
        "calendar: monthly digest",
        "calendar.monthly_digest",
        crontab={"minute": "30", "hour": "8", "day_of_month": "1"},
    ),
    BeatEntry("calendar: send kept messages", "calendar.drain_outbox", every_seconds=60),
    BeatEntry("api: retry webhook deliveries", "api.retry_webhooks", every_seconds=60),
    BeatEntry(
        "supervision: keep large scopes' figures warm",
        "supervision.warm_figures",
        every_seconds=WARM_EVERY_SECONDS,
    ),
)


def _schedule_for(entry: BeatEntry) -> dict:
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule

    if entry.crontab is not None:
        fields = {
            "minute": "*",
            "hour": "*",
            "day_of_month": "*",
            "month_of_year": "*",
            "day_of_week": "*",
            **entry.crontab,
        }
        crontab, _created = CrontabSchedule.objects.get_or_create(
            timezone=settings.TIME_ZONE, **fields
        )
        return {"crontab": crontab, "interval": None}
    interval, _created = IntervalSchedule.objects.get_or_create(
        every=entry.every_seconds, period=IntervalSchedule.SECONDS
    )
    return {"interval": interval, "crontab": None}


def describe_schedule(row) -> str:
    """A beat row's timing in one line: "cron 30 8 1 * * (Asia/Shanghai)", "every 60 s"."""
    if row.crontab_id:
        c = row.crontab
        fields = (c.minute, c.hour, c.day_of_month, c.month_of_year, c.day_of_week)
        return f"cron {' '.join(fields)} ({c.timezone})"
    if row.interval_id:
        return f"every {row.interval.every} {row.interval.period}"
    return str(row.schedule)


@transaction.atomic
def schedule_setup(*, actor=None, reset: bool = False) -> list:
    """Create the calendar's beat rows if missing (idempotent, no data needed); with
    `reset`, put their times back to the defaults."""
    from django_celery_beat.models import PeriodicTask

    rows = []
    for entry in BEAT_SCHEDULE:
        row = PeriodicTask.objects.filter(name=entry.name).first()
        if row is None:
            row = PeriodicTask(name=entry.name, task=entry.task, **_schedule_for(entry))
            row.description = entry.task
            row.save()
        elif reset or row.task != entry.task:
            row.task = entry.task
            if reset:
                for field, value in _schedule_for(entry).items():
                    setattr(row, field, value)
                row.kwargs = "{}"
                row.enabled = True
            row.save()
        rows.append(row)
    return rows


@transaction.atomic
def schedule_change(
    *,
    actor,
    name: str,
    minute: str = "0",
    hour: str = "*",
    day_of_month: str = "*",
    starts: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
):
    """Move one of the calendar's beat rows to another time. Refused with a clear message:
    an unknown row, a time that is not one, a start in the past."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, PeriodicTask
    from django_celery_beat.validators import (
        day_of_month_validator,
        hour_validator,
        minute_validator,
    )

    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    names = {entry.name for entry in BEAT_SCHEDULE}
    row = PeriodicTask.objects.filter(name=name, name__in=names).first()
    if row is None:
        raise ValidationError({"name": _("No such calendar schedule: %(name)s") % {"name": name}})
    errors = {}
    for field, value, check in (
        ("minute", minute, minute_validator),
        ("hour", hour, hour_validator),
        ("day_of_month", day_of_month, day_of_month_validator),
    ):
        try:
            check(str(value))
        except (ValidationError, ValueError) as exc:
            detail = "; ".join(getattr(exc, "messages", [str(exc)]))
            errors[field] = SCHEDULE_INVALID % {"detail": f"{value} ({detail})"}
    now = now or timezone.now()
    if starts is not None and starts < now:
        errors["starts"] = SCHEDULE_IN_PAST
    if errors:
        raise ValidationError(errors)
    crontab, _created = CrontabSchedule.objects.get_or_create(
        timezone=settings.TIME_ZONE,
        minute=str(minute),
        hour=str(hour),
        day_of_month=str(day_of_month),
        month_of_year="*",
        day_of_week="*",
    )
    row.crontab, row.interval = crontab, None
    row.start_time = starts
    row.save()
    return row
