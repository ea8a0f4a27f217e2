"""Step completions per second: several processes walk cases forward at once, each step
through the web form's code path (the step's form validated, then its one service under
the case's lock: history rows, the viewflow task, due dates and notifications).

Cases waiting for the feasibility study to be assigned, for the study, or for the Party
committee's review are walked by the clerks who hold those steps, up to the congress
vote. Each process takes its own share of the cases (by case number), so the processes
compete for the database, not for the same cases.
"""

import multiprocessing
import time

from django.db import connection, connections
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import RoleAssignment
from core.prepared import prepared
from permissions.roles import Role

WALKED = ("assign_study", "study_feasibility", "review_by_party")


def _flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def open_cases(limit: int) -> list[int]:
    """Process ids of cases waiting at one of the walked steps (newest first)."""
    return list(
        Task.objects.filter(
            flow_task__in=walked_nodes(),
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
        )
        .order_by("-process_id")
        .values_list("process_id", flat=True)[:limit]
    )


class _Clerks:
    """The clerk of a role in a jurisdiction, or of a department office (remembered)."""

    def __init__(self):
        self.found = {}

    def get(self, role, jurisdiction_id, office_id=None):
        key = (role, jurisdiction_id, office_id)
        if key not in self.found:
            qs = RoleAssignment.objects.filter(role=role, jurisdiction_id=jurisdiction_id)
            if office_id is not None:
                qs = qs.filter(office_id=office_id)
            assignment = qs.select_related("user").order_by("pk").first()
            self.found[key] = assignment.user if assignment else None
        return self.found[key]


def _form_and_actor(task, project, clerks):
    from flows import forms

    name = task.flow_task.name
    if name == "assign_study":
        department = forms.departments_of(project).order_by("pk").first()
        data = {"department": department.pk, "lead_unit": department.pk, "note": "请按期完成论证"}
        return (
            forms.AssignStudyForm,
            data,
            clerks.get(Role.GOVERNMENT_OFFICE, project.jurisdiction_id),
        )
    if name == "study_feasibility":
        data = {"feasible": "yes", "opinion": "经现场踏勘，方案可行。", "fund_source": "财政资金"}
        return (
            forms.FeasibilityForm,
            data,
            clerks.get(Role.DEPARTMENT, project.jurisdiction_id, project.study_department_id),
        )
    data = {"decision": "approved", "comment": ""}
    return forms.PartyReviewForm, data, clerks.get(Role.PARTY_OFFICE, project.jurisdiction_id)


def complete_one(task, clerks) -> bool:
    """Complete one open step as its clerk, through the step's form and service."""
    from flows.steps import STEPS

    with prepared():  # as the step's page runs (flows/views.py)
        project = task.process.coerced.project
        form_class, data, actor = _form_and_actor(task, project, clerks)
        if actor is None:
            return False
        form = form_class(data, project=project, task=task)
        if not form.is_valid():
            raise RuntimeError(f"{task.flow_task.name}: {form.errors.as_text()}")
        STEPS[task.flow_task.name].perform(actor, task, form)
    return True


def walked_nodes() -> list:
    flow = _flow()
    return [getattr(flow, name) for name in WALKED]


def next_walked_task(process_id: int, nodes: list):
    """The case's open task at one of the walked steps, or None when it has passed them."""
    return (
        Task.objects.filter(
            process_id=process_id, flow_task__in=nodes, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
        .select_related("process")
        .first()
    )


def walk(process_ids: list[int]) -> int:
    """Walk each case through the walked steps; returns the number of steps completed."""
    nodes = walked_nodes()
    clerks = _Clerks()
    done = 0
    for process_id in process_ids:
        while True:
            task = next_walked_task(process_id, nodes)
            if task is None or not complete_one(task, clerks):
                break
            done += 1
    return done


def disconnect() -> None:
    """Close this process's database connections, and its pool's when there is one: a
    forked worker must not share the parent's, and a template database must be unused."""
    connections.close_all()
    if connection.settings_dict.get("OPTIONS", {}).get("pool"):
        connection.close_pool()


def _worker(process_ids, start, results):
    connections.close_all()  # a connection of its own, not the parent's
    start.wait()
    began = time.perf_counter()
    done = walk(process_ids)
    results.put((done, time.perf_counter() - began))
    connections.close_all()


def measure_throughput(*, workers: int, cases: int) -> dict:
    """Completions per second over the wall time of the slowest worker. `workers` 0 walks
    in this process (for a test database inside a transaction)."""
    ids = open_cases(cases)
    if workers == 0:
        began = time.perf_counter()
        done = walk(ids)
        wall = time.perf_counter() - began
        return _figures(done, wall, 0)
    shares = [ids[n::workers] for n in range(workers)]
    disconnect()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(workers + 1)
    results = context.Queue()
    processes = [context.Process(target=_worker, args=(share, start, results)) for share in shares]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    outcomes = [results.get(timeout=3600) for _ in processes]
    wall = time.perf_counter() - began
    for process in processes:
        process.join()
    return _figures(sum(done for done, _ in outcomes), wall, workers)


def _figures(done, wall, workers) -> dict:
    return {
        "task_completions_per_s": round(done / wall, 1) if wall else 0,
        "workers": workers,
        "completed": done,
        "seconds": round(wall, 2),
    }
