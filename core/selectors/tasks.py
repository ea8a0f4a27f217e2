"""Reads of tasks: inbox, queue, archive, one task — always scoped to the user.

viewflow's own task lists filter only by flow class; here every query adds the
jurisdiction scope, so a clerk never sees a sibling jurisdiction's task.
"""

from functools import reduce
from operator import or_

from django.db.models import BooleanField, Case, Count, F, Q, Sum, Value, When, Window
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


# Inbox and queue: what is due first comes first (overdue first), then the oldest.
BY_DUE_DATE = (F("deadline__due").asc(nulls_last=True), "created", "pk")


def _inbox_q(user) -> Q:
    return Q(owner=user, status=STATUS.ASSIGNED)


# What a row of the inbox and the queue shows: the step, the case, its jurisdiction and
# category (not its lead unit nor the task's owner).
LIST_RELATED = (f"{CASE}__jurisdiction", f"{CASE}__category")


def _listed(qs):
    return qs.select_related(None).select_related(*LIST_RELATED)


def inbox(user):
    """Tasks assigned to the user, overdue and soonest due first."""
    return _listed(scoped_tasks(user).filter(_inbox_q(user))).order_by(*BY_DUE_DATE)


def queue_q(user) -> Q | None:
    """Which open tasks the user may take, as one indexable filter; None when nothing.

    The same rule as viewflow's `TaskQuerySet.user_queue` (a task without a permission,
    one owned by the user, a model permission, or an object permission the user holds),
    written as `owner_permission = p AND owner_permission_obj_pk IN (…)` per permission
    rather than as a concatenation compared with every held permission, so that
    PostgreSQL answers it from an index instead of reading every open task.
    """
    if not user.is_authenticated or not user.is_active:
        return None
    by_permission = _object_permissions(user)
    model_perms = user.get_all_permissions()
    if not by_permission and not model_perms:
        # Every human step of our flows names its permission, and a step in the queue has
        # no owner: someone who holds no step permission (a supervisor) has an empty queue.
        return None
    parts = [Q(owner_permission__isnull=True), Q(owner=user)]
    if model_perms:
        parts.append(Q(owner_permission__in=sorted(model_perms)))
    for permission, pks in sorted(by_permission.items()):
        parts.append(Q(owner_permission=permission, owner_permission_obj_pk__in=sorted(pks)))
    return reduce(or_, parts)


def _object_permissions(user) -> dict[str, set[str]]:
    """The user's guardian object permissions: {"app.codename": {object pk, …}} (cached
    on the user object for the request)."""
    cached = getattr(user, "_queue_object_perms", None)
    if cached is not None:
        return cached
    from guardian.models import GroupObjectPermission, UserObjectPermission

    result: dict[str, set[str]] = {}
    rows = UserObjectPermission.objects.filter(user=user).values_list(
        "content_type__app_label", "permission__codename", "object_pk"
    )
    group_rows = GroupObjectPermission.objects.filter(group__user=user).values_list(
        "content_type__app_label", "permission__codename", "object_pk"
    )
    for app_label, codename, pk in [*rows, *group_rows]:
        result.setdefault(f"{app_label}.{codename}", set()).add(pk)
    user._queue_object_perms = result
    return result


def queue(user):
    """Open tasks the user's roles may take in their jurisdictions (viewflow's queue rule,
    see `queue_q`, narrowed to the user's scope), overdue and soonest due first."""
    allowed = queue_q(user)
    if allowed is None:
        return scoped_tasks(user).none()
    return _listed(
        scoped_tasks(user).filter(allowed, status=STATUS.NEW, flow_task_type="HUMAN")
    ).order_by(*BY_DUE_DATE)


def counts_by_step(qs) -> dict[str, int]:
    """How many tasks of `qs` wait at each step, by step name, in one query."""
    rows = qs.order_by().values("flow_task").annotate(n=Count("pk")).values_list("flow_task", "n")
    return {node.name: n for node, n in rows if node is not None}


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
