"""Every write of a voting session. One function per state change, `<entity>_<verb>`.

The counting is the engine's (core/voting): a session builds the engine's input document
from its rules, slate, attendance and ballots (``session_document``) and stores the
engine's output at the announcement, so ``manage.py tally`` on the exported ballots gives
the announced result.
"""

import logging
import random
import uuid
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core import messages
from core import voting_messages as vm
from core.models import Deputy, Project, Stage
from core.models.voting import (
    ACTIVE_STATUSES,
    ANNOUNCED_STATUSES,
    Attendance,
    Ballot,
    PaperTally,
    Participation,
    SessionCandidate,
    SessionKind,
    SessionMethod,
    SessionStatus,
    VotingSession,
    new_ballot_receipt,
    receipt_hash,
)
from core.voting import (
    TELLER_MISMATCH,
    Candidate,
    MalformedInput,
    SatisfactionRules,
    SelectionRules,
    check_differential,
    tally,
)
from core.voting.rules import APPROVE_ONLY, SCORE_100
from core.voting.satisfaction import LEVELS, rate_projects
from core.voting.selection import count_ballots
from permissions.checks import (
    can_approve_slate,
    can_cast_ballot,
    can_enter_paper_count,
    can_manage_sessions,
    can_read_session,
)

from .history import create_with_reason, save_with_reason
from .projects import project_record_satisfaction, project_record_vote
from .steps import StepRefused, open_task, task_step

logger = logging.getLogger(__name__)

# Ballot order at close must be unpredictable, so not the seeded module-level generator.
_secure_random = random.SystemRandom()

SELECTION_MARKS = ("yes", "no", "abstain")


class BallotRefused(StepRefused):
    """A ballot that was not accepted: not open, not present, already cast ...

    ``status`` is the HTTP status the API answers with.
    """

    def __init__(self, message, status: int = 409):
        super().__init__(message)
        self.status = status


def _flow():
    from flows.voting_flow import VotingSessionFlow

    return VotingSessionFlow


# -- rules ----------------------------------------------------------------------------


def normalise_rules(kind: str, rules: dict | None) -> dict:
    """The session's rules with every default of voting-rules.md filled in.

    Refuses an unknown rule or value with the engine's own check, naming the rule.
    """
    rules = {k: v for k, v in (rules or {}).items() if v is not None and v != ""}
    try:
        if kind == SessionKind.SELECTION:
            parsed = SelectionRules.from_dict(rules)
            return {
                "seats": parsed.seats,
                "differential": list(parsed.differential),
                "mode": parsed.mode,
                "max_approvals": parsed.max_approvals,
                "min_per_category": parsed.min_per_category,
                "threshold": parsed.threshold,
                "tie_policy": parsed.tie_policy,
            }
        parsed = SatisfactionRules.from_dict(rules)
        return {
            "scale": parsed.scale,
            "commend_at": parsed.commend_at,
            "account_below": parsed.account_below,
        }
    except MalformedInput as error:
        field = error.field.split(".", 1)[-1]
        raise ValidationError(
            {field: vm.RULE_INVALID % {"field": field, "detail": error.message}}
        ) from None


def check_slate_differential(session: VotingSession, n_candidates: int) -> None:
    """Refuse a project-vote slate outside the differential, naming ratio and bounds."""
    if not session.is_selection:
        return
    seats = session.rules["seats"]
    low, high = session.rules["differential"]
    try:
        check_differential(seats, n_candidates, (low, high))
    except MalformedInput:
        ratio = Fraction(n_candidates - seats, seats)
        shown = (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )
        raise ValidationError(
            {
                "candidates": vm.SLATE_OUTSIDE_DIFFERENTIAL
                % {
                    "candidates": n_candidates,
                    "seats": seats,
                    "ratio": format(shown.normalize(), "f"),
                    "low": low,
                    "high": high,
                }
            }
        ) from None


def _require_manager(actor, session_or_jurisdiction) -> None:
    jurisdiction = getattr(session_or_jurisdiction, "jurisdiction", session_or_jurisdiction)
    if not can_manage_sessions(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)


def _lock(session: VotingSession) -> VotingSession:
    """The session row, locked against every other writer until the transaction ends."""
    return (
        VotingSession.objects.select_for_update(of=("self",))
        .select_related("jurisdiction")
        .get(pk=session.pk)
    )


