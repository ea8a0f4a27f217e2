"""Counting a satisfaction vote (效果票评), voting-rules.md §2.

Every ballot is cast and valid; only a single mark can be invalid. Marks are
tallied with one ``Counter`` over the ``(project, mark)`` pairs of all
ballots. That shortcut is only safe when equal pairs are the same vote: in
Python ``True == 1 == 1.0``, so a score ballot holding booleans or floats (or
an unhashable mark such as a list) is counted mark by mark instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import chain
from typing import Any

from .document import SatisfactionVote
from .rounding import as_json_number, round_half_up
from .rules import SCORE_100, SatisfactionRules
from .selection import MORE_BALLOTS_THAN_ISSUED, QUORUM_NOT_MET

SATISFIED = "satisfied"
BASIC = "basic"
UNSATISFIED = "unsatisfied"
LEVELS = (SATISFIED, BASIC, UNSATISFIED)

# Mark types that cannot be confused with a valid score by ``==``/``hash``.
_SAFE_SCORE_TYPES = frozenset({int, str, type(None)})
# Stands in for an unhashable mark on the careful path.
_UNHASHABLE = object()


def count_satisfaction(vote: SatisfactionVote) -> dict[str, Any]:
    """Count a parsed satisfaction vote and return the JSON output of spec §3.

    Returns a dict with ``kind``, ``valid``, ``reason``, ``deputies_total``,
    ``present``, ``ballots_issued``, ``ballots_cast``, ``ballots_valid``,
    ``ballots_invalid`` (always 0) and ``results``: one dict per project in
    list order with ``id``, ``satisfied``, ``basic``, ``unsatisfied``,
    ``invalid``, ``valid``, ``rate``, ``mean_score`` and ``band``. The vote is
    void (``quorum_not_met``, ``more_ballots_than_issued``) under the same
    checks as the project vote; its results are still counted.
    """
    ballots = vote.ballots
    cast = len(ballots)
    reason = None
    if 2 * vote.present <= vote.deputies_total:
        reason = QUORUM_NOT_MET
    elif cast > vote.ballots_issued:
        reason = MORE_BALLOTS_THAN_ISSUED
    return {
        "kind": "satisfaction",
        "valid": reason is None,
        "reason": reason,
        "deputies_total": vote.deputies_total,
        "present": vote.present,
        "ballots_issued": vote.ballots_issued,
        "ballots_cast": cast,
        "ballots_valid": cast,
        "ballots_invalid": 0,
        "results": rate_projects([c.id for c in vote.candidates], ballots, vote.rules),
    }


def rate_projects(
    project_ids: Sequence[str], ballots: Sequence[dict[str, Any]], rules: SatisfactionRules
) -> list[dict[str, Any]]:
    """Per-project results, in the order of ``project_ids``.

    A mark for an id not in ``project_ids`` is ignored; a mark not allowed on
    the scale (or a score that is not an integer from 0 to 100) is counted in
    that project's ``invalid``; an unmarked project is not counted.
    """
    pairs = _pair_counts(ballots, rules.scale == SCORE_100)
    tallies = {pid: [0, 0, 0, 0, 0, 0] for pid in project_ids}
    for pid, mark, n in pairs:
        tally = tallies.get(pid)
        if tally is not None:
            _add_mark(tally, mark, n, rules.scale)
    return [_result(pid, tallies[pid], rules) for pid in project_ids]


# Indices into a project's running tally.
_SATISFIED, _BASIC, _UNSATISFIED, _INVALID, _SCORED, _SCORE_SUM = range(6)
_LEVEL_INDEX = {SATISFIED: _SATISFIED, BASIC: _BASIC, UNSATISFIED: _UNSATISFIED}


def _pair_counts(ballots: Sequence[dict[str, Any]], scores: bool) -> Iterable[tuple[Any, Any, int]]:
    """``(project id, mark, n)``: how often each mark occurs for each project."""
    values = chain.from_iterable(map(dict.values, ballots))
    if not scores or set(map(type, values)) <= _SAFE_SCORE_TYPES:
        try:
            pairs = Counter(chain.from_iterable(map(dict.items, ballots)))
        except TypeError:  # an unhashable mark: take the careful count below
            pass
        else:
            return ((pid, mark, n) for (pid, mark), n in pairs.items())
    # Key by the mark's type too, so that True, 1 and 1.0 stay apart; an
    # unhashable mark (a list, an object) is invalid on either scale.
    careful: Counter[tuple[Any, type, Any]] = Counter()
    for ballot in ballots:
        for pid, mark in ballot.items():
            try:
                hash(mark)
            except TypeError:
                mark = _UNHASHABLE
            careful[(pid, type(mark), mark)] += 1
    return ((pid, mark, n) for (pid, _, mark), n in careful.items())


def _add_mark(tally: list[int], mark: Any, n: int, scale: str) -> None:
    if scale == SCORE_100:
        if type(mark) is int and 0 <= mark <= 100:
            tally[_SCORED] += n
            tally[_SCORE_SUM] += mark * n
        else:
            tally[_INVALID] += n
        return
    index = _LEVEL_INDEX.get(mark) if type(mark) is str else None
    tally[_INVALID if index is None else index] += n


def _result(pid: str, tally: list[int], rules: SatisfactionRules) -> dict[str, Any]:
    satisfied, basic, unsatisfied, invalid, scored, score_sum = tally
    rate: Decimal | None = None
    mean: Decimal | None = None
    if rules.scale == SCORE_100:
        valid = scored
        if valid:
            mean = round_half_up(score_sum, valid)
        value = mean
    else:
        valid = satisfied + basic + unsatisfied
        if valid:
            rate = round_half_up(100 * (satisfied + basic), valid)
        value = rate
    return {
        "id": pid,
        "satisfied": satisfied,
        "basic": basic,
        "unsatisfied": unsatisfied,
        "invalid": invalid,
        "valid": valid,
        "rate": as_json_number(rate),
        "mean_score": as_json_number(mean),
        "band": rules.band(value),
    }
