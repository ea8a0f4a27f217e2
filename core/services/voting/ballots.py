"""A deputy's ballot: checked by the rules, sealed before it is written, one per deputy.

The marks never reach the database in the clear while the vote is open: the ballot is
sealed to the session's public key (see sealing.py) in the request that casts it, written
beside the deputy's "has voted" record, and the deputy is shown its tracker.
"""

from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from core import messages as vm
from core.models import Deputy
from core.models.voting import (
    CountedTracker,
    SealedBallot,
    SessionStatus,
    VotingSession,
)
from core.selectors.cast_reads import open_slate, session_with_standing
from core.selectors.voting import ballot_session_for_user
from core.voting import Candidate, SatisfactionRules, SelectionRules
from core.voting.rules import APPROVE_ONLY, SCORE_100
from core.voting.satisfaction import LEVELS, rate_projects
from core.voting.selection import count_ballots

from . import sealing
from .ballot_writes import write_cast
from .guards import SELECTION_MARKS, BallotRefused


def engine_candidates(candidates) -> list[Candidate]:
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
        _counts, valid = count_ballots([marks], engine_candidates(candidates), rules)
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


def _voting_deputy(actor, session: VotingSession) -> int:
    """The id of the actor's deputy, present at the session and allowed to cast, from the
    standing read with the session (cast_reads.py); the refusals say which failed."""
    if actor is None or not actor.is_authenticated:
        raise BallotRefused(vm.BALLOT_NOT_A_DEPUTY, status=403)
    # permissions.checks.can_cast_ballot, its permission read with the session row
    may_cast = actor.is_active and (actor.is_superuser or session.may_cast)
    if session.voter_deputy_id is None:
        deputy = Deputy.objects.filter(
            user=actor, jurisdiction_id=session.jurisdiction_id, active=True
        ).exists()
        if not deputy or not may_cast:
            raise BallotRefused(vm.BALLOT_NOT_A_DEPUTY, status=403)
        raise BallotRefused(vm.BALLOT_NOT_PRESENT, status=403)
    if not may_cast:
        raise BallotRefused(vm.BALLOT_NOT_A_DEPUTY, status=403)
    return session.voter_deputy_id


def _precheck(*, actor, session: VotingSession, marks, casting: bool = False):
    """Everything ``ballot_cast`` checks, without writing; (deputy id, slate).

    ``session`` comes from ``cast_reads.session_with_standing``. When casting, a second
    ballot is left to the participation's unique constraint, which refuses it under any
    concurrency; the confirm page asks first, to say so before the deputy confirms."""
    if session.is_paper:
        raise BallotRefused(vm.BALLOT_PAPER_SESSION)
    if session.status != SessionStatus.OPEN:
        raise BallotRefused(vm.BALLOT_NOT_OPEN)
    deputy_id = _voting_deputy(actor, session)
    if not casting and session.has_voted:
        raise BallotRefused(vm.BALLOT_ALREADY_CAST)
    if not session.public_key:
        raise BallotRefused(vm.BALLOT_NOT_OPEN)
    candidates = open_slate(session)
    check_marks(session, candidates, marks)
    return deputy_id, candidates


def ballot_precheck(*, actor, session: VotingSession, marks) -> int:
    """Everything ``ballot_cast`` checks, without writing: used by the confirm page.
    Returns the id of the actor's deputy. A session read with the actor's standing (as
    ``ballot_session_for_user`` reads it) is not read again."""
    if getattr(session, "standing_of", False) != getattr(actor, "pk", None):
        session = session_with_standing(actor, session.pk)
    return _precheck(actor=actor, session=session, marks=marks)[0]


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


def ballot_cast(*, actor, session: VotingSession | int, marks) -> str:
    """Cast the actor's secret ballot, sealed; return its tracker (the receipt).

    One deputy, one ballot: the participation row (unique per session and deputy) and the
    sealed ballot are written in one transaction, so either both exist or neither; a
    second ballot trips the unique constraint, however close together they arrive. The
    sealed row holds ciphertext of a fixed length and the tracker. Nothing is logged.

    ``session`` is the session as its ballot page read it, or only its id: then it is
    read once, under the cast's lock, and one outside the actor's reading scope is not
    found (Http404), as its page would not be. ``marks`` may be a function of that
    session (the API's codes depend on its scale and slate); what it raises is raised,
    with nothing written.
    """
    try:
        with _write_transaction():
            if isinstance(session, VotingSession):
                session = session_with_standing(actor, session.pk, lock=True)
            else:
                session = ballot_session_for_user(actor, session, lock=True)
            if callable(marks):
                marks = marks(session)
            deputy_id, candidates = _precheck(
                actor=actor, session=session, marks=marks, casting=True
            )
            ids = [c.ballot_id for c in candidates]
            sealed = sealing.seal_ballot(session.public_key, marks, ids)
            tracker = sealing.tracker_of(sealed)
            # The record says that the deputy voted; the history user is the deputy.
            write_cast(
                actor=actor,
                session=session,
                deputy_id=deputy_id,
                sealed=sealed,
                tracker=tracker,
                reason=_("Voted"),
            )
    except IntegrityError:
        # a second ballot of the deputy: the whole transaction is undone, nothing written
        raise BallotRefused(vm.BALLOT_ALREADY_CAST) from None
    return tracker


def tracker_status(text: str):
    """(session, counted) for a tracker: counted (published with the result), or received
    and still sealed; None when no ballot has it. Never any marks."""
    tracker = sealing.normalise_tracker(text)
    if len(tracker) != 19:
        return None
    counted = CountedTracker.objects.filter(tracker=tracker).select_related("session").first()
    if counted is not None:
        return counted.session, True
    sealed = SealedBallot.objects.filter(tracker=tracker).select_related("session").first()
    if sealed is not None:
        return sealed.session, False
    return None
