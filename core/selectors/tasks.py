"""Reads of tasks: inbox, queue, archive, one task — always scoped to the user.

viewflow's own task lists filter only by flow class; here every query adds the
jurisdiction scope, so a clerk never sees a sibling jurisdiction's task.
"""

from django.db.models import BooleanField, Case, F, Sum, Value, When, Window
from django.http import Http404
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from permissions.scope import jurisdiction_q

CASE = "process__projectprocess__project"
TASK_RELATED = (
    "process",
    "process__projectprocess",
    f"{CASE}",
    f"{CASE}__jurisdiction",
    f"{CASE}__category",
    f"{CASE}__lead_unit",
    "owner",
)


def _flow_class():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def with_due_dates(qs):
    """Each task's due date (`due_date`, None without one) and whether it is overdue
    (`is_overdue`: open and the due date has come), in the same query."""
    from core.selectors.calendar import calendar_today

    return qs.annotate(
        due_date=F("deadline__due"),
        is_overdue=Case(
            When(
                deadline__due__lte=calendar_today(),
                status__in=[STATUS.NEW, STATUS.ASSIGNED],
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def scoped_tasks(user):
    return with_due_dates(
        Task.objects.filter(
            jurisdiction_q(user, field=f"{CASE}__jurisdiction"),
            process__flow_class=_flow_class(),
        ).select_related(*TASK_RELATED)
    )


def inbox(user):
    """Tasks assigned to the user."""
    return scoped_tasks(user).filter(owner=user, status=STATUS.ASSIGNED).order_by("created")


def queue(user):
    """Open tasks the user's roles may take in their jurisdictions (viewflow's queue query,
    which checks guardian object permissions, narrowed to the user's scope)."""
    return (
        scoped_tasks(user)
        .user_queue(user)
        .filter(status=STATUS.NEW, flow_task_type="HUMAN")
        .order_by("created")
    )


def archive(user):
    """Tasks the user completed."""
    return (
        scoped_tasks(user)
        .filter(owner=user, status=STATUS.DONE, flow_task_type="HUMAN")
        .order_by("-finished")
    )


def task_for_user(user, task_pk: int, process_pk: int | None = None) -> Task:
    """One task, fetched and authorized in one step: the same 404 for missing and forbidden."""
    qs = scoped_tasks(user).filter(pk=task_pk)
    if process_pk is not None:
        qs = qs.filter(process_id=process_pk)
    task = qs.first()
    if task is None:
        raise Http404
    return task


def open_tasks_of(process):
    """A case's open steps, each with its due date, overdue flag and `overdue_count`
    (how many of the case's open steps are overdue), in one query."""
    return (
        with_due_dates(
            Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED])
        )
        .annotate(
            overdue_count=Window(Sum(Case(When(is_overdue=True, then=Value(1)), default=Value(0))))
        )
        .select_related("owner")
        .order_by("created")
    )
