"""Worked examples of the project vote (voting-rules.md §1 and §3)."""

from __future__ import annotations

import copy
import json
from fractions import Fraction

import pytest

from core.voting import MalformedInput, SelectionRules, check_differential, tally
from core.voting import errors as e

from .builders import count, entry, rows, selection

SLATE = ["water", "roads", "market"]


# -- The spec's own example ----------------------------------------------------


def test_spec_example_with_paper_counts_gives_the_spec_output():
    counts = {
        "water": {"yes": 70, "no": 5, "abstain": 3},
        "roads": {"yes": 60, "no": 10, "abstain": 8},
        "market": {"yes": 20, "no": 50, "abstain": 8},
    }
    document = {
        "kind": "selection",
        "rules": {"seats": 2, "mode": "for_against_abstain", "tie_policy": "include_all"},
        "deputies_total": 79,
        "present": 79,
        "candidates": [
            {"id": "water", "category": "infrastructure"},
            {"id": "roads", "category": "transport"},
            {"id": "market", "category": "commerce"},
        ],
        "paper": {"entries": [entry(79, 1, counts), entry(79, 1, copy.deepcopy(counts))]},
    }
    assert tally(document) == {
        "kind": "selection",
        "valid": True,
        "reason": None,
        "deputies_total": 79,
        "present": 79,
        "ballots_issued": 79,
        "ballots_cast": 79,
        "ballots_valid": 78,
        "ballots_invalid": 1,
        "results": [
            {"id": "water", "yes": 70, "no": 5, "abstain": 3, "rank": 1}
            | {"eligible": True, "elected": True},
            {"id": "roads", "yes": 60, "no": 10, "abstain": 8, "rank": 2}
            | {"eligible": True, "elected": True},
            {"id": "market", "yes": 20, "no": 50, "abstain": 8, "rank": 3}
            | {"eligible": False, "elected": False},
        ],
        "elected": ["water", "roads"],
        "runoff": [],
        "runoff_seats": 0,
        "unfilled_seats": 0,
    }


def test_output_fields_come_in_the_order_of_the_spec():
    result = count(SLATE, [{"water": "yes"}], seats=2)
    assert list(result) == [
        "kind",
        "valid",
        "reason",
        "deputies_total",
        "present",
        "ballots_issued",
        "ballots_cast",
        "ballots_valid",
        "ballots_invalid",
        "results",
        "elected",
        "runoff",
        "runoff_seats",
        "unfilled_seats",
    ]
    assert list(result["results"][0]) == [
        "id",
        "yes",
        "no",
        "abstain",
        "rank",
        "eligible",
        "elected",
    ]


def test_output_is_plain_json():
    result = count(SLATE, [{"water": "yes"}], seats=2)
    assert json.loads(json.dumps(result)) == result


def test_tally_does_not_modify_its_input():
    document = selection(SLATE, [{"water": "yes", "roads": "maybe"}, {}], seats=2)
    before = copy.deepcopy(document)
    tally(document)
    assert document == before


# -- Electronic ballots --------------------------------------------------------


def test_marks_are_counted_per_candidate():
    ballots = [
        {"water": "yes", "roads": "no", "market": "abstain"},
        {"water": "yes", "roads": "yes", "market": "no"},
        {"water": "no", "roads": "yes", "market": "yes"},
    ]
    result = count(SLATE, ballots, seats=2, deputies_total=3)
    assert rows(result)["water"] == {
        "id": "water",
        "yes": 2,
        "no": 1,
        "abstain": 0,
        "rank": 1,
        "eligible": True,
        "elected": True,
    }
    assert (rows(result)["market"]["yes"], rows(result)["market"]["no"]) == (1, 1)
    assert result["ballots_cast"] == 3
    assert result["ballots_valid"] == 3
    assert result["ballots_invalid"] == 0


