"""The counting engine of the project vote and the satisfaction vote.

Pure Python, no Django: the web voting session and the ``tally`` management
command both call ``tally`` with the same plain data, so a result printed by
the command is the result the session would announce (voting-rules.md).

``tally(document)`` takes the decoded JSON input of voting-rules.md §3 and
returns the JSON output as plain dicts and lists, or raises ``MalformedInput``
naming the offending field.
"""

from __future__ import annotations

from typing import Any

from .document import (
    SATISFACTION,
    SELECTION,
    Candidate,
    SatisfactionVote,
    SelectionVote,
    TellerEntry,
    parse_document,
)
from .errors import MalformedInput
from .rounding import round_half_up
from .rules import SatisfactionRules, SelectionRules, check_differential
from .satisfaction import count_satisfaction
from .selection import (
    IMPOSSIBLE_COUNTS,
    MORE_BALLOTS_THAN_ISSUED,
    QUORUM_NOT_MET,
    TELLER_MISMATCH,
    VOID_REASONS,
    count_selection,
)


def tally(document: object) -> dict[str, Any]:
    """Count one vote document and return its result document.

    ``document`` is the decoded JSON of voting-rules.md §3 (dicts, lists,
    strings, numbers); ``kind`` chooses the project vote (``"selection"``) or
    the satisfaction vote (``"satisfaction"``). The result is a dict in the
    output shape of §3, ready for ``json.dumps``. A void vote is a result with
    ``"valid": false`` and a ``reason``; malformed input raises
    ``MalformedInput`` instead. The input is not modified.
    """
    vote = parse_document(document)
    if isinstance(vote, SelectionVote):
        return count_selection(vote)
    return count_satisfaction(vote)


__all__ = [
    "IMPOSSIBLE_COUNTS",
    "MORE_BALLOTS_THAN_ISSUED",
    "QUORUM_NOT_MET",
    "SATISFACTION",
    "SELECTION",
    "TELLER_MISMATCH",
    "VOID_REASONS",
    "Candidate",
    "MalformedInput",
    "SatisfactionRules",
    "SatisfactionVote",
    "SelectionRules",
    "SelectionVote",
    "TellerEntry",
    "check_differential",
    "count_satisfaction",
    "count_selection",
    "parse_document",
    "round_half_up",
    "tally",
]
