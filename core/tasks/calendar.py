"""Celery tasks of the calendar area.

Each task loads by id and calls one service; every one is idempotent (the services claim
a key in the database), acknowledged late, so a worker that dies mid-task leaves its
message to be delivered again. Sweeps (run by beat) fan out one task per item and take an
optional ``today`` (ISO date) so that a schedule row can move the clock.
"""

from celery import shared_task
from django.conf import settings

from core.selectors import calendar as due
from core.services import calendar, notifications

COMMON = {"acks_late": True, "ignore_result": True}
# Retried deliveries back off, never longer than the broker's visibility timeout.
RETRYING = {
    **COMMON,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": settings.CALENDAR_RETRY_MAX_SECONDS,
    "max_retries": 8,
}


def _send(task, *args, **kwargs):
    task.apply_async(args=args, kwargs=kwargs)


# -- sweeps (beat) -----------------------------------------------------------------------
@shared_task(name="calendar.open_quarterly_reports", **COMMON)
def open_quarterly_reports(today: str | None = None) -> int:
    ids = due.waiting_report_tasks()
    for task_id in ids:
        _send(open_quarterly_report, task_id, today=today)
    return len(ids)


@shared_task(name="calendar.deadline_sweep", **COMMON)
def deadline_sweep(today: str | None = None) -> int:
    reminders = due.deadlines_due_for_reminder(today)
    overdue = due.deadlines_due_for_escalation(today)
    for deadline_id in reminders:
        _send(send_reminder, deadline_id, today=today)
    for deadline_id in overdue:
        _send(escalate_overdue, deadline_id, today=today)
    # review opinions of meetings and inspections are due dates like any other
    from core.tasks import oversight

    return len(reminders) + len(overdue) + oversight.opinion_sweep(today)


@shared_task(name="calendar.monthly_digest", **COMMON)
def monthly_digest(today: str | None = None) -> int:
    ids = due.digest_jurisdictions()
    for jurisdiction_id in ids:
        _send(send_digest, jurisdiction_id, today=today)
    return len(ids)


@shared_task(name="calendar.drain_outbox", **COMMON)
def drain_outbox() -> int:
    return notifications.outbox_drain()


# -- one item each -----------------------------------------------------------------------
@shared_task(name="calendar.open_quarterly_report", **RETRYING)
def open_quarterly_report(task_id: int, today: str | None = None) -> bool:
    return calendar.report_period_open(task_id=task_id, today=today)


@shared_task(name="calendar.send_reminder", **RETRYING)
def send_reminder(deadline_id: int, today: str | None = None) -> int:
    return len(calendar.deadline_remind(deadline_id=deadline_id, today=today))


@shared_task(name="calendar.escalate_overdue", **RETRYING)
def escalate_overdue(deadline_id: int, today: str | None = None) -> int:
    return len(calendar.deadline_escalate(deadline_id=deadline_id, today=today))


@shared_task(name="calendar.send_digest", **RETRYING)
def send_digest(jurisdiction_id: int, today: str | None = None) -> int:
    return len(calendar.digest_send(jurisdiction_id=jurisdiction_id, today=today))


@shared_task(name="calendar.notify_step_opened", **RETRYING)
def notify_step_opened(task_id: int) -> int:
    return len(calendar.step_opened_notify(task_id=task_id))


@shared_task(name="calendar.deliver_notification", **RETRYING)
def deliver_notification(notification_id: int) -> list[str]:
    return notifications.notification_deliver(notification_id=notification_id)