def test_unmarked_candidate_on_a_valid_ballot_counts_as_abstain():
    result = count(SLATE, [{"water": "yes"}], seats=2, deputies_total=1)
    assert (rows(result)["roads"]["no"], rows(result)["roads"]["abstain"]) == (0, 1)
    assert rows(result)["market"]["abstain"] == 1


def test_blank_ballot_is_valid_and_abstains_on_everyone():
    result = count(SLATE, [{}], seats=2, deputies_total=1)
    assert result["ballots_valid"] == 1
    assert result["ballots_invalid"] == 0
    assert all(row["abstain"] == 1 and row["yes"] == 0 for row in result["results"])


def test_ballot_naming_a_candidate_not_on_the_slate_is_invalid():
    ballots = [{"water": "yes", "stadium": "yes"}, {"water": "yes"}]
    result = count(SLATE, ballots, seats=2, deputies_total=2)
    assert result["ballots_invalid"] == 1
    assert result["ballots_valid"] == 1
    # The invalid ballot contributes nothing, not even its valid marks.
    assert rows(result)["water"]["yes"] == 1


def test_ballot_with_a_mark_outside_the_mode_is_invalid():
    ballots = [{"water": "maybe"}, {"water": 1}, {"water": None}, {"water": "YES"}]
    result = count(SLATE, ballots, seats=2, deputies_total=4)
    assert result["ballots_invalid"] == 4
    assert result["ballots_valid"] == 0


def test_ballot_with_too_many_approvals_is_invalid():
    ballots = [
        {"water": "yes", "roads": "yes", "market": "yes"},  # 3 > seats = 2
        {"water": "yes", "roads": "yes", "market": "no"},
    ]
    result = count(SLATE, ballots, seats=2, deputies_total=2)
    assert result["ballots_invalid"] == 1
    assert (rows(result)["market"]["yes"], rows(result)["market"]["no"]) == (0, 1)


def test_max_approvals_can_differ_from_seats():
    ballots = [{"water": "yes", "roads": "yes"}, {"water": "yes"}]
    result = count(SLATE, ballots, seats=2, deputies_total=2, max_approvals=1)
    assert result["ballots_invalid"] == 1
    assert rows(result)["water"]["yes"] == 1


def test_ballot_approving_no_candidate_of_a_category_is_invalid_under_min_per_category():
    slate = [("water", "infrastructure"), ("pipes", "infrastructure"), ("school", "education")]
    ballots = [
        {"water": "yes", "pipes": "yes"},  # no education project approved
        {"water": "yes", "school": "yes"},
        {"pipes": "yes", "school": "yes", "water": "no"},
    ]
    result = count(slate, ballots, seats=2, deputies_total=3, min_per_category=1)
    assert result["ballots_invalid"] == 1
    assert result["ballots_valid"] == 2
    assert rows(result)["pipes"]["yes"] == 1


def test_blank_ballot_is_invalid_under_min_per_category():
    slate = [("water", "infrastructure"), ("school", "education")]
    result = count(slate, [{}], seats=1, deputies_total=1, min_per_category=1)
    assert result["ballots_invalid"] == 1


def test_min_per_category_zero_accepts_a_ballot_that_skips_a_category():
    slate = [("water", "infrastructure"), ("school", "education")]
    result = count(slate, [{"water": "yes"}], seats=1, deputies_total=1)
    assert result["ballots_invalid"] == 0


def test_min_per_category_accepts_true_and_false():
    assert SelectionRules(seats=1, min_per_category=True).min_per_category == 1
    assert SelectionRules(seats=1, min_per_category=False).min_per_category == 0


def test_approve_only_counts_no_as_zero_and_abstain_as_the_rest():
    ballots = [{"water": "yes"}, {"water": "yes", "roads": "yes"}, {}]
    result = count(SLATE, ballots, seats=2, deputies_total=3, mode="approve_only")
    water = rows(result)["water"]
    assert (water["yes"], water["no"], water["abstain"]) == (2, 0, 1)
    roads = rows(result)["roads"]
    assert (roads["yes"], roads["no"], roads["abstain"]) == (1, 0, 2)


