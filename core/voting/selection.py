"""Counting a project vote (项目票决), voting-rules.md §1 and §3.

The per-ballot work is kept to a few C-level operations (a key-view subset
test, ``list.count``) and the tallying to one ``Counter`` over the
``(candidate, mark)`` pairs of the valid ballots, because a session's result
is announced while the deputies wait and the same engine counts large
township-wide votes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from itertools import chain
from typing import Any

from .document import Candidate, SelectionVote
from .rules import (
    APPROVE_ONLY,
    INCLUDE_ALL,
    MAJORITY_OF_ALL,
    MAJORITY_OF_PRESENT,
    SelectionRules,
)

TELLER_MISMATCH = "teller_mismatch"
QUORUM_NOT_MET = "quorum_not_met"
MORE_BALLOTS_THAN_ISSUED = "more_ballots_than_issued"
IMPOSSIBLE_COUNTS = "impossible_counts"
# In the order they are checked; the first that applies voids the vote.
VOID_REASONS = (TELLER_MISMATCH, QUORUM_NOT_MET, MORE_BALLOTS_THAN_ISSUED, IMPOSSIBLE_COUNTS)

Counts = tuple[int, int, int]


def count_selection(vote: SelectionVote) -> dict[str, Any]:
    """Count a parsed project vote and return the JSON output of spec §3.

    Returns a dict with, in this order: ``kind``, ``valid``, ``reason``,
    ``deputies_total``, ``present``, ``ballots_issued``, ``ballots_cast``,
    ``ballots_valid``, ``ballots_invalid``, ``results`` (one dict per candidate
    in rank order: ``id``, ``yes``, ``no``, ``abstain``, ``rank``, ``eligible``,
    ``elected``), ``elected`` (ids), ``runoff`` (ids), ``runoff_seats`` and
    ``unfilled_seats``. A void vote has ``valid`` false, its reason, nobody
    elected and zero seats; a teller mismatch also has no results and zero
    ballot counts.
    """
    candidates = vote.candidates
    impossible = False
    if vote.paper is not None:
        first, second = vote.paper
        if first != second:
            return _output(vote, TELLER_MISMATCH, 0, 0, 0, [])
        cast = first.ballots_returned
        invalid = first.ballots_invalid
        # More invalid than returned is impossible_counts; valid never shows
        # as negative.
        valid = max(cast - invalid, 0)
        counts = [first.counts[c.id] for c in candidates]
        impossible = invalid > cast or any(sum(c) > valid for c in counts)
    else:
        assert vote.ballots is not None
        cast = len(vote.ballots)
        counts, valid = count_ballots(vote.ballots, candidates, vote.rules)
        invalid = cast - valid

    reason = None
    if 2 * vote.present <= vote.deputies_total:
        reason = QUORUM_NOT_MET
    elif cast > vote.ballots_issued:
        reason = MORE_BALLOTS_THAN_ISSUED
    elif impossible:
        reason = IMPOSSIBLE_COUNTS

    results = _rank(candidates, counts, _floor(vote))
    if reason is not None:
        return _output(vote, reason, cast, valid, invalid, results)
    return _output(vote, None, cast, valid, invalid, results, vote.rules)


def count_ballots(
    ballots: Sequence[dict[str, Any]],
    candidates: Sequence[Candidate],
    rules: SelectionRules,
) -> tuple[list[Counts], int]:
    """Count electronic ballots: ``(yes, no, abstain)`` per candidate and valid ballots.

    A ballot is invalid as a whole when it names an id not on the slate, has a
    mark the mode does not allow, more ``"yes"`` than ``max_approvals``, or
    (``min_per_category``) approves no candidate of some category. Unmarked
    candidates on a valid ballot count as abstain; in ``approve_only`` mode
    ``no`` is 0 and ``abstain`` is every valid ballot without a ``"yes"``.
    """
    slate = {c.id for c in candidates}
    max_yes = rules.max_approvals
    approve_only = rules.mode == APPROVE_ONLY
    category_of = {c.id: c.category for c in candidates}
    n_categories = len(set(category_of.values())) if rules.min_per_category else 0

    accepted: list[dict[str, Any]] = []
    accept = accepted.append
    for ballot in ballots:
        if not ballot.keys() <= slate:
            continue
        marks = list(ballot.values())
        yes = marks.count("yes")
        if yes > max_yes:
            continue
        if approve_only:
            if yes != len(marks):
                continue
        elif yes + marks.count("no") + marks.count("abstain") != len(marks):
            continue
        if n_categories and n_categories != len(
            {category_of[cid] for cid, mark in ballot.items() if mark == "yes"}
        ):
            continue
        accept(ballot)

    valid = len(accepted)
    # Every mark on an accepted ballot is one of the allowed strings, so the
    # pairs are hashable and equal only when they are the same vote.
    pairs = Counter(chain.from_iterable(map(dict.items, accepted)))
    counts: list[Counts] = []
    for c in candidates:
        yes = pairs[(c.id, "yes")]
        no = 0 if approve_only else pairs[(c.id, "no")]
        counts.append((yes, no, valid - yes - no))
    return counts, valid


def _floor(vote: SelectionVote) -> int | None:
    """The number that ``2 * yes`` must exceed to be eligible (None: no floor)."""
    if vote.rules.threshold == MAJORITY_OF_ALL:
        return vote.deputies_total
    if vote.rules.threshold == MAJORITY_OF_PRESENT:
        return vote.present
    return None


def _rank(
    candidates: Sequence[Candidate], counts: Sequence[Counts], floor: int | None
) -> list[dict[str, Any]]:
    # Rank order: most yes first, ties by slate order (sorted is stable).
    order = sorted(range(len(candidates)), key=lambda i: -counts[i][0])
    results: list[dict[str, Any]] = []
    rank = 0
    previous_yes = None
    for position, i in enumerate(order, start=1):
        yes, no, abstain = counts[i]
        if yes != previous_yes:
            # Standard competition ranking: 1, 2, 2, 4.
            rank = position
            previous_yes = yes
        results.append(
            {
                "id": candidates[i].id,
                "yes": yes,
                "no": no,
                "abstain": abstain,
                "rank": rank,
                "eligible": floor is None or 2 * yes > floor,
                "elected": False,
            }
        )
    return results


def _elect(results: list[dict[str, Any]], rules: SelectionRules) -> tuple[list[str], list[str]]:
    """Mark the elected rows; return the elected ids and the runoff ids.

    Eligibility is a floor on ``yes``, so the eligible candidates are a prefix
    of the rank order made of whole tie groups; walking them group by group is
    the walk the rules describe.
    """
    seats = rules.seats
    elected: list[str] = []
    runoff: list[str] = []
    start = 0
    while start < len(results) and results[start]["eligible"] and len(elected) < seats:
        end = start
        while end < len(results) and results[end]["rank"] == results[start]["rank"]:
            end += 1
        group = results[start:end]
        if len(elected) + len(group) > seats and rules.tie_policy != INCLUDE_ALL:
            runoff = [row["id"] for row in group]
            break
        for row in group:
            row["elected"] = True
            elected.append(row["id"])
        start = end
    return elected, runoff


def _output(
    vote: SelectionVote,
    reason: str | None,
    cast: int,
    valid: int,
    invalid: int,
    results: list[dict[str, Any]],
    rules: SelectionRules | None = None,
) -> dict[str, Any]:
    """The output document; ``rules`` is given only for a valid vote, which elects."""
    elected: list[str] = []
    runoff: list[str] = []
    runoff_seats = unfilled_seats = 0
    if rules is not None:
        elected, runoff = _elect(results, rules)
        if runoff:
            # The open seats belong to the runoff, none is left unfilled.
            runoff_seats = rules.seats - len(elected)
        else:
            # include_all may elect more than seats; never report a negative.
            unfilled_seats = max(rules.seats - len(elected), 0)
    return {
        "kind": "selection",
        "valid": reason is None,
        "reason": reason,
        "deputies_total": vote.deputies_total,
        "present": vote.present,
        "ballots_issued": vote.ballots_issued,
        "ballots_cast": cast,
        "ballots_valid": valid,
        "ballots_invalid": invalid,
        "results": results,
        "elected": elected,
        "runoff": runoff,
        "runoff_seats": runoff_seats,
        "unfilled_seats": unfilled_seats,
    }
