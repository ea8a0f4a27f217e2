"""Reads of tasks: inbox, queue, archive, one task — always scoped to the user.

viewflow's own task lists filter only by flow class; here every query adds the
jurisdiction scope, so a clerk never sees a sibling jurisdiction's task.

Two flows have human steps: a project case's (ProjectFlow) and a voting session's
(VotingSessionFlow). The web inbox, queue and archive list both (`work=True`), and the
step page sends a session's step on to the session's own page; the case pages, the bulk
claim and the API read the project cases' steps only.
"""

from functools import reduce
from operator import or_

from django.db.models import BooleanField, Case, Count, F, Q, Sum, Value, When, Window
from django.http import Http404
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from permissions.roles import Step, perm
from permissions.scope import jurisdiction_q, may_hold_step

CASE = "process__projectprocess__project"
SESSION = "process__votingprocess__session"
TASK_RELATED = (
    "process",
    "process__projectprocess",
    f"{CASE}",
    f"{CASE}__jurisdiction",
    f"{CASE}__category",
    f"{CASE}__lead_unit",
    "owner",
)
SESSION_RELATED = (f"{SESSION}__jurisdiction",)


def _flow_class():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def _voting_flow_class():
    from flows.voting_flow import VotingSessionFlow

    return VotingSessionFlow


def scope_q(user, *, work: bool = False) -> Q:
    """The tasks the user may read: a project case's in the jurisdictions they read, and
    with `work` also a voting session's in the jurisdictions they read."""
    cases = Q(process__flow_class=_flow_class()) & jurisdiction_q(
        user, field=f"{CASE}__jurisdiction"
    )
    if not work:
        return cases
    sessions = Q(process__flow_class=_voting_flow_class()) & jurisdiction_q(
        user, field=f"{SESSION}__jurisdiction"
    )
    return cases | sessions


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


def scoped_tasks(user, *, work: bool = False):
    related = (*TASK_RELATED, *SESSION_RELATED) if work else TASK_RELATED
    return with_due_dates(Task.objects.filter(scope_q(user, work=work)).select_related(*related))


# Inbox and queue: what is due first comes first (overdue first), then the oldest.
BY_DUE_DATE = (F("deadline__due").asc(nulls_last=True), "created", "pk")


def _inbox_q(user) -> Q:
    return Q(owner=user, status=STATUS.ASSIGNED)


# What a row of the inbox and the queue shows: the step, the case, its jurisdiction and
# category (not its lead unit nor the task's owner); or the voting session and its
# jurisdiction.
LIST_RELATED = (f"{CASE}__jurisdiction", f"{CASE}__category")
WORK_RELATED = (*LIST_RELATED, *SESSION_RELATED)


# ... and of those rows only the columns a row shows or links with: not the case's texts
# (its reasons, plans, opinions), nor the task's and the process's data.
LIST_COLUMNS = (
    "flow_task",
    "flow_task_type",
    "status",
    "created",
    "assigned",
    "finished",
    "owner",
    "owner_permission",
    "owner_permission_obj_pk",
    "process__flow_class",
    "process__status",
    f"{CASE}__title",
    f"{CASE}__year",
    f"{CASE}__stage",
    f"{CASE}__jurisdiction",
    f"{CASE}__category",
)
WORK_COLUMNS = (
    *LIST_COLUMNS,
    f"{SESSION}__title",
    f"{SESSION}__year",
    f"{SESSION}__status",
    f"{SESSION}__jurisdiction",
)


def _listed(qs, *, work: bool = False):
    return (
        qs.select_related(None)
        .select_related(*(WORK_RELATED if work else LIST_RELATED))
        .only(*(WORK_COLUMNS if work else LIST_COLUMNS))
    )


SESSION_STEPS = (Step.APPROVE_SLATE, Step.MANAGE_SESSIONS, Step.COUNT_BALLOTS)


def works_on_sessions(user) -> bool:
    """Could the user hold a voting session's step? (No query: their roles say.) The
    inbox and queue of everyone else read the project cases' steps only, a simpler query."""
    return user.is_superuser or any(may_hold_step(user, step) for step in SESSION_STEPS)


def inbox(user, *, work: bool = False):
    """Tasks assigned to the user, overdue and soonest due first (with `work`, a voting
    session's steps too)."""
    work = work and works_on_sessions(user)
    return _listed(scoped_tasks(user, work=work).filter(_inbox_q(user)), work=work).order_by(
        *BY_DUE_DATE
    )


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


def queue(user, *, work: bool = False):
    """Open tasks the user's roles may take in their jurisdictions (viewflow's queue rule,
    see `queue_q`, narrowed to the user's scope), overdue and soonest due first. With
    `work`, a voting session's steps too, less those its four-eyes rules keep from the
    user (`session_steps_refused_q`)."""
    work = work and works_on_sessions(user)
    allowed = queue_q(user)
    if allowed is None:
        return scoped_tasks(user, work=work).none()
    qs = scoped_tasks(user, work=work).filter(allowed, status=STATUS.NEW, flow_task_type="HUMAN")
    if work:
        qs = qs.exclude(session_steps_refused_q(user))
    return _listed(qs, work=work).order_by(*BY_DUE_DATE)


def session_steps_refused_q(user) -> Q:
    """The voting steps the step permission alone would offer the user but the session's
    own rule refuses (permissions.checks.can_act_on_session_step): whoever created or
    built a slate does not approve it, and whoever runs a session does not count it."""
    flow = _voting_flow_class()
    built = Q(**{f"{SESSION}__created_by": user}) | Q(**{f"{SESSION}__slate_built_by": user})
    runs = built
    managed = _object_permissions(user).get(perm(Step.MANAGE_SESSIONS), set())
    if user.is_superuser:
        runs = Q(pk__isnull=False)  # a superuser manages every session
    elif managed:
        runs |= Q(**{f"{SESSION}__jurisdiction_id__in": sorted(int(pk) for pk in managed)})
    return (Q(flow_task=flow.approve_slate) & built) | (Q(flow_task=flow.count_ballots) & runs)


def counts_by_step(qs) -> dict[str, int]:
    """How many tasks of `qs` wait at each step, by step name, in one query."""
    rows = qs.order_by().values("flow_task").annotate(n=Count("pk")).values_list("flow_task", "n")
    return {node.name: n for node, n in rows if node is not None}


def archive(user, *, work: bool = False):
    """Tasks the user completed (with `work`, a voting session's steps too)."""
    return (
        scoped_tasks(user, work=work)
        .filter(owner=user, status=STATUS.DONE, flow_task_type="HUMAN")
        .order_by("-finished")
    )


def task_for_user(user, task_pk: int, process_pk: int | None = None, *, work=False) -> Task:
    """One task, fetched and authorized in one step: the same 404 for missing and forbidden
    (with `work`, a voting session's task too)."""
    qs = scoped_tasks(user, work=work).filter(pk=task_pk)
    if process_pk is not None:
        qs = qs.filter(process_id=process_pk)
    task = qs.first()
    if task is None:
        raise Http404
    return task


def session_of(task):
    """The voting session of a task read through `scoped_tasks` (no query), or None for a
    project case's task."""
    if task.process.flow_class is not _voting_flow_class():
        return None
    return task.process.votingprocess.session


def case_of(task):
    """The project of a task read through `scoped_tasks` (no query), or None for a voting
    session's task."""
    if task.process.flow_class is not _flow_class():
        return None
    return task.process.projectprocess.project


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