def test_approve_only_ballot_with_a_no_mark_is_invalid():
    ballots = [{"water": "yes", "roads": "no"}, {"water": "abstain"}]
    result = count(SLATE, ballots, seats=2, deputies_total=2, mode="approve_only")
    assert result["ballots_invalid"] == 2


# -- Threshold -----------------------------------------------------------------


def test_majority_of_all_needs_more_than_half_of_all_deputies():
    # 10 deputies: 5 yes is exactly half (not enough), 6 is a majority.
    ballots = [{"water": "yes", "roads": "yes"}] * 5 + [{"water": "yes"}] + [{}] * 2
    result = count(SLATE, ballots, seats=2, deputies_total=10, present=8)
    assert rows(result)["water"]["eligible"] is True
    assert rows(result)["roads"]["eligible"] is False
    assert result["elected"] == ["water"]


def test_majority_of_present_needs_more_than_half_of_those_present():
    ballots = [{"water": "yes", "roads": "yes"}] * 4 + [{"water": "yes"}] + [{}] * 2
    result = count(
        SLATE, ballots, seats=2, deputies_total=10, present=7, threshold="majority_of_present"
    )
    # 2 x 5 > 7 and 2 x 4 > 7; under majority_of_all neither would pass 10.
    assert result["elected"] == ["water", "roads"]
    all_deputies = count(SLATE, ballots, seats=2, deputies_total=10, present=7)
    assert all_deputies["elected"] == []


def test_threshold_none_has_no_floor():
    result = count(SLATE, [{"water": "yes"}], seats=2, deputies_total=9, threshold="none")
    assert all(row["eligible"] for row in result["results"])
    # water is rank 1; roads and market tie at rank 2 across the last seat.
    assert result["elected"] == ["water", "roads", "market"]


# -- Ranking and election ------------------------------------------------------


def test_ranks_are_standard_competition_ranking_with_ties_in_slate_order():
    slate = ["a", "b", "c", "d", "e"]
    yes = {"a": 3, "b": 5, "c": 3, "d": 1, "e": 3}
    ballots = [{cid: "yes" for cid in slate if yes[cid] > i} for i in range(5)]
    result = count(slate, ballots, seats=2, deputies_total=5, max_approvals=5)
    assert [(row["id"], row["rank"]) for row in result["results"]] == [
        ("b", 1),
        ("a", 2),
        ("c", 2),
        ("e", 2),
        ("d", 5),
    ]


def test_tie_across_the_last_seat_elects_the_whole_group_with_include_all():
    slate = ["a", "b", "c", "d"]
    ballots = [{"a": "yes", "b": "yes"}, {"a": "yes", "c": "yes"}, {"a": "yes", "d": "yes"}]
    result = count(slate, ballots, seats=2, deputies_total=3, threshold="none")
    # a has 3 and takes seat 1; b, c, d tie with 1 for the last seat.
    assert result["elected"] == ["a", "b", "c", "d"]
    assert result["unfilled_seats"] == 0
    assert result["runoff"] == []
    assert result["runoff_seats"] == 0


def test_tie_across_the_last_seat_goes_to_a_runoff_with_runoff_policy():
    slate = ["a", "b", "c", "d"]
    ballots = [{"a": "yes", "b": "yes"}, {"a": "yes", "c": "yes"}, {"a": "yes", "d": "yes"}]
    result = count(slate, ballots, seats=2, deputies_total=3, threshold="none", tie_policy="runoff")
    assert result["elected"] == ["a"]
    assert result["runoff"] == ["b", "c", "d"]
    assert result["runoff_seats"] == 1
    assert result["unfilled_seats"] == 0
    assert [row["elected"] for row in result["results"]] == [True, False, False, False]


