"""Taking several steps from the queue at once."""

from contextlib import ExitStack

from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core import inbox_messages as messages
from core.services.steps import StepRefused
from permissions.checks import can_take_task

CLAIM_LIMIT = 50


def _describe(task) -> dict:
    project = task.process.coerced.project
    return {"step": task.flow_task.task_title, "project": project.title}


def tasks_claim(*, actor, tasks: list[Task]) -> list[Task]:
    """Take every one of `tasks` into the actor's inbox, or none of them.

    The cases are locked in the order of their ids (two clerks claiming overlapping sets
    cannot deadlock), each task is read again under its lock, and a task someone took
    meanwhile, or that the actor may not take, refuses the whole claim.
    """
    if not tasks:
        raise StepRefused(messages.CLAIM_NOTHING_CHOSEN)
    if len(tasks) > CLAIM_LIMIT:
        raise StepRefused(messages.CLAIM_TOO_MANY % {"limit": CLAIM_LIMIT})
    flow_class = tasks[0].flow_task.flow_class
    try:
        with ExitStack() as stack:
            stack.enter_context(transaction.atomic())
            for process_pk in sorted({task.process_id for task in tasks}):
                stack.enter_context(flow_class.lock(process_pk))
            fresh = list(
                Task.objects.select_related("process")
                .filter(pk__in=[task.pk for task in tasks])
                .order_by("process_id", "pk")
            )
            for task in fresh:
                if task.status != STATUS.NEW:
                    raise StepRefused(messages.CLAIM_TAKEN % _describe(task))
                if not can_take_task(actor, task):
                    raise PermissionDenied(messages.CLAIM_NOT_ALLOWED % _describe(task))
            for task in fresh:
                task.flow_task.activation_class(task).assign(actor)
            return fresh
    except FlowLockFailed:
        raise StepRefused(messages.CLAIM_BUSY)
