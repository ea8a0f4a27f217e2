"""Changes to an elected project, and the yearly phases of a multi-year project.

A change is proposed by the government office with a reason and decided by the body the
jurisdiction's law gives that power: a county's standing committee, a township congress's
presidium, a street's residents' council. An approved adjustment is applied to the case
(its previous values kept on the change); an approved stop or replacement ends the case
(stage "stopped", its open steps cancelled). Both show on the public board.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import messages
from core import oversight_messages as om
from core.models import Level, Project, Stage
from core.models.changes import (
    ChangeKind,
    ChangeStatus,
    DecisionBody,
    ProjectChange,
    ProjectPhase,
)
from core.selectors.calendar import as_date
from permissions.checks import can_decide_change, can_plan_phases, can_propose_change

from .audit import audit_record
from .history import create_with_reason, save_with_reason

CHANGEABLE_STAGES = (Stage.PLANNING, Stage.IMPLEMENTING, Stage.ACCEPTANCE)
BODY_BY_LEVEL = {
    Level.CITY: DecisionBody.STANDING_COMMITTEE,
    Level.COUNTY: DecisionBody.STANDING_COMMITTEE,
    Level.TOWNSHIP: DecisionBody.PRESIDIUM,
    Level.STREET: DecisionBody.COUNCIL,
}
ENDED_FOR_REPLACEMENT = (Stage.CLOSED, Stage.STOPPED, Stage.INFEASIBLE, Stage.REJECTED)
MAX_PHASE_YEARS = 5
MAX_TEXT = 5000


def decision_body_for(jurisdiction) -> DecisionBody:
    return BODY_BY_LEVEL[Level(jurisdiction.level)]


def _check_reason(reason: str) -> dict:
    reason = (reason or "").strip()
    if not reason:
        return {"reason": om.CHANGE_REASON_REQUIRED}
    if len(reason) > MAX_TEXT:
        return {"reason": om.OPINION_TEXT_TOO_LONG % {"limit": MAX_TEXT}}
    return {}


@transaction.atomic
def change_propose(
    *,
    actor,
    project: Project,
    kind: str,
    reason: str,
    new_content: str = "",
    new_targets: str = "",
    new_budget=None,
    new_deadline: datetime.date | None = None,
    replacement: Project | None = None,
) -> ProjectChange:
    """The government office proposes to adjust, stop or replace an elected project."""
    if not can_propose_change(actor, project):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    kind = ChangeKind(kind)
    project = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    errors = _check_reason(reason)
    if not project.elected or project.stage not in CHANGEABLE_STAGES:
        errors["kind"] = om.CHANGE_PROJECT_NOT_ELECTED
    elif project.changes.filter(status=ChangeStatus.PROPOSED).exists():
        errors["kind"] = om.CHANGE_ALREADY_OPEN
    new_content, new_targets = (new_content or "").strip(), (new_targets or "").strip()
    if kind == ChangeKind.ADJUST:
        if not (new_content or new_targets or new_budget is not None or new_deadline):
            errors["new_content"] = om.CHANGE_NOTHING_ADJUSTED
        if new_budget is not None and Decimal(new_budget) < 0:
            errors["new_budget"] = messages.BUDGET_NEGATIVE
        if new_deadline and project.voted_on and new_deadline < project.voted_on:
            errors["new_deadline"] = om.CHANGE_DEADLINE_BEFORE_VOTE
    else:
        new_content, new_targets, new_budget, new_deadline = "", "", None, None
    if kind == ChangeKind.REPLACE:
        if replacement is None:
            errors["replacement"] = om.CHANGE_REPLACEMENT_REQUIRED
        elif (
            replacement.pk == project.pk
            or replacement.jurisdiction_id != project.jurisdiction_id
            or replacement.stage in ENDED_FOR_REPLACEMENT
        ):
            errors["replacement"] = om.CHANGE_REPLACEMENT_INVALID
    else:
        replacement = None
    if errors:
        raise ValidationError(errors)
    change = create_with_reason(
        ProjectChange,
        actor=actor,
        why=_("%(kind)s proposed: %(reason)s") % {"kind": kind.label, "reason": reason.strip()},
        project=project,
        kind=kind,
        reason=reason.strip(),
        new_content=new_content,
        new_targets=new_targets,
        new_budget=new_budget,
        new_deadline=new_deadline,
        replacement=replacement,
        proposed_by=actor,
    )
    audit_record(
        actor=actor,
        action="change.propose",
        jurisdiction=project.jurisdiction,
        target=change,
        summary=_("%(kind)s of “%(project)s” proposed: %(reason)s")
        % {"kind": kind.label, "project": project.title, "reason": change.reason},
        data={
            "project": project.pk,
            "kind": kind.value,
            "new_budget": new_budget,
            "new_deadline": new_deadline,
            "replacement": getattr(replacement, "pk", None),
        },
    )
    return change


def _apply_adjustment(actor, change: ProjectChange, project: Project, why: str) -> None:
    previous = {}
    for field, new in (
        ("content", change.new_content),
        ("targets", change.new_targets),
        ("budget", change.new_budget),
        ("deadline", change.new_deadline),
    ):
        if new in ("", None):
            continue
        old = getattr(project, field)
        previous[field] = str(old) if old is not None else None
        setattr(project, field, new)
    change.previous = previous
    save_with_reason(project, actor=actor, reason=why)


def _stop_case(actor, project: Project, why: str) -> None:
    from flows.project_flow import ProjectFlow

    project.stage = Stage.STOPPED
    save_with_reason(project, actor=actor, reason=why)
    ProjectFlow.instance.cancel(project.process)


@transaction.atomic
def change_decide(
    *,
    actor,
    change: ProjectChange,
    approved: bool,
    decided_on: datetime.date | None,
    note: str = "",
    today=None,
) -> ProjectChange:
    """Record the decision on a proposed change and, if approved, apply it to the case."""
    project = change.project
    if not can_decide_change(actor, project):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    change = (
        ProjectChange.objects.select_for_update(of=("self",))
        .select_related("project", "project__jurisdiction", "project__process", "replacement")
        .get(pk=change.pk)
    )
    project = change.project
    if change.status != ChangeStatus.PROPOSED:
        raise ValidationError({"decided_on": om.CHANGE_NOT_PROPOSED})
    note = (note or "").strip()
    errors = {}
    if decided_on is None:
        errors["decided_on"] = om.CHANGE_DECISION_DATE_REQUIRED
    elif decided_on > as_date(today):
        errors["decided_on"] = om.CHANGE_DECISION_IN_FUTURE
    if not approved and not note:
        errors["note"] = om.CHANGE_REJECTION_NEEDS_NOTE
    if approved and project.stage not in CHANGEABLE_STAGES:
        errors["decided_on"] = om.CHANGE_PROJECT_NOT_ELECTED
    if errors:
        raise ValidationError(errors)
    body = decision_body_for(project.jurisdiction)
    change.status = ChangeStatus.APPROVED if approved else ChangeStatus.REJECTED
    change.decided_by = actor
    change.decision_body = body
    change.decided_on = decided_on
    change.decision_note = note
    kind = ChangeKind(change.kind)
    why = _("%(kind)s approved by the %(body)s on %(date)s: %(reason)s") % {
        "kind": kind.label,
        "body": body.label,
        "date": decided_on.isoformat(),
        "reason": change.reason,
    }
    if approved and kind == ChangeKind.ADJUST:
        _apply_adjustment(actor, change, project, why)
    elif approved:
        if kind == ChangeKind.REPLACE:
            why += " " + _("Replaced by “%(title)s”.") % {"title": change.replacement.title}
        _stop_case(actor, project, why)
    save_with_reason(
        change,
        actor=actor,
        reason=why
        if approved
        else _("%(kind)s not approved by the %(body)s: %(note)s")
        % {"kind": kind.label, "body": body.label, "note": note},
    )
    audit_record(
        actor=actor,
        action="change.decide",
        jurisdiction=project.jurisdiction,
        target=change,
        summary=why
        if approved
        else _("%(kind)s of “%(project)s” not approved: %(note)s")
        % {"kind": kind.label, "project": project.title, "note": note},
        data={
            "project": project.pk,
            "kind": kind.value,
            "approved": approved,
            "body": body.value,
            "decided_on": decided_on,
            "previous": change.previous,
        },
    )
    return change


@transaction.atomic
def phase_add(
    *,
    actor,
    project: Project,
    year: int,
    targets: str,
    budget=None,
    deadline: datetime.date | None = None,
) -> ProjectPhase:
    """Plan one year's phase of a project carried over several years: its own targets
    (required), budget and deadline; that year's reports and rating belong to it."""
    if not can_plan_phases(actor, project):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    project = Project.objects.select_for_update(of=("self",)).get(pk=project.pk)
    errors = {}
    targets = (targets or "").strip()
    if not targets:
        errors["targets"] = om.PHASE_TARGETS_REQUIRED
    elif len(targets) > MAX_TEXT:
        errors["targets"] = om.OPINION_TEXT_TOO_LONG % {"limit": MAX_TEXT}
    if not project.elected or project.stage not in CHANGEABLE_STAGES:
        errors["year"] = om.PHASE_PROJECT_NOT_ELECTED
    try:
        year = int(year)
    except (TypeError, ValueError):
        year = 0
    last = project.phases.order_by("-year").first()
    if not project.year <= year <= project.year + MAX_PHASE_YEARS or (last and year < last.year):
        errors.setdefault("year", om.PHASE_YEAR_INVALID)
    elif last and year == last.year:
        errors.setdefault("year", om.PHASE_YEAR_EXISTS % {"year": year})
    if deadline is not None and deadline.year != year:
        errors["deadline"] = om.PHASE_DEADLINE_OUTSIDE_YEAR
    if budget is not None and Decimal(budget) < 0:
        errors["budget"] = messages.BUDGET_NEGATIVE
    if errors:
        raise ValidationError(errors)
    number = project.phases.count() + 1
    phase = create_with_reason(
        ProjectPhase,
        actor=actor,
        why=_("Phase %(n)d (%(year)s) planned: %(targets)s")
        % {"n": number, "year": year, "targets": targets},
        project=project,
        number=number,
        year=year,
        targets=targets,
        budget=budget,
        deadline=deadline,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="phase.add",
        jurisdiction=project.jurisdiction,
        target=phase,
        summary=_("Phase %(n)d of “%(project)s” for %(year)s")
        % {"n": number, "project": project.title, "year": year},
        data={"project": project.pk, "year": year, "budget": budget, "deadline": deadline},
    )
    return phase
