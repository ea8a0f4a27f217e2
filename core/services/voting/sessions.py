"""A voting session from creation to the close of voting: rules, slate, the Party
committee's approval, attendance, opening (with the session's sealing key) and closing.

Four eyes where the practice has them: whoever built a slate does not approve it; the
number of deputies is the roster's on the day voting opens, never a typed figure.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import messages
from core import messages as vm
from core import oversight_messages as om
from core.models import Project, Stage
from core.models.meetings import RatingPurpose
from core.models.voting import (
    ACTIVE_STATUSES,
    Attendance,
    SessionCandidate,
    SessionKind,
    SessionMethod,
    SessionStatus,
    VotingSession,
)
from permissions.checks import can_approve_slate

from ..audit import audit_record
from ..history import create_with_reason, save_with_reason
from ..meetings import RATED_DURING_YEAR, projects_heard
from ..steps import StepRefused, task_step
from . import notices
from .guards import (
    active_deputies,
    lock_session,
    require_manager,
    step_task,
    voting_flow,
)
from .rules import check_slate_categories, check_slate_differential, normalise_rules
from .tellers import seal_session_open

logger = logging.getLogger(__name__)


@transaction.atomic
def session_create(
    *,
    actor,
    jurisdiction,
    year: int,
    kind: str,
    method: str = SessionMethod.ELECTRONIC,
    title: str = "",
    rules: dict | None = None,
    tellers_needed: int = 2,
    held_on=None,
    purpose: str = RatingPurpose.YEAR_END,
) -> VotingSession:
    """The congress office creates a session and starts its VotingSessionFlow.

    The number of deputies (应到人数) is the jurisdiction's roster of active deputies:
    shown from now on, and fixed when voting opens. The rules default to the spec's.
    """
    require_manager(actor, jurisdiction)
    if kind not in SessionKind.values:
        raise ValidationError({"kind": vm.KIND_UNKNOWN})
    if method not in SessionMethod.values:
        raise ValidationError({"method": vm.KIND_UNKNOWN})
    if method == SessionMethod.PAPER and kind != SessionKind.SELECTION:
        raise ValidationError({"method": vm.PAPER_ONLY_FOR_SELECTION})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": messages.YEAR_OUT_OF_RANGE})
    if purpose not in RatingPurpose.values or (
        purpose == RatingPurpose.MID_YEAR and kind != SessionKind.SATISFACTION
    ):
        raise ValidationError({"purpose": om.MID_YEAR_ONLY_SATISFACTION})
    deputies_total = active_deputies(jurisdiction).count()
    if not deputies_total:
        raise ValidationError({"deputies_total": vm.NO_CONGRESS_DEPUTIES})
    if not isinstance(tellers_needed, int) or tellers_needed < 2:
        raise ValidationError({"tellers_needed": vm.TELLERS_NEEDED_INVALID})
    rules = normalise_rules(kind, rules)
    title = title.strip() or _("%(year)s %(kind)s") % {
        "year": year,
        "kind": SessionKind(kind).label,
    }
    session = create_with_reason(
        VotingSession,
        actor=actor,
        why=_("Voting session created"),
        jurisdiction=jurisdiction,
        year=year,
        title=title,
        kind=kind,
        method=method,
        rules=rules,
        deputies_total=deputies_total,
        tellers_needed=tellers_needed,
        held_on=held_on,
        purpose=purpose,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="session.create",
        jurisdiction=jurisdiction,
        target=session,
        summary=_("Voting session created") + f" · {title}",
        data={"kind": kind, "method": method, "year": year, "rules": rules, "purpose": purpose},
    )
    voting_flow().create.run(session=session, actor=actor)
    notices.tellers_changed(session)  # a counting passphrase is owed
    return session


@transaction.atomic
def session_set_rules(
    *, actor, session: VotingSession, rules: dict, tellers_needed: int | None = None
) -> VotingSession:
    """Set the rules while the session is a draft. A slate already built must still
    satisfy the differential under the new rules."""
    require_manager(actor, session)
    session = lock_session(session)
    if session.status != SessionStatus.DRAFT:
        raise StepRefused(vm.SESSION_NOT_DRAFT)
    rules = normalise_rules(session.kind, rules)
    if tellers_needed is not None:
        if not isinstance(tellers_needed, int) or tellers_needed < 2:
            raise ValidationError({"tellers_needed": vm.TELLERS_NEEDED_INVALID})
        session.tellers_needed = tellers_needed
    session.rules = rules
    session.deputies_total = active_deputies(session.jurisdiction).count()
    n_candidates = session.candidates.count()
    if n_candidates:
        check_slate_differential(session, n_candidates)
        check_slate_categories(session, _categories_on_slate(session))
    save_with_reason(session, actor=actor, reason=_("Rules set"))
    audit_record(
        actor=actor,
        action="session.rules",
        jurisdiction=session.jurisdiction,
        target=session,
        summary=_("Rules set") + f" · {session.title}",
        data={"rules": rules, "tellers_needed": session.tellers_needed},
    )
    return session


def _categories_on_slate(session: VotingSession) -> int:
    return session.candidates.values("category_id").distinct().count()


def eligible_projects(session: VotingSession):
    """The projects that may go on the session's slate.

    Project vote: the Party-approved candidates (stage CANDIDATE) of the jurisdiction and
    year. Satisfaction vote: the year's elected projects awaiting the rating (stage
    EVALUATION); a mid-year one (purpose "mid_year"): the projects under way that the
    year's meetings hear. A project held by another session of the same kind and purpose
    that has not been announced is left out, so no project is on two live slates.
    """
    held = SessionCandidate.objects.filter(
        session__status__in=ACTIVE_STATUSES,
        session__kind=session.kind,
        session__purpose=session.purpose,
    ).exclude(session=session)
    if session.purpose == RatingPurpose.MID_YEAR:
        # a mid-year rating: the projects under way that the year's meetings hear
        projects = projects_heard(session.jurisdiction, session.year).filter(
            stage__in=RATED_DURING_YEAR
        )
    else:
        stage = Stage.CANDIDATE if session.is_selection else Stage.EVALUATION
        projects = Project.objects.filter(
            jurisdiction=session.jurisdiction, year=session.year, stage=stage
        )
    return (
        projects.exclude(pk__in=held.values("project_id"))
        .select_related("category")
        .order_by("category__order", "category__code", "pk")
    )


@transaction.atomic
def session_build_slate(*, actor, session: VotingSession, projects=None) -> VotingSession:
    """Put the eligible projects (all of them, or the ones given, in that order) on the
    slate, replacing any earlier slate. A project-vote slate must satisfy the differential
    ratio (差额比例); otherwise a clear error names the ratio and the bounds."""
    require_manager(actor, session)
    session = lock_session(session)
    if session.status != SessionStatus.DRAFT:
        raise StepRefused(vm.SESSION_NOT_DRAFT)
    eligible = {p.pk: p for p in eligible_projects(session)}
    if projects is None:
        chosen = list(eligible.values())
    else:
        chosen = []
        for project in projects:
            pk = getattr(project, "pk", project)
            if pk not in eligible:
                title = getattr(project, "title", str(pk))
                raise ValidationError(
                    {"projects": vm.SLATE_PROJECT_NOT_AVAILABLE % {"title": title}}
                )
            if eligible[pk] not in chosen:
                chosen.append(eligible[pk])
    if not chosen:
        raise ValidationError({"projects": vm.SLATE_EMPTY})
    check_slate_differential(session, len(chosen))
    check_slate_categories(session, len({p.category_id for p in chosen}))
    for old in session.candidates.all():
        old._history_user = actor
        old._change_reason = _("Slate rebuilt")
        old.delete()
    for order, project in enumerate(chosen, start=1):
        create_with_reason(
            SessionCandidate,
            actor=actor,
            why=_("Put on the slate"),
            session=session,
            project=project,
            order=order,
            category=project.category,
        )
    session.slate_built_by = actor
    save_with_reason(
        session,
        actor=actor,
        reason=_("Slate of %(n)d projects") % {"n": len(chosen)},
    )
    audit_record(
        actor=actor,
        action="session.slate",
        jurisdiction=session.jurisdiction,
        target=session,
        summary=_("Slate of %(n)d projects") % {"n": len(chosen)} + f" · {session.title}",
        data={"projects": [[p.pk, p.title] for p in chosen]},
    )
    notices.slate_sent_notice(session)  # when the approval step is open (not in revision)
    return session


def check_slate_ready(session: VotingSession) -> None:
    n_candidates = session.candidates.count()
    if not n_candidates:
        raise ValidationError({"candidates": vm.SLATE_EMPTY})
    check_slate_differential(session, n_candidates)
    check_slate_categories(session, _categories_on_slate(session))
    # the jurisdiction's slate policy: the offices' signatures, the special collection
    from core.services.slate import check_slate_policy

    check_slate_policy(session)


@transaction.atomic
def session_approve_slate(
    *, actor, session: VotingSession, approved: bool = True, comment: str = ""
) -> VotingSession:
    """The Party committee office approves the slate, or returns it with comments.

    Never whoever built or created the slate. A returned slate goes back to the congress
    office to revise (the session stays a draft); a slate outside the differential cannot
    be approved.
    """
    comment = comment.strip()
    if not approved and not comment:
        raise ValidationError({"comment": vm.SLATE_NEEDS_COMMENT})
    if actor.pk in (session.slate_built_by_id, session.created_by_id):
        raise PermissionDenied(vm.SLATE_APPROVER_IS_BUILDER)
    flow = voting_flow()
    with task_step(
        actor=actor, task=step_task(session, flow.approve_slate), node=flow.approve_slate
    ) as activation:
        session = lock_session(session)
        if not can_approve_slate(actor, session):
            raise PermissionDenied(vm.SLATE_APPROVER_IS_BUILDER)
        if session.status != SessionStatus.DRAFT:
            raise StepRefused(vm.SESSION_STEP_NOT_AVAILABLE)
        if approved:
            check_slate_ready(session)
            session.status = SessionStatus.SLATE_APPROVED
            session.slate_approved_at = timezone.now()
        session.slate_comment = comment
        save_with_reason(
            session,
            actor=actor,
            reason=(_("Slate approved by the Party committee") if approved else _("Slate returned"))
            + (f" — {comment}" if comment else ""),
        )
        activation.task.data = {
            "approved": approved,
            "comment": comment,
            "candidates": list(session.candidates.values_list("project_id", flat=True)),
        }
    notices.slate_decided_notice(session, approved=approved, comment=comment)
    return session


@transaction.atomic
def session_submit_slate(*, actor, session: VotingSession) -> VotingSession:
    """The congress office sends a revised slate back to the Party committee office."""
    flow = voting_flow()
    with task_step(
        actor=actor, task=step_task(session, flow.revise_slate), node=flow.revise_slate
    ) as activation:
        session = lock_session(session)
        check_slate_ready(session)
        save_with_reason(session, actor=actor, reason=_("Revised slate sent for approval"))
        activation.task.data = {
            "candidates": list(session.candidates.values_list("project_id", flat=True))
        }
    notices.slate_sent_notice(session)
    return session


@transaction.atomic
def session_record_attendance(*, actor, session: VotingSession, present) -> VotingSession:
    """Record which deputies are present (出席); every other active deputy is absent.

    Attendance is fixed once voting opens: the number present is the number of ballots
    issued.
    """
    require_manager(actor, session)
    session = lock_session(session)
    if session.status not in (SessionStatus.DRAFT, SessionStatus.SLATE_APPROVED):
        raise StepRefused(vm.ATTENDANCE_LOCKED)
    deputies = {d.pk: d for d in active_deputies(session.jurisdiction)}
    present_ids = set()
    for deputy in present:
        pk = getattr(deputy, "pk", deputy)
        if pk not in deputies:
            raise ValidationError({"present": vm.ATTENDANCE_NOT_A_DEPUTY})
        present_ids.add(pk)
    existing = {a.deputy_id: a for a in session.attendance.all()}
    to_create, to_update = [], []
    for pk in deputies:
        is_present = pk in present_ids
        row = existing.get(pk)
        if row is None:
            to_create.append(Attendance(session=session, deputy_id=pk, present=is_present))
        elif row.present != is_present:
            row.present = is_present
            to_update.append(row)
    # A deputy who has left the roster since is no longer present.
    for pk, row in existing.items():
        if pk not in deputies and row.present:
            row.present = False
            to_update.append(row)
    reason = _("Attendance recorded")
    user = actor if actor is not None and actor.is_authenticated else None
    if to_create:
        bulk_create_with_history(
            to_create, Attendance, default_user=user, default_change_reason=reason
        )
    if to_update:
        bulk_update_with_history(
            to_update, Attendance, ["present"], default_user=user, default_change_reason=reason
        )
    session.deputies_total = len(deputies)
    save_with_reason(
        session,
        actor=actor,
        reason=_("Attendance: %(n)d present") % {"n": len(present_ids)},
    )
    audit_record(
        actor=actor,
        action="session.attendance",
        jurisdiction=session.jurisdiction,
        target=session,
        summary=_("Attendance: %(n)d present") % {"n": len(present_ids)} + f" · {session.title}",
        data={"present": sorted(present_ids), "roster": len(deputies)},
    )
    return session


@transaction.atomic
def session_open(*, actor, session: VotingSession) -> VotingSession:
    """Open voting. The number of deputies is taken from the roster now; more than half
    must be present, and every present deputy is issued one ballot. An electronic vote
    needs its tellers' counting keys: the session's sealing key is made and wrapped to
    them here."""
    flow = voting_flow()
    with task_step(
        actor=actor, task=step_task(session, flow.open_session), node=flow.open_session
    ) as activation:
        session = lock_session(session)
        if session.status != SessionStatus.SLATE_APPROVED:
            raise StepRefused(vm.SESSION_NOT_READY_TO_OPEN)
        check_slate_ready(session)
        session.deputies_total = active_deputies(session.jurisdiction).count()
        present = session.attendance.filter(
            present=True, deputy__active=True, deputy__jurisdiction=session.jurisdiction
        ).count()
        if 2 * present <= session.deputies_total:
            raise ValidationError(
                {
                    "present": vm.QUORUM_NOT_PRESENT
                    % {"present": present, "total": session.deputies_total}
                }
            )
        tellers = [] if session.is_paper else seal_session_open(session)
        session.ballots_issued = present
        session.status = SessionStatus.OPEN
        session.opened_at = timezone.now()
        save_with_reason(
            session,
            actor=actor,
            reason=_("Voting opened: %(n)d deputies present") % {"n": present},
        )
        activation.task.data = {
            "present": present,
            "deputies_total": session.deputies_total,
            "tellers": tellers,
            "tellers_needed": session.tellers_needed,
            "public_key": session.public_key,
        }
    notices.vote_opened_notice(session)
    logger.info("Voting session %s opened", session.pk)
    return session


@transaction.atomic
def session_close(*, actor, session: VotingSession) -> VotingSession:
    """Close voting. Waits for every ballot being cast to commit; a ballot arriving
    later is refused. The sealed ballots stay sealed until the tellers open them."""
    flow = voting_flow()
    with task_step(
        actor=actor, task=step_task(session, flow.close_session), node=flow.close_session
    ) as activation:
        session = lock_session(session)
        if session.status != SessionStatus.OPEN:
            raise StepRefused(vm.SESSION_NOT_OPEN_TO_CLOSE)
        session.status = SessionStatus.CLOSED
        session.closed_at = timezone.now()
        save_with_reason(session, actor=actor, reason=_("Voting closed"))
        sealed = session.sealed_ballots.count()
        activation.task.data = {"sealed_ballots": sealed, "voted": session.participations.count()}
    notices.vote_closed(session)
    if not session.is_paper:
        notices.ballots_sealed_notice(session)
    logger.info("Voting session %s closed with %d sealed ballots", session.pk, sealed)
    return session
