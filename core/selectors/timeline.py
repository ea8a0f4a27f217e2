"""One timeline per case: every task, every field change, every comment, opinion,
answer, report and attachment, in order, each as a sentence in the reader's language
(see timeline_text.py for how each source reads). A constant number of queries per case.

The history rows a step wrote are folded into that step's event, so the register reads
"Study feasibility — 张三: found feasible; budget 120 → 150" rather than as rows.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import Project

from .timeline_text import (
    Change,
    Names,
    changed_names,
    field_label,
    history_sources,
    person_name,
    show_value,
    stored,
    task_outcome,
    want_refs,
)

# Gateways and splits are the flow's plumbing; people, handles and ends are the story.
SHOWN_TASK_TYPES = ("HUMAN", "START", "FUNCTION", "END")
# Steps one member of the monitoring group does on the whole group's behalf.
GROUP_STEPS = ("review_report", "accept_completion")


@dataclass
class Event:
    when: datetime
    kind: str  # task, change, created, deleted
    title: str
    who: str = ""
    lines: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    detail: str = ""


@dataclass
class _Row:
    """One history row before it is rendered: its object's model and the fields changed."""

    model: type
    record: object
    previous: object
    fields: list[str]
    delta: object = None


def _rows(model, records, names: Names) -> list[_Row]:
    rows, previous_by_object = [], {}
    source = history_sources()[model]
    for record in records:
        previous = previous_by_object.get(record.id)
        previous_by_object[record.id] = record
        row = _Row(model, record, previous, [])
        if previous is not None and record.history_type == "~":
            row.delta = record.diff_against(previous)
            row.fields = changed_names(model, row.delta)
            for change in row.delta.changes:
                want_refs(model, change.field, (change.old, change.new), names)
        elif record.history_type == "+":
            for name in source.created_fields:
                want_refs(model, name, (stored(model, record, name),), names)
        if record.history_type != "~" or row.fields:
            rows.append(row)
    return rows


def _changes(row: _Row, names: Names) -> list[Change]:
    if row.delta is None:
        return []
    return [
        Change(
            field_label(row.model, c.field),
            show_value(row.model, c.field, c.old, names),
            show_value(row.model, c.field, c.new, names),
        )
        for c in row.delta.changes
        if c.field in row.fields
    ]


def _created_lines(row: _Row, names: Names) -> list[str]:
    source = history_sources()[row.model]
    lines = []
    for name in source.created_fields:
        value = stored(row.model, row.record, name)
        if value in (None, "", False):
            continue
        lines.append(f"{field_label(row.model, name)}: {show_value(row.model, name, value, names)}")
    return lines


def _row_event(row: _Row, names: Names) -> Event:
    source = history_sources()[row.model]
    record = row.record
    if record.history_type == "+":
        kind, title = "created", source.created(record)
    elif record.history_type == "-":
        kind, title = "deleted", source.deleted(record)
    else:
        kind, title = "change", source.changed(record, row.fields)
    event = Event(
        when=record.history_date,
        kind=kind,
        title=title,
        who=person_name(record.history_user),
        changes=_changes(row, names),
    )
    if kind == "created":
        event.lines = _created_lines(row, names)
        if source.detail_field:
            event.detail = getattr(record, source.detail_field, "") or ""
    return event


def _fold_into_task(task_event: Event, row: _Row, names: Names) -> None:
    """A history row written by a step becomes part of that step's event."""
    sub = _row_event(row, names)
    if sub.kind == "change" and row.model is Project:
        task_event.changes += sub.changes
        return
    task_event.lines.append(sub.title)
    task_event.lines += sub.lines
    if row.model is not Project and sub.kind == "change":
        return  # its sentence says what changed (a status, an answer)
    task_event.changes += sub.changes
    if sub.detail:
        task_event.lines.append(sub.detail)


def case_timeline(project: Project) -> list[Event]:
    names = Names()
    tasks = list(
        Task.objects.filter(process_id=project.process.pk)
        .filter(flow_task_type__in=SHOWN_TASK_TYPES, status=STATUS.DONE)
        .select_related("owner")
        .order_by("created", "pk")
    )
    rows: list[_Row] = []
    records = project.history.all().select_related("history_user")
    rows += _rows(Project, records.order_by("history_date", "history_id"), names)
    for model in history_sources():
        if model is Project:
            continue
        records = (
            model.history.filter(project_id=project.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )
        rows += _rows(model, records, names)
    names.resolve()

    events, human = [], []
    for task in tasks:
        if task.flow_task is None:
            continue
        who = person_name(task.owner)
        if who and task.flow_task.name in GROUP_STEPS:
            who = _("%(name)s, for the monitoring group") % {"name": who}
        event = Event(
            when=task.finished or task.created,
            kind="task",
            title=str(task.flow_task.task_title or task.flow_task.name),
            who=who,
            lines=task_outcome(task.data),
        )
        events.append(event)
        if task.flow_task_type == "HUMAN" and task.owner_id:
            human.append((task.started or task.assigned or task.created, task, event))

    for row in rows:
        owner = None
        for started, task, event in human:
            when = row.record.history_date
            if (
                row.record.history_user_id == task.owner_id
                and task.finished
                and started <= when <= task.finished
            ):
                owner = event
                break
        if owner is not None:
            _fold_into_task(owner, row, names)
        else:
            events.append(_row_event(row, names))
    events.sort(key=lambda e: e.when)
    return events
