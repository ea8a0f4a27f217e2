"""Property-based tests of the counting engine (hypothesis).

Random slates, rules and ballots, including spoilt ones, checked against the
invariants of voting-rules.md and against a deliberately naive re-statement
of the ballot rules.
"""

from __future__ import annotations

import copy
import json
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.voting import MalformedInput, check_differential, round_half_up, tally

from .builders import entry

IDS = ["a", "b", "c", "d", "e", "f"]
CATEGORIES = ["roads", "water", "schools"]
# Allowed marks first: a strategy may draw from the first three only.
SELECTION_MARKS = ["yes", "no", "abstain", "maybe", 1]
MARKS = ("yes", "no", "abstain")


@st.composite
def selection_documents(draw: st.DrawFn, paper: bool = False) -> dict[str, Any]:
    n = draw(st.integers(1, len(IDS)))
    ids = IDS[:n]
    seats = draw(st.integers(1, n))
    categories = [draw(st.sampled_from(CATEGORIES)) for _ in ids]
    total = draw(st.integers(1, 12))
    # Mostly a quorum, so that most examples reach the election.
    present = draw(st.integers(total // 2 + 1, total) | st.integers(0, total))
    rules: dict[str, Any] = {
        "seats": seats,
        "differential": [0, 100],
        "mode": draw(st.sampled_from(["for_against_abstain", "approve_only"])),
        "min_per_category": draw(st.sampled_from([0, 0, 1])),
        "threshold": draw(
            st.sampled_from(["majority_of_all", "majority_of_present", "none", "none"])
        ),
        "tie_policy": draw(st.sampled_from(["include_all", "runoff"])),
    }
    if draw(st.booleans()):
        rules["max_approvals"] = draw(st.integers(1, n))
    document: dict[str, Any] = {
        "kind": "selection",
        "rules": rules,
        "deputies_total": total,
        "present": present,
        "candidates": [
            {"id": cid, "category": cat} for cid, cat in zip(ids, categories, strict=True)
        ],
    }
    if draw(st.integers(0, 3)) == 0:
        document["ballots_issued"] = draw(st.integers(0, 14))
    if paper:
        first = draw(teller_entries(ids))
        # Tellers mostly agree, so that the later checks are reached too.
        second = draw(st.just(copy.deepcopy(first)) | teller_entries(ids))
        document["paper"] = {"entries": [first, second]}
    else:
        keys = st.sampled_from([*ids, "zz"]) if draw(st.booleans()) else st.sampled_from(ids)
        marks = st.sampled_from(SELECTION_MARKS[:3]) | st.sampled_from(SELECTION_MARKS)
        ballot = st.dictionaries(keys, marks, max_size=n)
        document["ballots"] = draw(st.lists(ballot, max_size=present + 1))
    return document


def teller_entries(ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    count = st.fixed_dictionaries({}, optional={m: st.integers(0, 8) for m in MARKS})
    return st.builds(
        entry,
        st.integers(0, 12),
        st.integers(0, 4),
        st.dictionaries(st.sampled_from(ids), count),
    )


def naive_count(document: dict[str, Any]) -> tuple[dict[str, tuple[int, int, int]], int]:
    """The ballot rules of §1 written the obvious way, one ballot at a time."""
    rules = document["rules"]
    ids = [c["id"] for c in document["candidates"]]
    category = {c["id"]: c["category"] for c in document["candidates"]}
    approve_only = rules["mode"] == "approve_only"
    allowed = {"yes"} if approve_only else {"yes", "no", "abstain"}
    max_approvals = rules.get("max_approvals", rules["seats"])
    counts = {cid: [0, 0, 0] for cid in ids}
    valid = 0
    for ballot in document["ballots"]:
        if any(cid not in ids for cid in ballot):
            continue
        if any(not isinstance(m, str) or m not in allowed for m in ballot.values()):
            continue
        approved = [cid for cid, m in ballot.items() if m == "yes"]
        if len(approved) > max_approvals:
            continue
        if rules["min_per_category"] and {category[c] for c in approved} != set(category.values()):
            continue
        valid += 1
        for cid in ids:
            mark = ballot.get(cid, "abstain")
            counts[cid][MARKS.index(mark)] += 1
    return {cid: tuple(c) for cid, c in counts.items()}, valid


def check_common_invariants(document: dict[str, Any], result: dict[str, Any]) -> None:
    rules = document["rules"]
    seats = rules["seats"]
    slate = [c["id"] for c in document["candidates"]]
    results = result["results"]

    assert json.loads(json.dumps(result)) == result
    assert result["ballots_valid"] >= 0
    assert result["unfilled_seats"] >= 0
    assert result["runoff_seats"] >= 0
    if not result["valid"]:
        # Nobody is elected in a void vote.
        assert result["reason"] is not None
        assert result["elected"] == []
        assert result["runoff"] == []
        assert result["runoff_seats"] == 0
        assert result["unfilled_seats"] == 0
        assert not any(row["elected"] for row in results)
        return
    assert result["reason"] is None
    assert sorted(row["id"] for row in results) == sorted(slate)

    # Results are in rank order, ties in slate order; ranks are 1, 2, 2, 4.
    for earlier, later in zip(results, results[1:], strict=False):
        assert earlier["yes"] >= later["yes"]
        if earlier["yes"] == later["yes"]:
            assert slate.index(earlier["id"]) < slate.index(later["id"])
    for row in results:
        assert row["rank"] == 1 + sum(other["yes"] > row["yes"] for other in results)

    floor = {
        "majority_of_all": document["deputies_total"],
        "majority_of_present": document["present"],
        "none": None,
    }[rules["threshold"]]
    for row in results:
        assert row["eligible"] == (floor is None or 2 * row["yes"] > floor)

    elected = {row["id"] for row in results if row["elected"]}
    assert elected == set(result["elected"])
    assert [r["id"] for r in results if r["elected"]] == result["elected"]
    # Only the eligible are elected.
    assert all(row["eligible"] for row in results if row["elected"])

    group_size = {row["rank"]: sum(r["rank"] == row["rank"] for r in results) for row in results}
    if rules["tie_policy"] == "include_all":
        expected = {r["id"] for r in results if r["eligible"] and r["rank"] <= seats}
        assert elected == expected
        assert result["runoff"] == []
        assert result["unfilled_seats"] == max(seats - len(elected), 0)
    else:
        expected = {
            r["id"]
            for r in results
            if r["eligible"] and r["rank"] + group_size[r["rank"]] - 1 <= seats
        }
        assert elected == expected
        assert len(elected) <= seats
        if result["runoff"]:
            assert result["runoff_seats"] == seats - len(elected) > 0
            assert len(elected) + len(result["runoff"]) > seats
            assert result["unfilled_seats"] == 0
            assert len({rows_by_id(results)[cid]["yes"] for cid in result["runoff"]}) == 1
        else:
            assert result["runoff_seats"] == 0
            assert result["unfilled_seats"] == seats - len(elected)


def rows_by_id(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in results}


@settings(max_examples=400)
@given(selection_documents())
def test_counted_ballots_obey_the_rules_of_the_vote(document):
    before = copy.deepcopy(document)
    result = tally(document)
    assert document == before
    check_common_invariants(document, result)

    assert result["ballots_cast"] == len(document["ballots"])
    assert result["ballots_valid"] + result["ballots_invalid"] == result["ballots_cast"]
    issued = document.get("ballots_issued", document["present"])
    assert result["ballots_issued"] == issued
    quorum = 2 * document["present"] > document["deputies_total"]
    expected_reason = (
        None
        if quorum and len(document["ballots"]) <= issued
        else ("quorum_not_met" if not quorum else "more_ballots_than_issued")
    )
    assert result["reason"] == expected_reason

    counts, valid = naive_count(document)
    assert result["ballots_valid"] == valid
    for row in result["results"]:
        if document["rules"]["mode"] == "approve_only":
            assert row["no"] == 0
        # yes + no + abstain = valid ballots
        assert row["yes"] + row["no"] + row["abstain"] == valid
        assert (row["yes"], row["no"], row["abstain"]) == counts[row["id"]]


@settings(max_examples=300)
@given(selection_documents(paper=True))
def test_paper_counts_obey_the_rules_of_the_vote(document):
    result = tally(document)
    check_common_invariants(document, result)
    first, second = document["paper"]["entries"]
    if result["reason"] == "teller_mismatch":
        assert result["results"] == []
        assert (result["ballots_cast"], result["ballots_valid"], result["ballots_invalid"]) == (
            0,
            0,
            0,
        )
        return
    # Tellers agreed: candidates missing from an entry were zeros in both.
    zero = {m: 0 for m in MARKS}
    for cid in (c["id"] for c in document["candidates"]):
        one = zero | first["counts"].get(cid, {})
        two = zero | second["counts"].get(cid, {})
        assert one == two
        row = rows_by_id(result["results"])[cid]
        assert (row["yes"], row["no"], row["abstain"]) == tuple(one[m] for m in MARKS)
    assert result["ballots_cast"] == first["ballots_returned"]
    if result["valid"]:
        assert all(
            row["yes"] + row["no"] + row["abstain"] <= result["ballots_valid"]
            for row in result["results"]
        )
        assert result["ballots_invalid"] <= result["ballots_cast"]


@settings(max_examples=300)
@given(selection_documents(), st.data())
def test_paper_entries_of_the_same_ballots_give_the_same_result(document, data):
    electronic = tally(document)
    counts = {
        row["id"]: {m: row[m] for m in MARKS if row[m] or data.draw(st.booleans())}
        for row in electronic["results"]
    }
    returned = electronic["ballots_cast"]
    invalid = electronic["ballots_invalid"]
    on_paper = dict(document)
    del on_paper["ballots"]
    on_paper["paper"] = {
        "entries": [entry(returned, invalid, counts), entry(returned, invalid, counts)]
    }
    assert tally(on_paper) == electronic


@given(selection_documents(paper=True), st.sampled_from(["ballots_returned", "ballots_invalid"]))
def test_differing_teller_entries_always_void_the_vote(document, field):
    first = document["paper"]["entries"][0]
    second = copy.deepcopy(first)
    second[field] += 1
    document["paper"]["entries"] = [first, second]
    result = tally(document)
    assert result["reason"] == "teller_mismatch"
    assert result["results"] == []


# -- Satisfaction --------------------------------------------------------------

SATISFACTION_MARKS = st.one_of(
    st.sampled_from(["satisfied", "basic", "unsatisfied", "nonsense"]),
    st.integers(-5, 105),
    st.sampled_from([True, False, 50.0, 85.5, None]),
)


@st.composite
def satisfaction_documents(draw: st.DrawFn) -> dict[str, Any]:
    ids = IDS[: draw(st.integers(1, 4))]
    total = draw(st.integers(1, 30))
    rules = {"scale": draw(st.sampled_from(["three_level", "score_100"]))}
    commend_at = draw(st.integers(0, 100))
    rules["commend_at"] = commend_at
    rules["account_below"] = draw(st.integers(0, commend_at))
    keys = st.sampled_from([*ids, "zz"])
    ballots = draw(st.lists(st.dictionaries(keys, SATISFACTION_MARKS), max_size=30))
    return {
        "kind": "satisfaction",
        "rules": rules,
        "deputies_total": total,
        "present": draw(st.integers(0, total)),
        "candidates": [{"id": cid} for cid in ids],
        "ballots": ballots,
    }


def is_valid_mark(mark: Any, scale: str) -> bool:
    if scale == "score_100":
        return type(mark) is int and 0 <= mark <= 100
    return isinstance(mark, str) and mark in ("satisfied", "basic", "unsatisfied")


@settings(max_examples=400)
@given(satisfaction_documents())
def test_satisfaction_results_obey_the_rules(document):
    result = tally(document)
    rules = document["rules"]
    scale = rules["scale"]
    assert json.loads(json.dumps(result)) == result
    assert result["ballots_cast"] == result["ballots_valid"] == len(document["ballots"])
    assert result["ballots_invalid"] == 0
    assert [row["id"] for row in result["results"]] == [c["id"] for c in document["candidates"]]
    for row in result["results"]:
        cast = [b[row["id"]] for b in document["ballots"] if row["id"] in b]
        valid = [m for m in cast if is_valid_mark(m, scale)]
        assert row["valid"] == len(valid)
        assert row["invalid"] == len(cast) - len(valid)
        if scale == "three_level":
            assert row["satisfied"] + row["basic"] + row["unsatisfied"] == row["valid"]
            assert row["mean_score"] is None
            value = row["rate"]
            if valid:
                good = sum(m in ("satisfied", "basic") for m in valid)
                assert Decimal(str(value)) == reference_round(Fraction(100 * good, len(valid)))
        else:
            assert row["satisfied"] == row["basic"] == row["unsatisfied"] == 0
            assert row["rate"] is None
            value = row["mean_score"]
            if valid:
                assert Decimal(str(value)) == reference_round(Fraction(sum(valid), len(valid)))
        if not valid:
            assert value is None
            assert row["band"] == "no_data"
            continue
        # rate and mean score lie within 0..100
        assert 0 <= value <= 100
        expected_band = (
            "commend"
            if value >= rules["commend_at"]
            else "accountability"
            if value < rules["account_below"]
            else "normal"
        )
        assert row["band"] == expected_band


def reference_round(value: Fraction) -> Decimal:
    """Half-up to one decimal by exact arithmetic (the definition, not the code)."""
    tenths = value * 10
    whole = tenths.numerator // tenths.denominator
    if tenths - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole) / 10


@given(st.integers(0, 10**9), st.integers(1, 10**9))
def test_round_half_up_matches_exact_arithmetic(numerator, denominator):
    assert round_half_up(numerator, denominator) == reference_round(
        Fraction(numerator, denominator)
    )


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_round_half_up_agrees_with_decimal_quantize_of_exact_tenths(numerator, denominator):
    exact = Decimal(numerator * 100) / Decimal(denominator)
    assume(exact * denominator == numerator * 100)  # terminating quotients only
    expected = (exact / 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert round_half_up(numerator, denominator) == expected


@given(
    st.integers(1, 50),
    st.integers(0, 120),
    st.fractions(0, 2, max_denominator=10),
    st.fractions(0, 2, max_denominator=10),
)
def test_check_differential_accepts_exactly_the_slates_within_the_bounds(seats, n, low, high):
    assume(low <= high)
    bounds = [float(low), float(high)]
    inside = Fraction(repr(bounds[0])) <= Fraction(n - seats, seats) <= Fraction(repr(bounds[1]))
    if inside:
        assert check_differential(seats, n, bounds) == Fraction(n - seats, seats)
    else:
        with pytest.raises(MalformedInput) as caught:
            check_differential(seats, n, bounds)
        assert caught.value.field == "candidates"
        assert f"[{bounds[0]}, {bounds[1]}]" in caught.value.message
