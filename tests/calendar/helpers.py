"""Small builders shared by the calendar's tests (cases walked through the services)."""

from viewflow.workflow.status import STATUS

from core.models.calendar import TaskDeadline
from core.services.steps import open_task
from flows.project_flow import ProjectFlow


def open_steps(project):
    return sorted(
        t.flow_task.name
        for t in project.process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED])
    )


def deadline_of(project, node_name):
    task = open_task(project.process, getattr(ProjectFlow, node_name))
    return TaskDeadline.objects.get(task=task)


def report_through(case, quarters):
    """Report and sign off each quarter of 2026 in `quarters` (progress rising)."""
    for quarter in quarters:
        case.refresh()
        case.report(quarter, 20 * quarter)
        case.review()
    case.refresh()
    return case