def test_runoff_for_a_tie_at_the_top_holds_all_seats():
    slate = ["a", "b", "c", "d"]
    ballots = [{"a": "yes"}, {"b": "yes"}, {"c": "yes"}]
    result = count(slate, ballots, seats=1, deputies_total=3, threshold="none", tie_policy="runoff")
    assert result["elected"] == []
    assert result["runoff"] == ["a", "b", "c"]
    assert result["runoff_seats"] == 1


def test_tie_that_fits_in_the_seats_is_elected_even_with_runoff_policy():
    slate = ["a", "b", "c"]
    ballots = [{"a": "yes", "b": "yes"}, {"a": "yes", "b": "yes"}, {"c": "yes"}]
    result = count(slate, ballots, seats=2, deputies_total=3, threshold="none", tie_policy="runoff")
    assert result["elected"] == ["a", "b"]
    assert result["runoff"] == []


def test_fewer_eligible_candidates_than_seats_leaves_seats_unfilled():
    ballots = [{"water": "yes"}] * 6 + [{}] * 3
    result = count(SLATE, ballots, seats=2, deputies_total=9)
    assert result["elected"] == ["water"]
    assert result["unfilled_seats"] == 1


def test_nobody_eligible_leaves_every_seat_unfilled():
    result = count(SLATE, [{}] * 9, seats=2, deputies_total=9)
    assert result["valid"] is True
    assert result["elected"] == []
    assert result["unfilled_seats"] == 2


def test_ineligible_tie_group_is_not_sent_to_a_runoff():
    # b and c tie across the last seat but neither has a majority.
    ballots = [{"a": "yes", "b": "yes"}] * 5 + [{"a": "yes", "c": "yes"}] * 4
    result = count(["a", "b", "c"], ballots, seats=2, deputies_total=15, tie_policy="runoff")
    assert result["elected"] == ["a"]
    assert result["runoff"] == []
    assert result["unfilled_seats"] == 1


# -- Validity of the whole vote ------------------------------------------------


def test_quorum_is_not_met_when_only_half_are_present():
    result = count(SLATE, [{"water": "yes"}] * 5, seats=2, deputies_total=10, present=5)
    assert result["valid"] is False
    assert result["reason"] == "quorum_not_met"


def test_quorum_is_met_with_one_more_than_half():
    result = count(SLATE, [{"water": "yes"}] * 6, seats=2, deputies_total=10, present=6)
    assert result["valid"] is True
    assert result["reason"] is None


def test_more_ballots_than_present_voids_the_vote():
    result = count(SLATE, [{}] * 8, seats=2, deputies_total=9, present=7)
    assert result["reason"] == "more_ballots_than_issued"
    assert result["ballots_issued"] == 7


def test_more_ballots_than_issued_voids_the_vote_when_ballots_issued_is_given():
    result = count(SLATE, [{}] * 7, seats=2, deputies_total=9, present=8, ballots_issued=6)
    assert result["reason"] == "more_ballots_than_issued"
    assert result["ballots_issued"] == 6


def test_ballots_issued_defaults_to_present():
    result = count(SLATE, [{}] * 7, seats=2, deputies_total=9, present=7)
    assert result["valid"] is True
    assert result["ballots_issued"] == 7


def test_fewer_ballots_than_issued_is_a_valid_vote():
    result = count(SLATE, [{}] * 3, seats=2, deputies_total=9, present=9)
    assert result["valid"] is True
    assert result["ballots_cast"] == 3


def test_void_vote_lists_the_counts_and_elects_nobody():
    ballots = [{"water": "yes", "roads": "yes"}] * 5
    result = count(SLATE, ballots, seats=2, deputies_total=10, present=5)
    assert result["reason"] == "quorum_not_met"
    assert result["elected"] == []
    assert result["runoff"] == []
    assert result["runoff_seats"] == 0
    assert result["unfilled_seats"] == 0
    assert [row["yes"] for row in result["results"]] == [5, 5, 0]
    assert not any(row["elected"] for row in result["results"])
    assert result["ballots_cast"] == 5
    assert result["ballots_valid"] == 5


