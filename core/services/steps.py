"""Running one human step of a flow: lock, check, do the work, complete the activation.

Every step service runs its writes inside `task_step`, so that the case's lock, the
permission check and the completion of the viewflow task are one transaction: two users
completing the same task at once, one wins and the other is told; a refused or invalid
submission leaves nothing behind.
"""

from contextlib import contextmanager, nullcontext

from django.core.exceptions import PermissionDenied
from django.db import transaction
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from core import messages
from core.prepared import prepared
from permissions.checks import can_take_task

from .audit import audit_record


class StepRefused(Exception):
    """The step could not be done now; `message` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@contextmanager
def task_step(*, actor, task, node):
    """Yield the activation of `task` for `actor`, then complete it.

    `node` is the flow node the caller's form was written for; a task of another node is
    refused, so a form posted to the wrong step's URL cannot complete it.
    """
    flow_class = node.flow_class
    if task.flow_task != node:
        raise StepRefused(messages.WRONG_STEP)
    try:
        with flow_class.lock(task.process_id), _one_transaction(), prepared():
            task = _locked_task(flow_class, task.pk)
            if task.status in (STATUS.DONE, STATUS.CANCELED):
                raise StepRefused(messages.TASK_ALREADY_DONE)
            if task.status == STATUS.ASSIGNED and task.owner_id != actor.pk:
                raise StepRefused(messages.TASK_TAKEN)
            if not can_take_task(actor, task):
                raise PermissionDenied(messages.TASK_NOT_ALLOWED)
            activation = node.activation_class(task)
            if task.status == STATUS.NEW:
                # Taken and done in one go: the owner is written with the completion (one
                # UPDATE of the task, not two); nobody else can see the task in between.
                task.owner = actor
                task.status = STATUS.ASSIGNED
            activation.start(None)
            yield activation
            activation.execute()
            record_step(actor=actor, activation=activation, node=node)
    except FlowLockFailed:
        raise StepRefused(messages.TASK_BUSY)


def _one_transaction():
    """The case's lock runs its block in a transaction (select_for_update_lock does); a
    second atomic block inside it would only add a savepoint."""
    if transaction.get_connection().in_atomic_block:
        return nullcontext()
    return transaction.atomic()


# What a step reads with its task, under the case's lock: the case's record and what
# the step's permission and services ask of it (its jurisdiction, its offices).
_READ_WITH_TASK = {
    "projectprocess": ("project__jurisdiction", "project__study_department", "project__lead_unit"),
    "votingprocess": ("session__jurisdiction",),
}


def _locked_task(flow_class, task_pk):
    """The task with its process (as the flow's process class), the case's record and
    its jurisdiction, in one query."""
    link = flow_class.process_class._meta.model_name
    related = [f"process__{link}__{path}" for path in _READ_WITH_TASK.get(link, ())]
    if link != "process" and not related:
        related = [f"process__{link}"]
    return flow_class.task_class._default_manager.select_related("process", *related).get(
        pk=task_pk
    )


def _artifact(process):
    """The record a case or session process carries (a project, a voting session)."""
    for name in ("project", "session"):
        artifact = getattr(process, name, None)
        if artifact is not None:
            return artifact
    return None


def record_step(*, actor, activation, node) -> None:
    """Put a completed step on the decision log, in the step's own transaction: which
    step, of which case, by whom, and what was decided (the task's data)."""
    artifact = _artifact(activation.process)
    title = str(node.task_title or node.name)
    audit_record(
        actor=actor,
        action=f"step.{node.flow_class.__name__}.{node.name}",
        jurisdiction=getattr(artifact, "jurisdiction", None),
        target=artifact,
        summary=f"{title} · {artifact}" if artifact is not None else title,
        data={"task": activation.task.pk, "decision": activation.task.data or {}},
    )


def task_assign(*, actor, task) -> None:
    """Take a task from the queue into one's own inbox."""
    node = task.flow_task
    try:
        with node.flow_class.lock(task.process_id), _one_transaction():
            task.refresh_from_db()
            if task.status != STATUS.NEW:
                raise StepRefused(messages.TASK_TAKEN)
            if not can_take_task(actor, task):
                raise PermissionDenied(messages.TASK_NOT_ALLOWED)
            node.activation_class(task).assign(actor)
    except FlowLockFailed:
        raise StepRefused(messages.TASK_BUSY)


def task_release(*, actor, task) -> None:
    """Put a task one has taken back into the queue."""
    node = task.flow_task
    with node.flow_class.lock(task.process_id), _one_transaction():
        task.refresh_from_db()
        if task.status != STATUS.ASSIGNED or task.owner_id != actor.pk:
            raise PermissionDenied(messages.TASK_NOT_ALLOWED)
        node.activation_class(task).unassign()


def open_task(process, node):
    """The open task of `node` in a case, or None."""
    return (
        node.flow_class.task_class._default_manager.filter(
            process=process, flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
        .order_by("-pk")
        .first()
    )