def _step_task(session: VotingSession, node):
    task = open_task(session.process, node)
    if task is None:
        raise StepRefused(vm.SESSION_STEP_NOT_AVAILABLE)
    return task


def active_deputies(jurisdiction):
    return Deputy.objects.filter(jurisdiction=jurisdiction, active=True)


# -- the session, its rules and its slate ---------------------------------------------


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
    deputies_total: int | None = None,
) -> VotingSession:
    """The congress office creates a session and starts its VotingSessionFlow.

    ``deputies_total`` (the number of deputies of the congress, 应到人数) defaults to
    the jurisdiction's active deputies; the rules default to the spec's.
    """
    _require_manager(actor, jurisdiction)
    if kind not in SessionKind.values:
        raise ValidationError({"kind": vm.KIND_UNKNOWN})
    if method not in SessionMethod.values:
        raise ValidationError({"method": vm.KIND_UNKNOWN})
    if method == SessionMethod.PAPER and kind != SessionKind.SELECTION:
        raise ValidationError({"method": vm.PAPER_ONLY_FOR_SELECTION})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": messages.YEAR_OUT_OF_RANGE})
    if deputies_total is None:
        deputies_total = active_deputies(jurisdiction).count()
        if not deputies_total:
            raise ValidationError({"deputies_total": vm.NO_CONGRESS_DEPUTIES})
    if not isinstance(deputies_total, int) or deputies_total < 1:
        raise ValidationError({"deputies_total": vm.DEPUTIES_TOTAL_INVALID})
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
        created_by=actor,
    )
    _flow().create.run(session=session, actor=actor)
    return session


@transaction.atomic
def session_set_rules(
    *, actor, session: VotingSession, rules: dict, deputies_total: int | None = None
) -> VotingSession:
    """Set the rules (and the congress's number of deputies) while the session is a draft.

    A slate already built must still satisfy the differential under the new rules.
    """
    _require_manager(actor, session)
    session = _lock(session)
    if session.status != SessionStatus.DRAFT:
        raise StepRefused(vm.SESSION_NOT_DRAFT)
    rules = normalise_rules(session.kind, rules)
    if deputies_total is not None:
        if not isinstance(deputies_total, int) or deputies_total < 1:
            raise ValidationError({"deputies_total": vm.DEPUTIES_TOTAL_INVALID})
        session.deputies_total = deputies_total
    session.rules = rules
    n_candidates = session.candidates.count()
    if n_candidates:
        check_slate_differential(session, n_candidates)
    save_with_reason(session, actor=actor, reason=_("Rules set"))
    return session


def eligible_projects(session: VotingSession):
    """The projects that may go on the session's slate.

    Project vote: the Party-approved candidates (stage CANDIDATE) of the jurisdiction and
    year. Satisfaction vote: the year's elected projects awaiting the rating (stage
    EVALUATION). A project held by another session that has not been announced is left
    out, so no project is on two live slates.
    """
    stage = Stage.CANDIDATE if session.is_selection else Stage.EVALUATION
    held = SessionCandidate.objects.filter(
        session__status__in=ACTIVE_STATUSES, session__kind=session.kind
    ).exclude(session=session)
    return (
        Project.objects.filter(jurisdiction=session.jurisdiction, year=session.year, stage=stage)
        .exclude(pk__in=held.values("project_id"))
        .select_related("category")
        .order_by("category__order", "category__code", "pk")
    )


@transaction.atomic
def session_build_slate(*, actor, session: VotingSession, projects=None) -> VotingSession:
    """Put the eligible projects (all of them, or the ones given, in that order) on the
    slate, replacing any earlier slate. A project-vote slate must satisfy the differential
    ratio (差额比例); otherwise a clear error names the ratio and the bounds."""
    _require_manager(actor, session)
    session = _lock(session)
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
    save_with_reason(
        session,
        actor=actor,
        reason=_("Slate of %(n)d projects") % {"n": len(chosen)},
    )
    return session


def _check_slate_ready(session: VotingSession) -> None:
    n_candidates = session.candidates.count()
    if not n_candidates:
        raise ValidationError({"candidates": vm.SLATE_EMPTY})
    check_slate_differential(session, n_candidates)