def test_quorum_is_checked_before_the_ballot_count():
    result = count(SLATE, [{}] * 6, seats=2, deputies_total=10, present=5)
    assert result["reason"] == "quorum_not_met"


# -- Paper counting ------------------------------------------------------------


def paper_vote(first, second, **kwargs):
    kwargs.setdefault("seats", 2)
    kwargs.setdefault("deputies_total", 10)
    return tally(selection(SLATE, paper=[first, second], **kwargs))


WATER = {"water": {"yes": 7, "no": 2, "abstain": 0}}


def test_paper_counts_are_taken_as_entered():
    result = paper_vote(entry(10, 1, WATER), entry(10, 1, WATER))
    assert result["valid"] is True
    assert (rows(result)["water"]["yes"], rows(result)["water"]["abstain"]) == (7, 0)
    assert (result["ballots_cast"], result["ballots_valid"], result["ballots_invalid"]) == (
        10,
        9,
        1,
    )
    assert result["elected"] == ["water"]


def test_paper_counts_are_taken_as_entered_in_approve_only_mode():
    counts = {"water": {"yes": 7, "no": 2}}
    result = paper_vote(entry(10, 0, counts), entry(10, 0, counts), mode="approve_only")
    assert (rows(result)["water"]["no"], rows(result)["water"]["abstain"]) == (2, 0)


def test_paper_counts_for_a_candidate_left_out_are_zeros():
    with_zeros = {**WATER, "roads": {"yes": 0, "no": 0, "abstain": 0}}
    result = paper_vote(entry(10, 0, WATER), entry(10, 0, with_zeros))
    assert result["valid"] is True
    assert rows(result)["roads"]["yes"] == 0
    assert rows(result)["market"]["abstain"] == 0


def test_teller_entries_that_differ_void_the_vote_with_teller_mismatch():
    other = {"water": {"yes": 6, "no": 3, "abstain": 0}}
    result = paper_vote(entry(10, 1, WATER), entry(10, 1, other))
    assert result == {
        "kind": "selection",
        "valid": False,
        "reason": "teller_mismatch",
        "deputies_total": 10,
        "present": 10,
        "ballots_issued": 10,
        "ballots_cast": 0,
        "ballots_valid": 0,
        "ballots_invalid": 0,
        "results": [],
        "elected": [],
        "runoff": [],
        "runoff_seats": 0,
        "unfilled_seats": 0,
    }


def test_teller_entries_that_differ_only_in_ballots_invalid_mismatch():
    result = paper_vote(entry(10, 1, WATER), entry(10, 2, WATER))
    assert result["reason"] == "teller_mismatch"


def test_teller_mismatch_is_checked_before_the_quorum():
    result = paper_vote(entry(5, 0, {}), entry(4, 0, {}), present=5)
    assert result["reason"] == "teller_mismatch"


def test_paper_with_more_ballots_returned_than_issued_is_void():
    result = paper_vote(entry(11, 0, WATER), entry(11, 0, WATER))
    assert result["reason"] == "more_ballots_than_issued"
    assert result["ballots_cast"] == 11


def test_paper_counts_adding_up_to_more_than_the_valid_ballots_are_impossible():
    counts = {"water": {"yes": 7, "no": 2, "abstain": 1}}  # 10 > 9 valid
    result = paper_vote(entry(10, 1, counts), entry(10, 1, counts))
    assert result["valid"] is False
    assert result["reason"] == "impossible_counts"
    assert rows(result)["water"]["yes"] == 7
    assert result["elected"] == []
    assert not any(row["elected"] for row in result["results"])


