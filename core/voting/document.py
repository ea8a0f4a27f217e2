"""Parsing and validating an input document (voting-rules.md §3).

``parse_document`` turns the decoded JSON into a ``SelectionVote`` or a
``SatisfactionVote``, or raises ``MalformedInput`` naming the first offending
field. Fields are checked in document order: ``kind``, unknown keys, ``rules``,
``deputies_total``, ``present``, ``ballots_issued``, ``candidates``, the
differential, then ``ballots`` or ``paper``.

Ballots are not copied: checking that each one is an object is the only
per-ballot work done here. Whether a ballot is *valid* is a counting question
(an invalid ballot is counted, not refused) and is answered in selection.py and
satisfaction.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import (
    BALLOTS_OR_PAPER,
    BALLOTS_OR_PAPER_MISSING,
    DOCUMENT,
    DUPLICATE_ID,
    MUST_BE_OBJECT,
    NOT_ON_SLATE,
    PAPER_NOT_FOR_SATISFACTION,
    PRESENT_ABOVE_TOTAL,
    TWO_TELLER_ENTRIES,
    MalformedInput,
    key_path,
    quote,
)
from .fields import (
    check_choice,
    check_integer,
    check_string,
    get_field,
    reject_unknown_keys,
    require_list,
    require_object,
)
from .rules import SatisfactionRules, SelectionRules, check_differential

SELECTION = "selection"
SATISFACTION = "satisfaction"
KINDS = (SELECTION, SATISFACTION)

_COMMON_KEYS = ("kind", "rules", "deputies_total", "present", "ballots_issued", "candidates")
_SELECTION_KEYS = (*_COMMON_KEYS, "ballots", "paper")
_SATISFACTION_KEYS = (*_COMMON_KEYS, "ballots")
_ENTRY_KEYS = ("ballots_returned", "ballots_invalid", "counts")
MARKS = ("yes", "no", "abstain")


@dataclass(frozen=True)
class Candidate:
    """A candidate project on the slate (or a project being rated)."""

    id: str
    category: str | None = None


@dataclass(frozen=True)
class TellerEntry:
    """One teller's paper count (计票). ``counts`` has every slate id, zeros filled.

    Two entries are equal exactly when the tellers agree, so the teller check
    is a plain ``==``.
    """

    ballots_returned: int
    ballots_invalid: int
    counts: dict[str, tuple[int, int, int]]


@dataclass(frozen=True)
class SelectionVote:
    """A parsed project vote: either ``ballots`` or ``paper`` is set, not both."""

    rules: SelectionRules
    deputies_total: int
    present: int
    ballots_issued: int
    candidates: tuple[Candidate, ...]
    ballots: Sequence[dict[str, Any]] | None = None
    paper: tuple[TellerEntry, TellerEntry] | None = None


@dataclass(frozen=True)
class SatisfactionVote:
    """A parsed satisfaction vote (paper counting does not exist for it)."""

    rules: SatisfactionRules
    deputies_total: int
    present: int
    ballots_issued: int
    candidates: tuple[Candidate, ...]
    ballots: Sequence[dict[str, Any]]


def parse_document(document: object) -> SelectionVote | SatisfactionVote:
    """Validate a decoded input document and return the vote it describes.

    Raises ``MalformedInput`` (with the dotted path of the field) for every
    malformed-input case of voting-rules.md §3: a missing or wrong-typed field,
    an unknown field or rule value, duplicate candidate ids, ``present``
    greater than ``deputies_total``, a slate outside the differential, a paper
    count for an id not on the slate, paper for a satisfaction vote.
    """
    doc = require_object(document, DOCUMENT)
    kind = check_choice(get_field(doc, "kind", ""), "kind", KINDS)
    if kind == SATISFACTION and "paper" in doc:
        raise MalformedInput("paper", PAPER_NOT_FOR_SATISFACTION)
    reject_unknown_keys(doc, _SELECTION_KEYS if kind == SELECTION else _SATISFACTION_KEYS, "")

    rules: SelectionRules | SatisfactionRules
    if kind == SELECTION:
        rules = SelectionRules.from_dict(get_field(doc, "rules", ""))
    else:
        rules = SatisfactionRules.from_dict(get_field(doc, "rules", "", default={}))

    deputies_total = check_integer(get_field(doc, "deputies_total", ""), "deputies_total", 1)
    present = check_integer(get_field(doc, "present", ""), "present", 0)
    if present > deputies_total:
        raise MalformedInput(
            "present", PRESENT_ABOVE_TOTAL.format(present=present, total=deputies_total)
        )
    issued = get_field(doc, "ballots_issued", "", default=present)
    ballots_issued = check_integer(issued, "ballots_issued", 0)

    category_required = kind == SELECTION and rules.min_per_category == 1  # type: ignore[union-attr]
    candidates = _parse_candidates(get_field(doc, "candidates", ""), category_required)

    if kind == SATISFACTION:
        return SatisfactionVote(
            rules=rules,  # type: ignore[arg-type]
            deputies_total=deputies_total,
            present=present,
            ballots_issued=ballots_issued,
            candidates=candidates,
            ballots=_parse_ballots(get_field(doc, "ballots", "")),
        )

    assert isinstance(rules, SelectionRules)
    check_differential(rules.seats, len(candidates), rules.differential)
    has_ballots = doc.get("ballots") is not None
    has_paper = doc.get("paper") is not None
    if has_ballots and has_paper:
        raise MalformedInput("paper", BALLOTS_OR_PAPER)
    if not has_ballots and not has_paper:
        raise MalformedInput("ballots", BALLOTS_OR_PAPER_MISSING)
    return SelectionVote(
        rules=rules,
        deputies_total=deputies_total,
        present=present,
        ballots_issued=ballots_issued,
        candidates=candidates,
        ballots=_parse_ballots(doc["ballots"]) if has_ballots else None,
        paper=_parse_paper(doc["paper"], candidates) if has_paper else None,
    )


def _parse_candidates(value: object, category_required: bool) -> tuple[Candidate, ...]:
    # Extra keys on a candidate (a title, a lead unit ...) are descriptive and
    # cannot change a count, so they are allowed.
    items = require_list(value, "candidates")
    seen: set[str] = set()
    candidates = []
    for index, item in enumerate(items):
        field = f"candidates[{index}]"
        candidate = require_object(item, field)
        cid = check_string(get_field(candidate, "id", field), f"{field}.id")
        if cid in seen:
            raise MalformedInput(f"{field}.id", DUPLICATE_ID.format(id=quote(cid)))
        seen.add(cid)
        category = candidate.get("category")
        if category is None and category_required:
            # min_per_category needs to know every candidate's category.
            category = get_field(candidate, "category", field)
        if category is not None:
            check_string(category, f"{field}.category")
        candidates.append(Candidate(cid, category))
    return tuple(candidates)


def _parse_ballots(value: object) -> Sequence[dict[str, Any]]:
    ballots = require_list(value, "ballots")
    for index, ballot in enumerate(ballots):
        if not isinstance(ballot, dict):
            raise MalformedInput(f"ballots[{index}]", MUST_BE_OBJECT)
    return ballots


def _parse_paper(value: object, candidates: tuple[Candidate, ...]) -> tuple[TellerEntry, ...]:
    paper = require_object(value, "paper")
    reject_unknown_keys(paper, ("entries",), "paper")
    entries = require_list(get_field(paper, "entries", "paper"), "paper.entries")
    if len(entries) != 2:
        raise MalformedInput("paper.entries", TWO_TELLER_ENTRIES)
    slate = [c.id for c in candidates]
    return tuple(
        _parse_entry(entry, f"paper.entries[{index}]", slate) for index, entry in enumerate(entries)
    )


def _parse_entry(value: object, field: str, slate: list[str]) -> TellerEntry:
    entry = require_object(value, field)
    reject_unknown_keys(entry, _ENTRY_KEYS, field)
    returned = check_integer(
        get_field(entry, "ballots_returned", field), f"{field}.ballots_returned", 0
    )
    invalid = check_integer(
        get_field(entry, "ballots_invalid", field), f"{field}.ballots_invalid", 0
    )
    raw_counts: Mapping[str, Any] = require_object(
        get_field(entry, "counts", field), f"{field}.counts"
    )
    counts = dict.fromkeys(slate, (0, 0, 0))
    for cid, count in raw_counts.items():
        name = cid if isinstance(cid, str) else str(cid)
        count_field = key_path(f"{field}.counts", name)
        if cid not in counts:
            raise MalformedInput(count_field, NOT_ON_SLATE.format(id=quote(name)))
        if count is None:
            continue
        marks = require_object(count, count_field)
        reject_unknown_keys(marks, MARKS, count_field)
        # A mark the teller did not enter is zero, like a candidate left out.
        counts[cid] = tuple(  # type: ignore[assignment]
            check_integer(marks.get(mark, 0), key_path(count_field, mark), 0) for mark in MARKS
        )
    return TellerEntry(returned, invalid, counts)


__all__ = [
    "KINDS",
    "MARKS",
    "SATISFACTION",
    "SELECTION",
    "Candidate",
    "SatisfactionVote",
    "SelectionVote",
    "TellerEntry",
    "parse_document",
]
