"""Every write to a project case. One function per state change, `<entity>_<verb>`."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import messages
from core.models import (
    AccountabilityRecord,
    Band,
    Comment,
    Milestone,
    MilestoneStatus,
    Office,
    OfficeKind,
    PartyDecision,
    Project,
    Stage,
    SuggestionStatus,
)
from core.selectors.calendar import calendar_settings_for
from core.voting import SatisfactionRules
from permissions import grants
from permissions.checks import (
    can_comment_on_project,
    can_record_satisfaction,
    can_register_project,
)

from .audit import audit_record
from .history import create_with_reason, save_with_reason
from .steps import StepRefused, open_task, task_step


def _flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def _check_budget(budget):
    if budget is not None and Decimal(budget) < 0:
        raise ValidationError({"budget": messages.BUDGET_NEGATIVE})


@transaction.atomic
def project_register(
    *,
    actor,
    jurisdiction,
    suggestions,
    title: str,
    category,
    year: int,
    reason: str = "",
    content: str = "",
    location: str = "",
    budget=None,
    fund_source: str = "",
) -> Project:
    """Register a project from one or more suggestions and open its case.

    Several fragmentary suggestions may be merged into one concrete project; each of
    them is marked merged, so its receipt page shows what became of it.
    """
    if not can_register_project(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    suggestions = list(suggestions)
    if not suggestions:
        raise ValidationError({"suggestions": messages.SUGGESTIONS_REQUIRED})
    for suggestion in suggestions:
        if suggestion.jurisdiction_id != jurisdiction.pk or suggestion.status == (
            SuggestionStatus.ROUTED
        ):
            raise ValidationError(
                {
                    "suggestions": messages.SUGGESTION_NOT_AVAILABLE
                    % {"code": suggestion.receipt_code}
                }
            )
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": messages.YEAR_OUT_OF_RANGE})
    _check_budget(budget)
    project = create_with_reason(
        Project,
        actor=actor,
        why=_("Registered from %(n)d suggestion(s)") % {"n": len(suggestions)},
        jurisdiction=jurisdiction,
        year=year,
        title=title,
        category=category,
        reason=reason,
        content=content,
        location=location,
        budget=budget,
        fund_source=fund_source,
        stage=Stage.REGISTERED,
        created_by=actor,
    )
    project.suggestions.set(suggestions)
    for suggestion in suggestions:
        suggestion.status = SuggestionStatus.MERGED
        save_with_reason(
            suggestion, actor=actor, reason=_("Merged into project “%(title)s”") % {"title": title}
        )
    _flow().register.run(project=project, actor=actor)
    return project


def _department_of(jurisdiction, office, field):
    if office is None:
        return None
    if office.jurisdiction_id != jurisdiction.pk or office.kind != OfficeKind.DEPARTMENT:
        raise ValidationError({field: messages.DEPARTMENT_OUTSIDE_JURISDICTION})
    return office


def project_assign_study(
    *,
    actor,
    task,
    department: Office,
    lead_unit: Office | None = None,
    cooperating_units=(),
    note: str = "",
) -> Project:
    """The government office names the studying department and the proposed lead unit."""
    with task_step(actor=actor, task=task, node=_flow().assign_study) as activation:
        project = activation.process.project
        project.study_department = _department_of(project.jurisdiction, department, "department")
        project.lead_unit = _department_of(
            project.jurisdiction, lead_unit or department, "lead_unit"
        )
        units = [
            _department_of(project.jurisdiction, u, "cooperating_units") for u in cooperating_units
        ]
        project.stage = Stage.STUDY
        save_with_reason(
            project,
            actor=actor,
            reason=_("Feasibility study assigned to %(dept)s") % {"dept": department}
            + (f" — {note}" if note else ""),
        )
        project.cooperating_units.set([u for u in units if u.pk != project.lead_unit_id])
        activation.task.data = {"note": note}
    return project


def project_submit_feasibility(
    *,
    actor,
    task,
    feasible: bool,
    opinion: str = "",
    infeasible_reason: str = "",
    budget=None,
    fund_source: str | None = None,
) -> Project:
    """The department's finding. Infeasible needs a reason, shown to the proposers."""
    if not feasible and not infeasible_reason.strip():
        raise ValidationError({"infeasible_reason": messages.REASON_REQUIRED_WHEN_INFEASIBLE})
    _check_budget(budget)
    with task_step(actor=actor, task=task, node=_flow().study_feasibility) as activation:
        project = activation.process.project
        project.feasible = feasible
        project.feasibility_opinion = opinion
        project.infeasible_reason = "" if feasible else infeasible_reason.strip()
        if budget is not None:
            project.budget = budget
        if fund_source is not None:
            project.fund_source = fund_source
        project.party_decision = ""
        project.stage = Stage.PARTY_REVIEW if feasible else Stage.INFEASIBLE
        save_with_reason(
            project,
            actor=actor,
            reason=_("Found feasible")
            if feasible
            else _("Found infeasible: %(reason)s") % {"reason": project.infeasible_reason},
        )
        activation.task.data = {"feasible": feasible}
    return project


