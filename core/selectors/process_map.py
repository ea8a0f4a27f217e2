"""Live counts for the process map: per step, the cases there now, how many of them are
overdue, and the median time cases spend there.

Three aggregate queries, however many cases there are; the list behind a step is one
more query (plus its page count).
"""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import (
    Aggregate,
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import Project, ProjectProcess, Stage
from core.selectors.dashboard import Filters
from core.selectors.projects import PROJECT_RELATED

OPEN_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED, STATUS.SCHEDULED, STATUS.ERROR)
# Steps a case waits at; gateways, splits and joins pass in an instant.
WAITING_TYPES = ("HUMAN", "FUNCTION")
# The median time at a step is taken over the tasks of the last twelve months.
MEDIAN_WINDOW_DAYS = 365
# The ends of ProjectFlow and the stage the services leave a case in when it ends there.
END_STAGES = {
    "closed": Stage.CLOSED,
    "infeasible": Stage.INFEASIBLE,
    "rejected": Stage.REJECTED,
    "not_elected": Stage.NOT_ELECTED,
}

# How long a case may stay at a step before it counts as overdue (days), for the steps the
# calendar gives no due date (it dates the plan, the quarterly reports and their sign-off;
# those follow the calendar's `TaskDeadline`). The waits for the congress session, the
# next quarter and the year-end rating are not counted.
STEP_DUE_DAYS = {
    "assign_study": 14,
    "study_feasibility": 30,
    "review_by_party": 30,
    "submit_plan": 30,
    "assign_monitoring_group": 30,
    "submit_report": 100,
    "review_report": 15,
    "answer_opinions": 15,
    "accept_completion": 30,
    "record_accountability": 60,
}


def project_flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


# The flows that have a map, by the name used in URLs.
MAP_FLOWS = {"project": project_flow}


def flow_for(name: str):
    loader = MAP_FLOWS.get(name)
    return loader() if loader else None


def node_for(flow_class, name: str):
    node = getattr(flow_class, name, None)
    if node is None or not hasattr(node, "task_type"):
        return None
    return node


class _SqliteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


class Median(Aggregate):
    """The median: PostgreSQL's percentile_cont; a registered aggregate on SQLite."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    allow_distinct = False

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_aggregate("lv_median", 1, _SqliteMedian)
        clone = self.copy()
        clone.function = "lv_median"
        clone.template = "%(function)s(%(expressions)s)"
        return Aggregate.as_sql(clone, compiler, connection, **extra_context)


@dataclass
class StepFigures:
    name: str
    now: int = 0
    overdue: int = 0
    ended: int = 0
    median: datetime.timedelta | None = None

    @property
    def median_days(self) -> float | None:
        if self.median is None:
            return None
        return round(self.median.total_seconds() / 86400, 1)


def scope_processes(user, filters: Filters):
    """The ids of the cases' processes in scope, as a subquery: the tasks are filtered by
    one semi-join on it rather than by joining every task to its project."""
    projects = Project.objects.filter(filters.project_q(user))
    return ProjectProcess.objects.filter(project__in=projects).values("pk")


def overdue_q(flow_class, now=None) -> Q:
    """Open tasks past their due date: the calendar's `TaskDeadline` where the step has
    one; otherwise older than the step's allowance in `STEP_DUE_DAYS`."""
    from core.selectors.calendar import calendar_today

    now = now or timezone.now()
    allowance = Q(pk__in=[])
    for name, days in STEP_DUE_DAYS.items():
        node = node_for(flow_class, name)
        if node is None:
            continue
        allowance |= Q(flow_task=node, created__lt=now - datetime.timedelta(days=days))
    past_due = Q(deadline__isnull=False, deadline__due__lt=calendar_today())
    return Q(status__in=OPEN_STATUSES) & (past_due | (Q(deadline__isnull=True) & allowance))


