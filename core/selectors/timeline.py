"""One timeline per case: every task, every field change, every comment, opinion,
answer, report and attachment, in order. A constant number of queries per case."""

from dataclasses import dataclass, field
from datetime import datetime

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import (
    AccountabilityRecord,
    Attachment,
    Comment,
    Milestone,
    Opinion,
    Project,
    QuarterlyReport,
)

from .oversight import TIMELINE_SOURCES

RELATED_HISTORY = (
    QuarterlyReport,
    Opinion,
    Comment,
    Attachment,
    Milestone,
    AccountabilityRecord,
    *TIMELINE_SOURCES,  # meetings, inspections, changes, phases, ratings, follow-ups
)
SKIP_FIELDS = {"id", "history_id", "path"}
# Gateways and splits are the flow's plumbing; people, handles and ends are the story.
SHOWN_TASK_TYPES = ("HUMAN", "START", "FUNCTION", "END")


def _outcome(task) -> str:
    data = task.data or {}
    parts = [f"{key}: {value}" for key, value in data.items() if key != "report"]
    return "; ".join(parts)


@dataclass
class Event:
    when: datetime
    kind: str  # task, change, created, deleted
    title: str
    actor: object = None
    detail: str = ""
    changes: list = field(default_factory=list)
    model: str = ""


def _field_label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _history_events(model, records):
    """Turn history rows (oldest first, per object) into events with their field diffs."""
    events = []
    previous_by_object = {}
    for record in records:
        prev = previous_by_object.get(record.id)
        changes = []
        if prev is not None and record.history_type == "~":
            delta = record.diff_against(prev)
            for change in delta.changes:
                if change.field in SKIP_FIELDS:
                    continue
                changes.append((_field_label(model, change.field), change.old, change.new))
        previous_by_object[record.id] = record
        kind = {"+": "created", "~": "change", "-": "deleted"}[record.history_type]
        events.append(
            Event(
                when=record.history_date,
                kind=kind,
                title=record.history_change_reason or str(model._meta.verbose_name),
                actor=record.history_user,
                changes=changes,
                model=str(model._meta.verbose_name),
                detail=getattr(record, "text", "") or getattr(record, "answer", "") or "",
            )
        )
    return events


def case_timeline(project: Project) -> list[Event]:
    events = []
    tasks = (
        Task.objects.filter(process_id=project.process.pk)
        .filter(flow_task_type__in=SHOWN_TASK_TYPES, status=STATUS.DONE)
        .select_related("owner")
        .order_by("created", "pk")
    )
    for task in tasks:
        if task.flow_task is None:
            continue
        events.append(
            Event(
                when=task.finished or task.created,
                kind="task",
                title=str(task.flow_task.task_title or task.flow_task.name),
                actor=task.owner,
                detail=_outcome(task),
            )
        )
    records = (
        project.history.all().select_related("history_user").order_by("history_date", "history_id")
    )
    events += _history_events(Project, records)
    for model in RELATED_HISTORY:
        rows = (
            model.history.filter(project_id=project.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        events += _history_events(model, rows)
    events.sort(key=lambda e: e.when)
    return events
