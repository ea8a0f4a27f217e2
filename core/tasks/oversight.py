"""Celery tasks of the supervision year: reminders and escalation of review opinions.

Fanned out by the calendar's daily sweep (`calendar.deadline_sweep`); each task loads one
opinion by id and calls one service, which claims its key so that a repeat does nothing.
"""

from celery import shared_task

from core.selectors import oversight as due
from core.services import review_opinions

from .calendar import RETRYING, _send


def opinion_sweep(today: str | None = None) -> int:
    reminders = due.opinions_due_for_reminder(today)
    overdue = due.opinions_due_for_escalation(today)
    for opinion_id in reminders:
        _send(remind_opinion, opinion_id, today=today)
    for opinion_id in overdue:
        _send(escalate_opinion, opinion_id, today=today)
    return len(reminders) + len(overdue)


@shared_task(name="oversight.remind_opinion", **RETRYING)
def remind_opinion(opinion_id: int, today: str | None = None) -> int:
    return len(review_opinions.review_opinion_remind(opinion_id=opinion_id, today=today))


@shared_task(name="oversight.escalate_opinion", **RETRYING)
def escalate_opinion(opinion_id: int, today: str | None = None) -> int:
    return len(review_opinions.review_opinion_escalate(opinion_id=opinion_id, today=today))