def test_more_invalid_ballots_than_returned_are_impossible():
    result = paper_vote(entry(5, 6, {}), entry(5, 6, {}))
    assert result["reason"] == "impossible_counts"
    assert result["ballots_valid"] == 0
    assert result["ballots_invalid"] == 6


def test_more_ballots_than_issued_is_checked_before_impossible_counts():
    counts = {"water": {"yes": 20}}
    result = paper_vote(entry(11, 0, counts), entry(11, 0, counts))
    assert result["reason"] == "more_ballots_than_issued"


def test_paper_and_ballots_give_the_same_result():
    ballots = [{"water": "yes", "roads": "no"}] * 6 + [{"roads": "yes"}] * 3 + [{"x": "yes"}]
    electronic = count(SLATE, ballots, seats=2, deputies_total=10)
    counts = {
        row["id"]: {k: row[k] for k in ("yes", "no", "abstain")} for row in electronic["results"]
    }
    on_paper = paper_vote(entry(10, 1, counts), entry(10, 1, counts))
    assert on_paper == electronic


# -- Malformed input -----------------------------------------------------------


def malformed(document):
    with pytest.raises(MalformedInput) as caught:
        tally(document)
    return caught.value


def test_document_that_is_not_an_object_is_malformed():
    error = malformed([1, 2])
    assert (error.field, error.message) == ("document", e.MUST_BE_OBJECT)


def test_missing_kind_is_malformed():
    document = selection(SLATE, seats=2)
    del document["kind"]
    assert (malformed(document).field, malformed(document).message) == ("kind", e.MISSING)


def test_unknown_kind_is_malformed():
    error = malformed(selection(SLATE, seats=2) | {"kind": "election"})
    assert error.field == "kind"
    assert error.message == e.UNKNOWN_VALUE.format(
        value='"election"', choices="selection, satisfaction"
    )


@pytest.mark.parametrize(
    ("rule", "value", "choices"),
    [
        ("mode", "approve", "for_against_abstain, approve_only"),
        ("threshold", "two_thirds", "majority_of_all, majority_of_present, none"),
        ("tie_policy", "lottery", "include_all, runoff"),
    ],
)
def test_unknown_rule_value_is_malformed(rule, value, choices):
    error = malformed(selection(SLATE, seats=2, **{rule: value}))
    assert error.field == f"rules.{rule}"
    assert error.message == e.UNKNOWN_VALUE.format(value=f'"{value}"', choices=choices)


def test_unknown_rule_is_malformed():
    error = malformed(selection(SLATE, seats=2, seat=2))
    assert (error.field, error.message) == ("rules.seat", e.UNKNOWN_FIELD)


def test_unknown_top_level_field_is_malformed():
    error = malformed(selection(SLATE, seats=2) | {"ballot_issued": 3})
    assert (error.field, error.message) == ("ballot_issued", e.UNKNOWN_FIELD)


def test_missing_rules_are_malformed():
    document = selection(SLATE, seats=2)
    del document["rules"]
    assert malformed(document).field == "rules"


def test_missing_seats_are_malformed():
    document = selection(SLATE, seats=2)
    del document["rules"]["seats"]
    assert (malformed(document).field, malformed(document).message) == ("rules.seats", e.MISSING)


@pytest.mark.parametrize("seats", [0, -1, 2.0, True, "2"])
def test_seats_must_be_a_positive_integer(seats):
    error = malformed(selection(SLATE, seats=seats))
    assert error.field == "rules.seats"
    assert error.message == e.MUST_BE_INTEGER_AT_LEAST.format(minimum=1)


@pytest.mark.parametrize("value", [2, "1", 0.5])
def test_min_per_category_must_be_zero_or_one(value):
    error = malformed(selection(SLATE, seats=2, min_per_category=value))
    assert (error.field, error.message) == ("rules.min_per_category", e.MUST_BE_ZERO_OR_ONE)