def step_figures(user, filters: Filters, flow_class=None) -> dict[str, StepFigures]:
    """Per step name: the figures of the cases in scope. Three queries, whatever the
    number of cases: the open tasks (by the status index), the cases ended at each end
    (by the case's stage), and the medians over the last twelve months."""
    flow_class = flow_class or project_flow()
    now = timezone.now()
    processes = scope_processes(user, filters)
    figures: dict[str, StepFigures] = {}

    def figure(name):
        return figures.setdefault(name, StepFigures(name=name))

    open_rows = (
        Task.objects.filter(process_id__in=processes, status__in=OPEN_STATUSES)
        .order_by()
        .values("flow_task")
        .annotate(now=Count("pk"), overdue=Count("pk", filter=overdue_q(flow_class, now)))
    )
    for row in open_rows:
        if row["flow_task"] is not None:
            fig = figure(row["flow_task"].name)
            fig.now, fig.overdue = row["now"], row["overdue"]

    by_stage = dict(
        Project.objects.filter(filters.project_q(user), stage__in=END_STAGES.values())
        .order_by()
        .values_list("stage")
        .annotate(n=Count("pk"))
        .values_list("stage", "n")
    )
    for name, stage in END_STAGES.items():
        figure(name).ended = by_stage.get(stage, 0)

    spent = ExpressionWrapper(
        Coalesce(F("finished"), Value(now, output_field=DateTimeField())) - F("created"),
        output_field=DurationField(),
    )
    # Grouped by a small number standing for the step rather than by the step's long
    # reference, so that the sort under the median stays in memory.
    waiting = [
        node
        for node in flow_class.instance.nodes()
        if getattr(node, "task_type", "") in WAITING_TYPES
    ]
    step_number = Case(
        *[When(flow_task=node, then=Value(index)) for index, node in enumerate(waiting)],
        default=Value(-1),
        output_field=IntegerField(),
    )
    median_rows = (
        Task.objects.filter(
            process_id__in=processes,
            flow_task_type__in=WAITING_TYPES,
            created__gte=now - datetime.timedelta(days=MEDIAN_WINDOW_DAYS),
        )
        .exclude(status=STATUS.CANCELED)
        .order_by()
        .annotate(step=step_number)
        .values("step")
        .annotate(median=Median(spent))
    )
    for row in median_rows:
        median = row["median"]
        if row["step"] < 0 or median is None:
            continue
        if not isinstance(median, datetime.timedelta):
            median = datetime.timedelta(microseconds=int(median))
        figure(waiting[row["step"]].name).median = median
    return figures


def step_projects(user, filters: Filters, node, *, overdue: bool = False):
    """The cases at one step now (for an end: the cases that ended there)."""
    projects = Project.objects.filter(filters.project_q(user))
    if node.task_type == "END":
        projects = projects.filter(stage=END_STAGES.get(node.name, "-"))
    else:
        tasks = Task.objects.filter(process_id=OuterRef("process"), flow_task=node)
        tasks = tasks.filter(overdue_q(node.flow_class) if overdue else Q(status__in=OPEN_STATUSES))
        projects = projects.filter(Exists(tasks))
        # the open step's due date (the calendar's) and since when it is open
        open_task = Task.objects.filter(
            process_id=OuterRef("process"), flow_task=node, status__in=OPEN_STATUSES
        ).order_by("-pk")
        projects = projects.annotate(
            step_due=Subquery(open_task.values("deadline__due")[:1]),
            step_opened=Subquery(open_task.values("created")[:1]),
        )
    return projects.select_related(*PROJECT_RELATED).order_by(
        "-year", "jurisdiction__path", "created", "pk"
    )


def overdue_steps_by_jurisdiction(user, filters: Filters, flow_class=None) -> dict[int, int]:
    """Overdue open steps per jurisdiction of the cases in scope: the same count as the
    map's (`overdue_q`), one query."""
    flow_class = flow_class or project_flow()
    rows = (
        Task.objects.filter(process_id__in=scope_processes(user, filters))
        .filter(overdue_q(flow_class))
        .order_by()
        .values("process__projectprocess__project__jurisdiction_id")
        .annotate(n=Count("pk"))
    )
    return {row["process__projectprocess__project__jurisdiction_id"]: row["n"] for row in rows}


def rolled_up(filters: Filters, per_jurisdiction: dict[int, int]) -> list[dict]:
    """The chosen jurisdiction's own count, then each child's over its subtree."""
    root = filters.root
    if root is None:
        return []
    subtree = [j for j in filters.roots if j.path.startswith(root.path)]
    children = [j for j in subtree if j.parent_id == root.pk]
    # each jurisdiction below the root counts for the child whose path begins its own
    child_of = {child.path: child.pk for child in children}
    below: dict[int, int] = {}
    for j in subtree:
        n = per_jurisdiction.get(j.pk, 0)
        if n and j.pk != root.pk:
            branch = root.path + j.path[len(root.path) :].split("/", 1)[0] + "/"
            if branch in child_of:
                below[child_of[branch]] = below.get(child_of[branch], 0) + n
    rows = [{"jurisdiction": root, "own": True, "n": per_jurisdiction.get(root.pk, 0)}]
    for child in children:
        rows.append({"jurisdiction": child, "own": False, "n": below.get(child.pk, 0)})
    return rows


def step_due(node, task_due: datetime.date | None, task_created) -> datetime.date | None:
    """When a case's open step was due: the calendar's date, or the allowance's end."""
    if task_due is not None:
        return task_due
    days = STEP_DUE_DAYS.get(node.name)
    if days is None or task_created is None:
        return None
    return timezone.localtime(task_created).date() + datetime.timedelta(days=days)
