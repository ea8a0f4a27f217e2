"""Which of the case page's lists have rows, in one query.

Most cases fill only some of the page's lists (a case without milestones, changes or
inspections shows a dash there). One query tells which lists have rows, and how many
comments there are, so the page reads only the lists that have something to show: at
most one query per list, whatever the size of the case.
"""

import functools

from django.db import connection

from core.models import (
    AccountabilityRecord,
    Attachment,
    Comment,
    Milestone,
    Opinion,
    Project,
    QuarterlyReport,
)
from core.models.appraisal import AccountabilityFollowUp
from core.models.changes import ProjectChange, ProjectPhase
from core.models.inspections import InspectionSubject
from core.models.meetings import AgendaItem, ProjectRating
from core.models.voting import SessionCandidate
from core.sql_names import column, table


def _tables() -> dict[str, tuple[str, str]]:
    """Each list's table and its column naming the case."""
    tables = {}
    for name in ("suggestions", "monitors", "cooperating_units"):
        through = Project._meta.get_field(name).remote_field.through
        tables[name] = (table(through), column(through, "project"))
    for name, model in (
        ("milestones", Milestone),
        ("attachments", Attachment),
        ("reports", QuarterlyReport),
        ("opinions", Opinion),
        ("slate", SessionCandidate),
        ("phases", ProjectPhase),
        ("ratings", ProjectRating),
        ("agenda", AgendaItem),
        ("inspections", InspectionSubject),
        ("changes", ProjectChange),
        ("follow_ups", AccountabilityFollowUp),
        ("accountability", AccountabilityRecord),
    ):
        tables[name] = (table(model), column(model, "project"))
    return tables


@functools.cache
def _panels_sql() -> tuple[list[str], str]:
    names, parts = [], []
    for name, (rows, case) in _tables().items():
        names.append(name)
        parts.append(f"EXISTS (SELECT 1 FROM {rows} WHERE {case} = %(project)s)")
    names.append("comments")
    parts.append(
        f"(SELECT COUNT(*) FROM {table(Comment)} WHERE {column(Comment, 'project')} = %(project)s)"
    )
    return names, "SELECT " + ", ".join(parts)


def case_panels(project) -> dict[str, int]:
    """For each list of the case page, whether it has rows (1 or 0); for `comments`, how
    many there are."""
    names, sql = _panels_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, {"project": project.pk})
        row = cursor.fetchone()
    return {name: int(value) for name, value in zip(names, row, strict=True)}


def cache_absent(instance, name: str) -> None:
    """Remember that `instance` has no row behind its reverse one-to-one `name`: reading it
    raises DoesNotExist (and hasattr says no) without a query."""
    type(instance)._meta.get_field(name).set_cached_value(instance, None)
