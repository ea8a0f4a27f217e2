"""Which flow events become webhook events (connected to viewflow's `task_finished`).

* every human step of a case that is done: ``step.done``;
* the lead unit's quarterly report, when submitted: also ``report.submitted``;
* a voting session's announcement: ``result.announced``.

The receiver runs inside the step's transaction, so the deliveries are written with the
step and sent only once it commits.
"""

from core.models import Project, ProjectProcess
from core.models.api import WebhookEvent

from .webhooks import event_emit

REPORT_STEP = "submit_report"


def _project_data(project, task) -> dict:
    return {
        "project": project.pk,
        "title": project.title,
        "year": project.year,
        "stage": project.stage,
        "step": task.flow_task.name,
        "task": task.pk,
        "finished": task.finished,
        "by": task.owner.get_username() if task.owner_id else None,
    }


def _latest_report(project) -> dict | None:
    report = project.reports.order_by("-submitted_at", "-pk").first()
    if report is None:
        return None
    return {
        "id": report.pk,
        "year": report.year,
        "quarter": report.quarter,
        "progress": report.progress,
        "funds_spent": str(report.funds_spent),
        "completed": report.completed,
    }


def on_task_finished(sender, process, task, **kwargs) -> None:
    if getattr(task, "flow_task_type", None) != "HUMAN" or task.flow_task is None:
        return
    if isinstance(process, ProjectProcess):
        _project_step_done(process.project, task)
    elif hasattr(process, "session_id") and task.flow_task.name == "announce":
        from core.models.voting import VotingSession

        # read afresh: the announcement saved the session through another instance
        session = VotingSession.objects.select_related("jurisdiction").get(pk=process.session_id)
        event_emit(
            event=WebhookEvent.RESULT_ANNOUNCED,
            jurisdiction=session.jurisdiction,
            data={
                "session": session.pk,
                "title": session.title,
                "kind": session.kind,
                "year": session.year,
                "status": session.status,
            },
        )


def _project_step_done(project, task) -> None:
    def data():
        return _project_data(project, task)

    # the jurisdiction itself when the step has read it (its path spares a join)
    where = (
        project.jurisdiction if Project.jurisdiction.is_cached(project) else project.jurisdiction_id
    )
    event_emit(event=WebhookEvent.STEP_DONE, jurisdiction=where, data=data)
    if task.flow_task.name == REPORT_STEP:
        event_emit(
            event=WebhookEvent.REPORT_SUBMITTED,
            jurisdiction=where,
            data=lambda: {**data(), "report": _latest_report(project)},
        )