@pytest.mark.parametrize("value", [[0.5], [0.5, 0.2], [-0.1, 0.5], "0.2-0.5", [0.2, "0.5"]])
def test_differential_must_be_two_ordered_numbers(value):
    error = malformed(selection(SLATE, seats=2, differential=value))
    assert (error.field, error.message) == ("rules.differential", e.DIFFERENTIAL_SHAPE)


def test_max_approvals_must_be_a_positive_integer():
    assert malformed(selection(SLATE, seats=2, max_approvals=0)).field == "rules.max_approvals"


@pytest.mark.parametrize("field", ["deputies_total", "present"])
def test_counts_of_deputies_must_be_integers(field):
    document = selection(SLATE, seats=2)
    document[field] = 9.0
    assert malformed(document).field == field


def test_present_greater_than_deputies_total_is_malformed():
    error = malformed(selection(SLATE, seats=2, deputies_total=9, present=10))
    assert error.field == "present"
    assert error.message == e.PRESENT_ABOVE_TOTAL.format(present=10, total=9)


def test_negative_ballots_issued_is_malformed():
    assert malformed(selection(SLATE, seats=2, ballots_issued=-1)).field == "ballots_issued"


def test_duplicate_candidate_ids_are_malformed():
    error = malformed(selection(["water", "roads", "water"], seats=2))
    assert error.field == "candidates[2].id"
    assert error.message == e.DUPLICATE_ID.format(id='"water"')


@pytest.mark.parametrize("cid", ["", 7, None])
def test_candidate_id_must_be_a_non_empty_string(cid):
    document = selection(SLATE, seats=2)
    document["candidates"][1]["id"] = cid
    assert malformed(document).field == "candidates[1].id"


def test_candidate_must_be_an_object():
    document = selection(SLATE, seats=2)
    document["candidates"][0] = "water"
    assert (malformed(document).field, malformed(document).message) == (
        "candidates[0]",
        e.MUST_BE_OBJECT,
    )


def test_candidate_without_a_category_is_malformed_under_min_per_category():
    slate = [("water", "infrastructure"), ("school", "education")]
    document = selection(slate, seats=1, min_per_category=1)
    del document["candidates"][1]["category"]
    assert (malformed(document).field, malformed(document).message) == (
        "candidates[1].category",
        e.MISSING,
    )


def test_slate_outside_the_differential_is_malformed_and_names_ratio_and_bounds():
    # 3 candidates for 2 seats: (3 - 2) / 2 = 0.5 > 0.4.
    error = malformed(selection(SLATE, seats=2, differential=[0.2, 0.4]))
    assert error.field == "candidates"
    assert error.message == e.DIFFERENTIAL_OUT_OF_BOUNDS.format(
        candidates=3, seats=2, ratio="0.5", low=0.2, high=0.4
    )
    assert "0.5" in error.message
    assert "[0.2, 0.4]" in error.message


def test_slate_with_the_default_differential_is_checked():
    document = selection(["a", "b"], seats=2)
    del document["rules"]["differential"]
    error = malformed(document)
    assert error.message == e.DIFFERENTIAL_OUT_OF_BOUNDS.format(
        candidates=2, seats=2, ratio="0", low=0.2, high=0.5
    )


def test_ballot_that_is_not_an_object_is_malformed():
    error = malformed(selection(SLATE, [{}, ["water"]], seats=2))
    assert (error.field, error.message) == ("ballots[1]", e.MUST_BE_OBJECT)


def test_ballots_that_are_not_a_list_are_malformed():
    document = selection(SLATE, seats=2)
    document["ballots"] = {"water": "yes"}
    assert (malformed(document).field, malformed(document).message) == (
        "ballots",
        e.MUST_BE_LIST,
    )


def test_selection_without_ballots_or_paper_is_malformed():
    document = selection(SLATE, seats=2)
    del document["ballots"]
    error = malformed(document)
    assert (error.field, error.message) == ("ballots", e.BALLOTS_OR_PAPER_MISSING)


