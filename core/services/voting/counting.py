"""After voting closes: the tellers open the sealed ballots (or two tellers count paper
ones), the engine counts, and the announcement releases every candidate's case.

Opening: k tellers' passphrases unwrap the session key in memory; every sealed ballot is
opened, the ballots are shuffled and written as plaintext in one transaction, the trackers
are published in sorted order apart from them, and the sealed copies and every key are
deleted. The hash of the ballots counted goes on the decision log, at opening and again at
the announcement.
"""

import hashlib
import json
import logging
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import messages as vm
from core.models.meetings import RatingPurpose
from core.models.voting import (
    ANNOUNCED_STATUSES,
    Attendance,
    Ballot,
    CountedTracker,
    PaperTally,
    SessionCandidate,
    SessionMethod,
    SessionStatus,
    VotingSession,
)
from core.voting import TELLER_MISMATCH, MalformedInput, tally
from permissions.checks import can_count_ballots, can_enter_paper_count, can_read_individual_ballots

from ..audit import audit_record
from ..history import create_with_reason, save_with_reason
from ..meetings import mid_year_ratings_from_session
from ..projects import project_record_satisfaction, project_record_vote
from ..steps import StepRefused, open_task, task_step
from . import sealing
from .guards import (
    SELECTION_MARKS,
    lock_session,
    present_count,
    project_flow,
    secure_random,
    step_task,
    voting_flow,
)
from .rules import normalise_rules
from .tellers import teller_display, unlock_session_key

logger = logging.getLogger(__name__)


def _destroy_sealed(session: VotingSession) -> None:
    """Delete the sealed ballots and every key of the session."""
    session.sealed_ballots.all().delete()
    session.key_shares.all().delete()
    session.teller_keys.all().delete()
    session.public_key = ""


def session_count(*, actor, session: VotingSession, passphrases: dict[int, str]) -> VotingSession:
    """k tellers open the sealed ballots together (teller user id → passphrase).

    A wrong passphrase, or fewer than k that open their keys, is refused with the names and
    changes nothing; the sealed ballots wait for another try, or for the paper count.
    """
    flow = voting_flow()
    with task_step(
        actor=actor, task=step_task(session, flow.count_ballots), node=flow.count_ballots
    ) as activation:
        session = lock_session(session)
        if not can_count_ballots(actor, session):
            raise PermissionDenied(vm.TELLER_RUNS_SESSION)
        if session.status != SessionStatus.CLOSED or session.is_paper or session.unsealed_at:
            raise StepRefused(vm.COUNT_NOT_NOW)
        private, names = unlock_session_key(session, passphrases)
        sealed_rows = list(session.sealed_ballots.values_list("sealed", "tracker"))
        marks = [sealing.open_ballot(private, sealed) for sealed, _tracker in sealed_rows]
        del private
        secure_random.shuffle(marks)
        Ballot.objects.bulk_create(
            [Ballot(id=uuid.uuid4(), session=session, marks=m, valid=True) for m in marks],
            batch_size=500,
        )
        CountedTracker.objects.bulk_create(
            [
                CountedTracker(session=session, tracker=tracker)
                for tracker in sorted(t for _s, t in sealed_rows)
            ],
            batch_size=1000,
        )
        _destroy_sealed(session)
        session.ballots_digest = sealing.ballots_digest(marks)
        session.unsealed_at = timezone.now()
        save_with_reason(
            session,
            actor=actor,
            reason=_("Ballots opened by %(names)s") % {"names": "、".join(names)},
        )
        activation.task.data = {
            "ballots": len(marks),
            "ballots_digest": session.ballots_digest,
            "tellers": names,
        }
    logger.info("Voting session %s: %d ballots opened", session.pk, len(marks))
    return session