def session_approve_slate(
    *, actor, session: VotingSession, approved: bool = True, comment: str = ""
) -> VotingSession:
    """The Party committee office approves the slate, or returns it with comments.

    A returned slate goes back to the congress office to revise (the session stays a
    draft); a slate outside the differential cannot be approved.
    """
    comment = comment.strip()
    if not approved and not comment:
        raise ValidationError({"comment": vm.SLATE_NEEDS_COMMENT})
    flow = _flow()
    with task_step(
        actor=actor, task=_step_task(session, flow.approve_slate), node=flow.approve_slate
    ) as activation:
        session = _lock(session)
        if not can_approve_slate(actor, session):
            raise PermissionDenied(messages.TASK_NOT_ALLOWED)
        if session.status != SessionStatus.DRAFT:
            raise StepRefused(vm.SESSION_STEP_NOT_AVAILABLE)
        if approved:
            _check_slate_ready(session)
            session.status = SessionStatus.SLATE_APPROVED
            session.slate_approved_at = timezone.now()
        session.slate_comment = comment
        save_with_reason(
            session,
            actor=actor,
            reason=(_("Slate approved by the Party committee") if approved else _("Slate returned"))
            + (f" — {comment}" if comment else ""),
        )
        activation.task.data = {"approved": approved}
    return session


def session_submit_slate(*, actor, session: VotingSession) -> VotingSession:
    """The congress office sends a revised slate back to the Party committee office."""
    flow = _flow()
    with task_step(
        actor=actor, task=_step_task(session, flow.revise_slate), node=flow.revise_slate
    ):
        session = _lock(session)
        _check_slate_ready(session)
        save_with_reason(session, actor=actor, reason=_("Revised slate sent for approval"))
    return session


@transaction.atomic
def session_record_attendance(*, actor, session: VotingSession, present) -> VotingSession:
    """Record which deputies are present (出席); every other active deputy is absent.

    Attendance is fixed once voting opens: the number present is the number of ballots
    issued.
    """
    _require_manager(actor, session)
    session = _lock(session)
    if session.status not in (SessionStatus.DRAFT, SessionStatus.SLATE_APPROVED):
        raise StepRefused(vm.ATTENDANCE_LOCKED)
    deputies = {d.pk: d for d in active_deputies(session.jurisdiction)}
    present_ids = set()
    for deputy in present:
        pk = getattr(deputy, "pk", deputy)
        if pk not in deputies:
            raise ValidationError({"present": vm.ATTENDANCE_NOT_A_DEPUTY})
        present_ids.add(pk)
    if len(present_ids) > session.deputies_total:
        raise ValidationError(
            {
                "present": vm.PRESENT_ABOVE_TOTAL
                % {"present": len(present_ids), "total": session.deputies_total}
            }
        )
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
    save_with_reason(
        session,
        actor=actor,
        reason=_("Attendance: %(n)d present") % {"n": len(present_ids)},
    )
    return session


def present_count(session: VotingSession) -> int:
    return session.attendance.filter(present=True).count()


def session_open(*, actor, session: VotingSession) -> VotingSession:
    """Open voting. More than half of the deputies must be present (a vote without the
    quorum would be void), and every present deputy is issued one ballot."""
    flow = _flow()
    with task_step(
        actor=actor, task=_step_task(session, flow.open_session), node=flow.open_session
    ) as activation:
        session = _lock(session)
        if session.status != SessionStatus.SLATE_APPROVED:
            raise StepRefused(vm.SESSION_NOT_READY_TO_OPEN)
        _check_slate_ready(session)
        present = present_count(session)
        if 2 * present <= session.deputies_total:
            raise ValidationError(
                {
                    "present": vm.QUORUM_NOT_PRESENT
                    % {"present": present, "total": session.deputies_total}
                }
            )
        session.ballots_issued = present
        session.status = SessionStatus.OPEN
        session.opened_at = timezone.now()
        save_with_reason(
            session,
            actor=actor,
            reason=_("Voting opened: %(n)d deputies present") % {"n": present},
        )
        activation.task.data = {"present": present}
    logger.info("Voting session %s opened", session.pk)
    return session


# -- ballots --------------------------------------------------------------------------