def project_review_by_party(*, actor, task, decision: str, comment: str = "") -> Project:
    """The Party committee approves the candidate, returns it for study, or rejects it."""
    decision = PartyDecision(decision)
    if decision != PartyDecision.APPROVED and not comment.strip():
        raise ValidationError({"comment": messages.COMMENT_REQUIRED_WHEN_RETURNED})
    with task_step(actor=actor, task=task, node=_flow().review_by_party) as activation:
        project = activation.process.project
        project.party_decision = decision
        project.party_comment = comment.strip()
        project.stage = {
            PartyDecision.APPROVED: Stage.CANDIDATE,
            PartyDecision.RETURNED: Stage.STUDY,
            PartyDecision.REJECTED: Stage.REJECTED,
        }[decision]
        save_with_reason(
            project,
            actor=actor,
            reason=_("Party committee: %(decision)s") % {"decision": decision.label}
            + (f" — {comment.strip()}" if comment.strip() else ""),
        )
        activation.task.data = {"decision": decision.value}
    return project


@transaction.atomic
def project_record_vote(
    *,
    actor,
    project: Project,
    elected: bool,
    voted_on: datetime.date | None = None,
    yes: int | None = None,
    rank: int | None = None,
) -> Project:
    """Release the case's waiting step with the congress vote's outcome.

    Called only by a voting session's announcement (core.services.voting.counting): the
    outcome of a project comes from the ballots counted by the engine, never by hand. A
    vote held off the system is recorded as a paper session, by two tellers.
    """
    flow = _flow()
    task = open_task(project.process, flow.await_vote)
    if task is None:
        raise StepRefused(messages.TASK_ALREADY_DONE)
    voted_on = voted_on or timezone.localdate()
    project.elected = elected
    project.voted_on = voted_on
    project.vote_yes = yes
    project.vote_rank = rank
    if elected:
        project.stage = Stage.PLANNING
        # The plan's due date follows the jurisdiction's calendar (default 30 days).
        plan_days = calendar_settings_for(project.jurisdiction).plan_due_days
        project.plan_due = voted_on + datetime.timedelta(days=plan_days)
    else:
        project.stage = Stage.NOT_ELECTED
    save_with_reason(
        project,
        actor=actor,
        reason=_("Elected by the congress") if elected else _("Not elected by the congress"),
    )
    audit_record(
        actor=actor,
        action="project.vote_result",
        jurisdiction=project.jurisdiction,
        target=project,
        summary=(_("Elected by the congress") if elected else _("Not elected by the congress"))
        + f" · {project.title}",
        data={"elected": elected, "voted_on": voted_on, "yes": yes, "rank": rank},
    )
    flow.await_vote.run(task)
    return project


def project_submit_plan(
    *,
    actor,
    task,
    plan_summary: str,
    responsible: str,
    budget,
    fund_source: str,
    deadline: datetime.date,
    targets: str,
    milestones: list[tuple[str, datetime.date]],
) -> Project:
    """The lead unit's implementation plan: milestones, budget, deadline, who answers for it."""
    errors = {}
    project = task.process.coerced.project
    if budget is not None and Decimal(budget) < 0:
        errors["budget"] = messages.BUDGET_NEGATIVE
    if project.voted_on and deadline < project.voted_on:
        errors["deadline"] = messages.DEADLINE_BEFORE_VOTE
    if not milestones:
        errors["milestones"] = messages.MILESTONES_REQUIRED
    for _title, due in milestones:
        if due > deadline:
            errors["milestones"] = messages.MILESTONE_AFTER_DEADLINE
        elif project.voted_on and due < project.voted_on:
            errors["milestones"] = messages.MILESTONE_BEFORE_VOTE
    if errors:
        raise ValidationError(errors)
    with task_step(actor=actor, task=task, node=_flow().submit_plan) as activation:
        project = activation.process.project
        project.plan_summary = plan_summary
        project.plan_responsible = responsible
        project.budget = budget
        project.fund_source = fund_source
        project.deadline = deadline
        project.targets = targets
        project.plan_submitted_at = timezone.now()
        project.stage = Stage.IMPLEMENTING
        save_with_reason(project, actor=actor, reason=_("Implementation plan submitted"))
        for title, due in milestones:
            create_with_reason(
                Milestone,
                actor=actor,
                why=_("Milestone in the plan"),
                project=project,
                title=title,
                due=due,
            )
    return project