def test_selection_with_both_ballots_and_paper_is_malformed():
    document = selection(SLATE, [], seats=2)
    document["paper"] = {"entries": [entry(0, 0, {}), entry(0, 0, {})]}
    error = malformed(document)
    assert (error.field, error.message) == ("paper", e.BALLOTS_OR_PAPER)


def test_paper_count_for_an_id_not_on_the_slate_is_malformed():
    counts = {"stadium": {"yes": 1}}
    error = malformed(selection(SLATE, seats=2, paper=[entry(9, 0, {}), entry(9, 0, counts)]))
    assert error.field == "paper.entries[1].counts.stadium"
    assert error.message == e.NOT_ON_SLATE.format(id='"stadium"')


def test_field_path_quotes_an_id_that_is_not_a_plain_name():
    counts = {"new\nline.x": {"yes": 1}}
    error = malformed(selection(SLATE, seats=2, paper=[entry(9, 0, counts), entry(9, 0, {})]))
    assert error.field == 'paper.entries[0].counts["new\\nline.x"]'
    assert "\n" not in str(error)


@pytest.mark.parametrize("n_entries", [1, 3])
def test_paper_needs_exactly_two_teller_entries(n_entries):
    document = selection(SLATE, seats=2, paper=[entry(9, 0, {})] * n_entries)
    error = malformed(document)
    assert (error.field, error.message) == ("paper.entries", e.TWO_TELLER_ENTRIES)


@pytest.mark.parametrize(
    ("bad_entry", "field"),
    [
        ({"ballots_invalid": 0, "counts": {}}, "paper.entries[0].ballots_returned"),
        (entry(-1, 0, {}), "paper.entries[0].ballots_returned"),
        (entry(9, 0, {}) | {"ballots_spoilt": 1}, "paper.entries[0].ballots_spoilt"),
        (entry(9, 0, {"water": {"yes": -1}}), "paper.entries[0].counts.water.yes"),
        (entry(9, 0, {"water": {"yes": "7"}}), "paper.entries[0].counts.water.yes"),
        (entry(9, 0, {"water": {"maybe": 1}}), "paper.entries[0].counts.water.maybe"),
        (entry(9, 0, {"water": 7}), "paper.entries[0].counts.water"),
        (entry(9, 0, []), "paper.entries[0].counts"),
    ],
)
def test_malformed_teller_entry_names_the_field(bad_entry, field):
    assert malformed(selection(SLATE, seats=2, paper=[bad_entry, entry(9, 0, {})])).field == field


# -- check_differential --------------------------------------------------------


def test_check_differential_returns_the_ratio():
    assert check_differential(4, 6, (0.2, 0.5)) == Fraction(1, 2)


def test_check_differential_includes_both_bounds_exactly():
    # 6 for 5 is exactly 0.2; 0.2 as a double is slightly more than 1/5.
    assert check_differential(5, 6, [0.2, 0.5]) == Fraction(1, 5)
    assert check_differential(10, 15, [0.2, 0.5]) == Fraction(1, 2)


def test_check_differential_refuses_a_slate_below_the_minimum():
    with pytest.raises(MalformedInput) as caught:
        check_differential(10, 11, [0.2, 0.5])
    assert caught.value.field == "candidates"
    assert caught.value.message == e.DIFFERENTIAL_OUT_OF_BOUNDS.format(
        candidates=11, seats=10, ratio="0.1", low=0.2, high=0.5
    )


def test_check_differential_shows_a_repeating_ratio_to_three_places():
    with pytest.raises(MalformedInput) as caught:
        check_differential(3, 4, [0.5, 1])
    assert "= 0.333," in caught.value.message
    assert "[0.5, 1]" in caught.value.message


def test_check_differential_uses_the_default_bounds():
    with pytest.raises(MalformedInput):
        check_differential(2, 4)
    assert check_differential(2, 3) == Fraction(1, 2)