def _engine_candidates(candidates) -> list[Candidate]:
    return [Candidate(c.ballot_id, c.category.code) for c in candidates]


def check_marks(session: VotingSession, candidates, marks) -> bool:
    """Refuse a ballot the engine would not count as cast, with the precise reason.

    ``candidates`` are the session's SessionCandidate rows (with their category). The
    ballot page enforces the same rules before it submits, so a refusal here means the
    form or the API body was tampered with. Returns the engine's validity verdict.
    """
    if not isinstance(marks, dict) or not all(isinstance(k, str) for k in marks):
        raise ValidationError({"marks": vm.BALLOT_MALFORMED})
    slate = {c.ballot_id: c for c in candidates}
    if not marks.keys() <= slate.keys():
        raise ValidationError({"marks": vm.BALLOT_NOT_ON_SLATE})
    if session.is_selection:
        rules = SelectionRules.from_dict(session.rules)
        allowed = ("yes",) if rules.mode == APPROVE_ONLY else SELECTION_MARKS
        if any(type(mark) is not str or mark not in allowed for mark in marks.values()):
            raise ValidationError({"marks": vm.BALLOT_MARK_NOT_ALLOWED})
        approved = [cid for cid, mark in marks.items() if mark == "yes"]
        if len(approved) > rules.max_approvals:
            raise ValidationError(
                {
                    "marks": vm.BALLOT_TOO_MANY_APPROVALS
                    % {"max": rules.max_approvals, "count": len(approved)}
                }
            )
        if rules.min_per_category:
            covered = {slate[cid].category_id for cid in approved}
            missing = []
            for c in candidates:
                if c.category_id not in covered and str(c.category) not in missing:
                    missing.append(str(c.category))
            if missing:
                raise ValidationError(
                    {"marks": vm.BALLOT_CATEGORY_MINIMUM % {"categories": "、".join(missing)}}
                )
        _counts, valid = count_ballots([marks], _engine_candidates(candidates), rules)
        if valid != 1:
            raise ValidationError({"marks": vm.BALLOT_INVALID})
        return True
    rules = SatisfactionRules.from_dict(session.rules)
    for mark in marks.values():
        if rules.scale == SCORE_100:
            ok = type(mark) is int and 0 <= mark <= 100
        else:
            ok = type(mark) is str and mark in LEVELS
        if not ok:
            raise ValidationError({"marks": vm.BALLOT_MARK_NOT_ALLOWED})
    results = rate_projects(list(slate), [marks], rules)
    if any(row["invalid"] for row in results):
        raise ValidationError({"marks": vm.BALLOT_INVALID})
    return True


def _session_for_ballot(session_pk) -> VotingSession:
    """The session row, share-locked: ballots do not wait for each other, but closing
    (which locks the row for update) waits for every ballot being cast to commit, and a
    ballot arriving after it sees the session closed."""
    if connection.vendor == "postgresql":
        table = VotingSession._meta.db_table
        rows = list(
            VotingSession.objects.raw(
                f'SELECT * FROM "{table}" WHERE "id" = %s FOR SHARE',  # noqa: S608
                [session_pk],
            )
        )
        if not rows:
            raise VotingSession.DoesNotExist
        return rows[0]
    return VotingSession.objects.get(pk=session_pk)


def _voting_deputy(actor, session: VotingSession) -> Deputy:
    if actor is None or not actor.is_authenticated:
        raise BallotRefused(vm.BALLOT_NOT_A_DEPUTY, status=403)
    deputy = Deputy.objects.filter(
        user=actor, jurisdiction_id=session.jurisdiction_id, active=True
    ).first()
    if deputy is None or not can_cast_ballot(actor, session):
        raise BallotRefused(vm.BALLOT_NOT_A_DEPUTY, status=403)
    return deputy


def ballot_precheck(*, actor, session: VotingSession, marks) -> Deputy:
    """Everything ``ballot_cast`` checks, without writing: used by the confirm page."""
    if session.is_paper:
        raise BallotRefused(vm.BALLOT_PAPER_SESSION)
    if session.status != SessionStatus.OPEN:
        raise BallotRefused(vm.BALLOT_NOT_OPEN)
    deputy = _voting_deputy(actor, session)
    if not session.attendance.filter(deputy=deputy, present=True).exists():
        raise BallotRefused(vm.BALLOT_NOT_PRESENT, status=403)
    if session.participations.filter(deputy=deputy).exists():
        raise BallotRefused(vm.BALLOT_ALREADY_CAST)
    candidates = list(session.candidates.select_related("category"))
    check_marks(session, candidates, marks)
    return deputy