def session_fallback_to_paper(*, actor, session: VotingSession, reason: str) -> VotingSession:
    """When fewer than k tellers can open the ballots: the vote is counted on paper
    instead (a paper ballot, counted by two tellers). The sealed ballots are kept, unopened,
    until the announcement, so nothing is lost if a passphrase is found meanwhile."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": vm.PAPER_FALLBACK_NEEDS_REASON})
    flow = voting_flow()
    with task_step(
        actor=actor, task=step_task(session, flow.count_ballots), node=flow.count_ballots
    ) as activation:
        session = lock_session(session)
        if not can_count_ballots(actor, session):
            raise PermissionDenied(vm.TELLER_RUNS_SESSION)
        if session.status != SessionStatus.CLOSED or session.is_paper or session.unsealed_at:
            raise StepRefused(vm.PAPER_FALLBACK_NOT_NOW)
        session.method = SessionMethod.PAPER
        save_with_reason(
            session,
            actor=actor,
            reason=_("Counted on paper instead: %(reason)s") % {"reason": reason},
        )
        activation.task.data = {
            "paper_fallback": True,
            "reason": reason,
            "sealed_ballots_kept": session.sealed_ballots.count(),
        }
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
        raise PermissionDenied(vm.TELLER_RUNS_SESSION)
    session = lock_session(session)
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
    tally_row = create_with_reason(
        PaperTally,
        actor=actor,
        why=_("Paper count entered"),
        session=session,
        teller=actor,
        entry=entry,
    )
    audit_record(
        actor=actor,
        action="session.paper_count",
        jurisdiction=session.jurisdiction,
        target=session,
        summary=_("Paper count entered by teller %(name)s") % {"name": teller_display(actor)}
        + f" · {session.title}",
        data={"teller": actor.username, "entry": entry},
    )
    return tally_row


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
        if not session.unsealed_at and not document["ballots"] and session.participations.exists():
            return None
    return document


def _document_digest(document: dict) -> str:
    if "ballots" in document:
        return sealing.ballots_digest(document["ballots"])
    text = json.dumps(document["paper"], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def session_announce(*, actor, session: VotingSession) -> VotingSession:
    """Count with the engine and announce; release every decided candidate case.

    An electronic vote is announced once its ballots are opened and a teller has
    confirmed the count; a paper one once both tellers' counts are in and agree. A void
    vote (quorum, more ballots than issued, impossible counts) is announced void and
    releases nothing: the candidates keep waiting for a new vote. Otherwise each candidate
    case's waiting step is released (project vote: elected or not, with its votes and
    rank; satisfaction vote: rate or mean and band). Candidates tied across the last seat
    under the runoff policy are not released: a follow-up session on them opens for the
    remaining seats.
    """
    flow = voting_flow()
    with task_step(
        actor=actor, task=step_task(session, flow.announce), node=flow.announce
    ) as activation:
        session = lock_session(session)
        if session.status != SessionStatus.CLOSED:
            raise StepRefused(vm.SESSION_NOT_CLOSED)
        document = session_document(session)
        if document is None:
            raise StepRefused(vm.PAPER_ENTRIES_MISSING if session.is_paper else vm.COUNT_NOT_NOW)
        try:
            result = tally(document)
        except MalformedInput as error:  # a session's own document: should never happen
            raise StepRefused(str(error)) from None
        if result["reason"] == TELLER_MISMATCH:
            raise StepRefused(vm.PAPER_TELLERS_DISAGREE)
        if not session.is_paper and session.count_confirmed_at is None:
            raise StepRefused(vm.COUNT_NOT_CONFIRMED)
        digest = _document_digest(document)
        if session.is_paper:
            _destroy_sealed(session)  # an electronic vote counted on paper instead
            session.ballots_digest = digest
        elif digest != session.ballots_digest:
            raise StepRefused(vm.BALLOTS_CHANGED_SINCE_COUNT)
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
        activation.task.data = {
            "valid": result["valid"],
            "reason": result["reason"],
            "ballots_digest": digest,
            "elected": result.get("elected", []),
            "results": result["results"],
        }
    logger.info("Voting session %s announced", session.pk)
    return session


def _release_candidates(actor, session: VotingSession, result: dict) -> None:
    candidates = {
        c.ballot_id: c for c in session.candidates.select_related("project", "project__process")
    }
    on = session.held_on or timezone.localdate()
    mid_year = []
    for row in result["results"]:
        candidate = candidates[row["id"]]
        project = candidate.project
        if session.is_selection:
            if row["id"] in result["runoff"]:
                continue
            if open_task(project.process, project_flow().await_vote) is None:
                continue
            project_record_vote(
                actor=actor,
                project=project,
                elected=row["elected"],
                voted_on=on,
                yes=row["yes"],
                rank=row["rank"],
            )
        elif session.purpose == RatingPurpose.MID_YEAR:
            # a rating during the year: stored as the mid-year rating, the case goes on
            mid_year.append((project, _decimal(row["rate"]), _decimal(row["mean_score"])))
        else:
            if open_task(project.process, project_flow().await_satisfaction) is None:
                continue
            project_record_satisfaction(
                actor=actor,
                project=project,
                rate=None if row["rate"] is None else Decimal(str(row["rate"])),
                mean_score=None if row["mean_score"] is None else Decimal(str(row["mean_score"])),
                band=row["band"],
                check_permission=False,
            )
    if mid_year:
        mid_year_ratings_from_session(actor=actor, session=session, rows=mid_year)
    if session.is_selection and result["runoff"]:
        runoff_create(actor, session, result)


def _decimal(value):
    return None if value is None else Decimal(str(value))


def runoff_create(actor, parent: VotingSession, result: dict) -> VotingSession:
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
        tellers_needed=parent.tellers_needed,
        created_by=actor,
        slate_built_by=parent.slate_built_by,
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
    voting_flow().create.run(session=runoff, actor=actor)
    return runoff


def ballots_export(*, actor, session: VotingSession) -> dict:
    """The anonymised ballots of an announced session, as the engine's input document:
    what ``manage.py tally`` needs to recount it. For the session's tellers and the
    congress office only; everyone else sees the totals. No trackers, no keys."""
    if not can_read_individual_ballots(actor, session):
        raise PermissionDenied(vm.BALLOTS_NOT_YOURS)
    if session.status not in ANNOUNCED_STATUSES:
        raise StepRefused(vm.NOT_ANNOUNCED)
    return session_document(session)