def project_assign_monitoring_group(*, actor, task, deputies) -> Project:
    """The congress office picks deputies by expertise; only they may sign off this case."""
    deputies = list(deputies)
    if not deputies:
        raise ValidationError({"deputies": messages.MONITORS_REQUIRED})
    with task_step(actor=actor, task=task, node=_flow().assign_monitoring_group) as activation:
        project = activation.process.project
        for deputy in deputies:
            if deputy.jurisdiction_id != project.jurisdiction_id:
                raise ValidationError({"deputies": messages.MONITOR_OUTSIDE_JURISDICTION})
            if deputy.user_id is None:
                raise ValidationError(
                    {"deputies": messages.MONITOR_WITHOUT_ACCOUNT % {"name": deputy.name}}
                )
        previous = list(project.monitors.select_related("user"))
        grants.revoke_monitoring_group(project, [d.user for d in previous if d not in deputies])
        project.monitors.set(deputies)
        grants.grant_monitoring_group(project, [d.user for d in deputies])
        save_with_reason(
            project,
            actor=actor,
            reason=_("Monitoring group: %(names)s")
            % {"names": "、".join(d.name for d in deputies)},
        )
    return project


def project_accept_completion(*, actor, task, accepted: bool, opinion: str = "") -> Project:
    """The monitoring group's acceptance (验收); a refusal says what must be put right."""
    if not accepted and not opinion.strip():
        raise ValidationError({"opinion": messages.ACCEPTANCE_NEEDS_OPINION})
    with task_step(actor=actor, task=task, node=_flow().accept_completion) as activation:
        project = activation.process.project
        project.acceptance_opinion = opinion.strip()
        if accepted:
            project.accepted_at = timezone.now()
            project.stage = Stage.EVALUATION
            for milestone in project.milestones.exclude(status=MilestoneStatus.DONE):
                milestone.status = MilestoneStatus.DONE
                save_with_reason(milestone, actor=actor, reason=_("Done at acceptance"))
        else:
            project.accepted_at = None
            project.stage = Stage.IMPLEMENTING
        save_with_reason(
            project,
            actor=actor,
            reason=_("Accepted by the monitoring group")
            if accepted
            else _("Acceptance refused: %(opinion)s") % {"opinion": opinion.strip()},
        )
    return project


@transaction.atomic
def project_record_satisfaction(
    *,
    actor,
    project: Project,
    rate=None,
    mean_score=None,
    band: str | None = None,
    check_permission: bool = True,
) -> Project:
    """Release the case's last waiting step with the deputies' rating.

    A satisfaction vote's announcement calls this (``check_permission=False``). By hand,
    the congress office records a rating held entirely off the system, and only for a
    project that is on no satisfaction session's slate: a session's result is the only
    result of the projects it rates.
    """
    if check_permission:
        if not can_record_satisfaction(actor, project):
            raise PermissionDenied(messages.TASK_NOT_ALLOWED)
        if project.session_candidacies.filter(session__kind="satisfaction").exists():
            raise StepRefused(messages.OUTCOME_BELONGS_TO_SESSION)
    for value in (rate, mean_score):
        if value is not None and not (0 <= Decimal(value) <= 100):
            raise ValidationError({"rate": messages.RATE_OUT_OF_RANGE})
    flow = _flow()
    task = open_task(project.process, flow.await_satisfaction)
    if task is None:
        raise StepRefused(messages.TASK_ALREADY_DONE)
    project.satisfaction_rate = rate
    project.satisfaction_mean = mean_score
    # Recorded by hand: the rule's default bounds (≥ 85 commend, < 60 accountability),
    # decided by the same engine that counts the satisfaction vote.
    value = rate if rate is not None else mean_score
    project.band = band or SatisfactionRules().band(
        Decimal(str(value)) if value is not None else None
    )
    project.stage = Stage.ACCOUNTABILITY if project.band == Band.ACCOUNTABILITY else Stage.CLOSED
    save_with_reason(
        project,
        actor=actor,
        reason=_("Satisfaction vote: %(band)s") % {"band": Band(project.band).label},
    )
    audit_record(
        actor=actor,
        action="project.satisfaction_result"
        if not check_permission
        else "project.satisfaction_by_hand",
        jurisdiction=project.jurisdiction,
        target=project,
        summary=_("Satisfaction vote: %(band)s") % {"band": Band(project.band).label}
        + f" · {project.title}",
        data={"rate": rate, "mean_score": mean_score, "band": project.band},
    )
    flow.await_satisfaction.run(task)
    return project


def project_record_accountability(
    *, actor, task, meeting_date: datetime.date, explanation: str, questions_answers: str
) -> Project:
    """The lead unit's head explained before the standing committee and answered questions."""
    with task_step(actor=actor, task=task, node=_flow().record_accountability) as activation:
        project = activation.process.project
        create_with_reason(
            AccountabilityRecord,
            actor=actor,
            why=_("Accountability hearing recorded"),
            project=project,
            meeting_date=meeting_date,
            explanation=explanation,
            questions_answers=questions_answers,
            recorded_by=actor,
        )
        project.stage = Stage.CLOSED
        save_with_reason(project, actor=actor, reason=_("Closed after the accountability hearing"))
    return project


@transaction.atomic
def comment_add(*, actor, project: Project, text: str) -> Comment:
    if not can_comment_on_project(actor, project):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    if not text.strip():
        raise ValidationError({"text": _("Write a comment.")})
    return create_with_reason(
        Comment,
        actor=actor,
        why=_("Comment"),
        project=project,
        author=actor,
        text=text.strip(),
    )