@contextmanager
def _write_transaction():
    """A transaction that takes the write lock at its start on SQLite.

    SQLite's default (deferred) transaction reads first and fails at once with
    "database is locked" when it must upgrade while another ballot is being written;
    one that begins IMMEDIATE waits its turn instead. PostgreSQL needs nothing here.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    previous = connection.transaction_mode
    connection.transaction_mode = "IMMEDIATE"
    try:
        with transaction.atomic():
            connection.transaction_mode = previous
            yield
    finally:
        connection.transaction_mode = previous


def ballot_cast(*, actor, session: VotingSession, marks) -> str:
    """Cast the actor's secret ballot and return its receipt code (shown once).

    One deputy, one ballot: the participation row (unique per session and deputy) and
    the ballot row are written in one transaction, so either both exist or neither;
    a second ballot trips the unique constraint, however close together they arrive.
    The ballot row holds only the marks, a keyed hash of the receipt code and its
    validity. Nothing is logged.
    """
    with _write_transaction():
        session = _session_for_ballot(session.pk)
        deputy = ballot_precheck(actor=actor, session=session, marks=marks)
        try:
            with transaction.atomic():
                participation = Participation(session=session, deputy=deputy)
                # The record says that the deputy voted; the history user is the deputy.
                save_with_reason(participation, actor=actor, reason=_("Voted"))
        except IntegrityError:
            raise BallotRefused(vm.BALLOT_ALREADY_CAST) from None
        code = new_ballot_receipt()
        Ballot.objects.create(
            session=session, marks=marks, receipt_hash=receipt_hash(code), valid=True
        )
    return code


def ballot_by_receipt(code: str) -> Ballot | None:
    """The ballot a receipt code belongs to, or None. Its marks must never be shown."""
    if not (code or "").strip():
        return None
    return Ballot.objects.filter(receipt_hash=receipt_hash(code)).select_related("session").first()


def _rewrite_ballots(session: VotingSession) -> int:
    """Delete the session's ballots and insert them again, with new random keys, in a
    random order: neither storage order nor transaction ids still say which ballot was
    cast when (or in the same transaction as which participation row)."""
    rows = list(
        Ballot.objects.filter(session=session).values_list("marks", "receipt_hash", "valid")
    )
    Ballot.objects.filter(session=session).delete()
    _secure_random.shuffle(rows)
    Ballot.objects.bulk_create(
        [
            Ballot(id=uuid.uuid4(), session=session, marks=marks, receipt_hash=digest, valid=valid)
            for marks, digest, valid in rows
        ],
        batch_size=500,
    )
    return len(rows)


def session_close(*, actor, session: VotingSession) -> VotingSession:
    """Close voting. Waits for every ballot being cast to commit; a ballot arriving
    later is refused. The ballots are then rewritten in random order."""
    flow = _flow()
    with task_step(
        actor=actor, task=_step_task(session, flow.close_session), node=flow.close_session
    ):
        session = _lock(session)
        if session.status != SessionStatus.OPEN:
            raise StepRefused(vm.SESSION_NOT_OPEN_TO_CLOSE)
        session.status = SessionStatus.CLOSED
        session.closed_at = timezone.now()
        n = 0 if session.is_paper else _rewrite_ballots(session)
        save_with_reason(session, actor=actor, reason=_("Voting closed"))
    logger.info("Voting session %s closed with %d electronic ballots", session.pk, n)
    return session


# -- paper counts ---------------------------------------------------------------------


def _count(value) -> int:
    if isinstance(value, bool):
        raise ValidationError(vm.PAPER_COUNT_INVALID)
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(vm.PAPER_COUNT_INVALID) from None
    if number < 0 or (isinstance(value, float) and not value.is_integer()):
        raise ValidationError(vm.PAPER_COUNT_INVALID)
    return number


@transaction.atomic
def paper_entry_submit(
    *,
    actor,
    session: VotingSession,
    ballots_returned: int,
    ballots_invalid: int,
    counts: dict,
) -> PaperTally:
    """A teller enters their count of the paper ballots, independently of the other.

    Two tellers count each session; a teller may enter again to correct their count
    (the latest counts), a third teller is refused, and every entry stays on the record.
    ``counts`` maps a candidate's ballot id to ``{"yes", "no", "abstain"}``.
    """
    if not can_enter_paper_count(actor, session):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    session = _lock(session)
    if not session.is_paper:
        raise StepRefused(vm.PAPER_NOT_PAPER)
    if session.status != SessionStatus.CLOSED:
        raise StepRefused(vm.PAPER_NOT_CLOSED)
    tellers = set(session.paper_tallies.values_list("teller_id", flat=True))
    if actor.pk not in tellers and len(tellers) >= 2:
        raise StepRefused(vm.PAPER_THIRD_TELLER)
    slate = [c.ballot_id for c in session.candidates.all()]
    if not isinstance(counts, dict) or not counts.keys() <= set(slate):
        raise ValidationError({"counts": vm.BALLOT_NOT_ON_SLATE})
    entry_counts = {}
    for cid in slate:
        given = counts.get(cid) or {}
        if not isinstance(given, dict):
            raise ValidationError({"counts": vm.PAPER_COUNT_INVALID})
        entry_counts[cid] = {mark: _count(given.get(mark, 0)) for mark in SELECTION_MARKS}
    entry = {
        "ballots_returned": _count(ballots_returned),
        "ballots_invalid": _count(ballots_invalid),
        "counts": entry_counts,
    }
    return create_with_reason(
        PaperTally,
        actor=actor,
        why=_("Paper count entered"),
        session=session,
        teller=actor,
        entry=entry,
    )


def paper_entries(session: VotingSession) -> list[PaperTally]:
    """Each teller's latest entry, the first teller's first."""
    latest: dict[int, PaperTally] = {}
    for tally_row in session.paper_tallies.select_related("teller").order_by("created", "pk"):
        first = latest.get(tally_row.teller_id)
        tally_row.first_entered = first.first_entered if first else tally_row.created
        latest[tally_row.teller_id] = tally_row
    return sorted(latest.values(), key=lambda t: (t.first_entered, t.pk))


# -- counting and the announcement ----------------------------------------------------


def session_document(session: VotingSession) -> dict:
    """The engine's input document for the session (voting-rules.md §3).

    Electronic ballots come in the order of their random keys; a paper session carries
    the two tellers' entries instead (None when they are not both in).
    """
    candidates = list(session.candidates.select_related("category").order_by("order", "pk"))
    document = {
        "kind": session.kind,
        "rules": dict(session.rules),
        "deputies_total": session.deputies_total,
        "present": present_count(session),
        "candidates": [{"id": c.ballot_id, "category": c.category.code} for c in candidates],
    }
    if session.ballots_issued is not None:
        document["ballots_issued"] = session.ballots_issued
    if session.is_paper:
        entries = paper_entries(session)
        if len(entries) < 2:
            return None
        document["paper"] = {"entries": [e.entry for e in entries[:2]]}
    else:
        document["ballots"] = list(
            Ballot.objects.filter(session=session).order_by("id").values_list("marks", flat=True)
        )
    return document


def session_announce(*, actor, session: VotingSession) -> VotingSession:
    """Count with the engine and announce; release every decided candidate case.

    A paper session is announced only when both tellers' counts are in and agree. A
    void vote (quorum, more ballots than issued, impossible counts) is announced void
    and releases nothing: the candidates keep waiting for a new vote. Otherwise each
    candidate case's waiting step is released (project vote: elected or not, with its
    votes and rank; satisfaction vote: rate or mean and band). Candidates tied across
    the last seat under the runoff policy are not released: a follow-up session on
    them opens for the remaining seats.
    """
    flow = _flow()
    with task_step(
        actor=actor, task=_step_task(session, flow.announce), node=flow.announce
    ) as activation:
        session = _lock(session)
        if session.status != SessionStatus.CLOSED:
            raise StepRefused(vm.SESSION_NOT_CLOSED)
        document = session_document(session)
        if document is None:
            raise StepRefused(vm.PAPER_ENTRIES_MISSING)
        try:
            result = tally(document)
        except MalformedInput as error:  # a session's own document: should never happen
            raise StepRefused(str(error)) from None
        if result["reason"] == TELLER_MISMATCH:
            raise StepRefused(vm.PAPER_TELLERS_DISAGREE)
        session.result = result
        session.status = SessionStatus.ANNOUNCED if result["valid"] else SessionStatus.VOID
        session.announced_at = timezone.now()
        save_with_reason(
            session,
            actor=actor,
            reason=_("Result announced")
            if result["valid"]
            else _("Announced void: %(reason)s") % {"reason": result["reason"]},
        )
        if result["valid"]:
            _release_candidates(actor, session, result)
        activation.task.data = {"valid": result["valid"], "reason": result["reason"]}
    logger.info("Voting session %s announced", session.pk)
    return session


def _release_candidates(actor, session: VotingSession, result: dict) -> None:
    candidates = {
        c.ballot_id: c for c in session.candidates.select_related("project", "project__process")
    }
    on = timezone.localdate()
    for row in result["results"]:
        candidate = candidates[row["id"]]
        project = candidate.project
        if session.is_selection:
            if row["id"] in result["runoff"]:
                continue
            if open_task(project.process, _project_flow().await_vote) is None:
                continue  # already recorded by hand: the case has moved on
            project_record_vote(
                actor=actor,
                project=project,
                elected=row["elected"],
                voted_on=on,
                yes=row["yes"],
                rank=row["rank"],
                check_permission=False,
            )
        else:
            if open_task(project.process, _project_flow().await_satisfaction) is None:
                continue
            project_record_satisfaction(
                actor=actor,
                project=project,
                rate=None if row["rate"] is None else Decimal(str(row["rate"])),
                mean_score=None if row["mean_score"] is None else Decimal(str(row["mean_score"])),
                band=row["band"],
                check_permission=False,
            )
    if session.is_selection and result["runoff"]:
        _runoff_create(actor, session, result)


def _project_flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def _runoff_create(actor, parent: VotingSession, result: dict) -> VotingSession:
    """The follow-up session on the tied candidates, for the seats still open.

    Its slate is a part of an approved slate, so it needs no new approval; attendance
    is carried over (the congress office may correct it before opening).
    """
    tied = [
        c
        for c in parent.candidates.select_related("project", "category").order_by("order", "pk")
        if c.ballot_id in result["runoff"]
    ]
    seats = result["runoff_seats"]
    rules = dict(parent.rules)
    rules.update(
        seats=seats,
        max_approvals=seats,
        min_per_category=0,
        # The tied candidates are the slate, whatever their number.
        differential=[0, len(tied)],
    )
    runoff = create_with_reason(
        VotingSession,
        actor=actor,
        why=_("Runoff of “%(title)s”") % {"title": parent.title},
        jurisdiction=parent.jurisdiction,
        year=parent.year,
        title=_("%(title)s — runoff") % {"title": parent.title},
        kind=parent.kind,
        method=parent.method,
        rules=normalise_rules(parent.kind, rules),
        deputies_total=parent.deputies_total,
        parent=parent,
        status=SessionStatus.SLATE_APPROVED,
        slate_approved_at=timezone.now(),
        created_by=actor,
    )
    for order, candidate in enumerate(tied, start=1):
        create_with_reason(
            SessionCandidate,
            actor=actor,
            why=_("Tied across the last seat"),
            session=runoff,
            project=candidate.project,
            order=order,
            category=candidate.category,
        )
    user = actor if actor is not None and actor.is_authenticated else None
    bulk_create_with_history(
        [
            Attendance(session=runoff, deputy_id=a.deputy_id, present=a.present)
            for a in parent.attendance.all()
        ],
        Attendance,
        default_user=user,
        default_change_reason=_("Attendance carried over from the first round"),
    )
    _flow().create.run(session=runoff, actor=actor)
    return runoff


def ballots_export(*, actor, session: VotingSession) -> dict:
    """The anonymised ballots of an announced session, as the engine's input document:
    what ``manage.py tally`` needs to recount it. No receipt codes, no keys."""
    if not can_read_session(actor, session):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    if session.status not in ANNOUNCED_STATUSES:
        raise StepRefused(vm.NOT_ANNOUNCED)
    return session_document(session)
