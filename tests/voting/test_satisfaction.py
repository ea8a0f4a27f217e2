"""Worked examples of the satisfaction vote (voting-rules.md §2 and §3)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.voting import MalformedInput, SatisfactionRules, round_half_up, tally
from core.voting import errors as e

from .builders import rows, satisfaction

S, B, U = "satisfied", "basic", "unsatisfied"


def marks(*counts: tuple[str, int]) -> list[dict[str, object]]:
    """Ballots rating only ``water``: ``marks((S, 3), (U, 1))`` is four ballots."""
    return [{"water": mark} for mark, n in counts for _ in range(n)]


def water(ballots, **kwargs):
    return rows(tally(satisfaction(["water"], ballots, **kwargs)))["water"]


# -- Output --------------------------------------------------------------------


def test_spec_example_is_commended():
    ballots = marks((S, 50), (B, 20), (U, 8), ("so-so", 1))
    assert tally(satisfaction(["water"], ballots, deputies_total=79)) == {
        "kind": "satisfaction",
        "valid": True,
        "reason": None,
        "deputies_total": 79,
        "present": 79,
        "ballots_issued": 79,
        "ballots_cast": 79,
        "ballots_valid": 79,
        "ballots_invalid": 0,
        "results": [
            {
                "id": "water",
                "satisfied": 50,
                "basic": 20,
                "unsatisfied": 8,
                "invalid": 1,
                "valid": 78,
                "rate": 89.7,
                "mean_score": None,
                "band": "commend",
            }
        ],
    }


def test_results_follow_the_order_of_the_list():
    ballots = [{"b": S, "a": U, "c": B}]
    result = tally(satisfaction(["c", "a", "b"], ballots))
    assert [row["id"] for row in result["results"]] == ["c", "a", "b"]


def test_every_ballot_counts_as_cast_and_valid():
    ballots = [{"water": "nonsense"}, {}, {"water": S}]
    result = tally(satisfaction(["water"], ballots))
    assert (result["ballots_cast"], result["ballots_valid"], result["ballots_invalid"]) == (
        3,
        3,
        0,
    )


def test_rules_are_optional_for_a_satisfaction_vote():
    document = satisfaction(["water"], [{"water": S}])
    assert "rules" not in document
    assert tally(document)["results"][0]["band"] == "commend"


# -- Three-level scale ---------------------------------------------------------


def test_rate_counts_satisfied_and_basic_over_valid_marks():
    result = water(marks((S, 1), (B, 1), (U, 1)))
    assert (result["satisfied"], result["basic"], result["unsatisfied"]) == (1, 1, 1)
    assert result["rate"] == 66.7
    assert result["mean_score"] is None


def test_rate_is_rounded_half_up_not_to_even():
    # 1 of 16 is 6.25 %: round(6.25, 1) would give 6.2.
    assert round(6.25, 1) == 6.2
    assert water(marks((S, 1), (U, 15)))["rate"] == 6.3


def test_rate_rounds_up_from_exactly_half_a_tenth():
    # 1 of 2000 is 0.05 %.
    assert water(marks((B, 1), (U, 1999)))["rate"] == 0.1


def test_rate_of_exactly_85_is_commended():
    result = water(marks((S, 17), (U, 3)))
    assert (result["rate"], result["band"]) == (85.0, "commend")


def test_rate_just_below_85_is_normal():
    result = water(marks((S, 849), (U, 151)))
    assert (result["rate"], result["band"]) == (84.9, "normal")


def test_band_is_taken_from_the_rounded_rate():
    # 1699 of 2000 is 84.95 %, shown and banded as 85.0.
    result = water(marks((S, 1699), (U, 301)))
    assert (result["rate"], result["band"]) == (85.0, "commend")


def test_rate_of_exactly_60_is_normal():
    result = water(marks((B, 3), (U, 2)))
    assert (result["rate"], result["band"]) == (60.0, "normal")


def test_rate_below_60_starts_accountability():
    result = water(marks((S, 599), (U, 401)))
    assert (result["rate"], result["band"]) == (59.9, "accountability")


def test_rate_of_59_95_rounds_to_60_and_is_normal():
    result = water(marks((S, 1199), (U, 801)))
    assert (result["rate"], result["band"]) == (60.0, "normal")


def test_thresholds_can_be_set_per_vote():
    ballots = marks((S, 7), (U, 3))
    assert water(ballots)["band"] == "normal"
    assert water(ballots, commend_at=70)["band"] == "commend"
    assert water(ballots, account_below=80, commend_at=90)["band"] == "accountability"


def test_decimal_thresholds_compare_as_written():
    # 84.9 as a double is a little more than 84.9; the rate 84.9 still reaches it.
    assert water(marks((S, 849), (U, 151)), commend_at=84.9)["band"] == "commend"


@pytest.mark.parametrize("mark", ["SATISFIED", "very", 1, None, True, ["satisfied"], {"a": 1}])
def test_mark_not_on_the_scale_is_one_invalid_mark(mark):
    ballots = [{"water": mark, "roads": S}]
    result = rows(tally(satisfaction(["water", "roads"], ballots)))
    assert (result["water"]["invalid"], result["water"]["valid"]) == (1, 0)
    # The other mark on the same ballot still counts.
    assert (result["roads"]["satisfied"], result["roads"]["valid"]) == (1, 1)


def test_mark_for_a_project_not_on_the_list_is_ignored():
    ballots = [{"water": S, "stadium": U, "arena": "nonsense"}]
    result = tally(satisfaction(["water"], ballots))
    assert [row["id"] for row in result["results"]] == ["water"]
    assert result["results"][0]["invalid"] == 0
    assert result["results"][0]["valid"] == 1


def test_unmarked_project_is_not_counted():
    ballots = [{"water": S}, {"roads": U}]
    result = rows(tally(satisfaction(["water", "roads"], ballots)))
    assert (result["water"]["valid"], result["water"]["invalid"]) == (1, 0)
    assert result["water"]["rate"] == 100.0


def test_project_without_valid_marks_has_no_data():
    result = water([{"water": "nonsense"}, {}])
    assert result["rate"] is None
    assert result["mean_score"] is None
    assert result["band"] == "no_data"
    assert (result["valid"], result["invalid"]) == (0, 1)


# -- Score scale ---------------------------------------------------------------


def test_score_100_reports_the_mean_score_and_no_rate():
    result = water([{"water": 90}, {"water": 80}, {"water": 85}], scale="score_100")
    assert result == {
        "id": "water",
        "satisfied": 0,
        "basic": 0,
        "unsatisfied": 0,
        "invalid": 0,
        "valid": 3,
        "rate": None,
        "mean_score": 85.0,
        "band": "commend",
    }


def test_mean_score_is_rounded_half_up():
    # 321 / 4 = 80.25
    result = water([{"water": s} for s in (80, 80, 80, 81)], scale="score_100")
    assert result["mean_score"] == 80.3


def test_band_is_taken_from_the_rounded_mean_score():
    # 479 / 8 = 59.875 -> 59.9, below 60; 1199 / 20 = 59.95 -> 60.0, not below 60.
    below = [{"water": 60}] * 7 + [{"water": 59}]  # 479 / 8
    assert water(below, scale="score_100")["mean_score"] == 59.9
    assert water(below, scale="score_100")["band"] == "accountability"
    at = [{"water": 60}] * 19 + [{"water": 59}]  # 1199 / 20
    assert water(at, scale="score_100")["mean_score"] == 60.0
    assert water(at, scale="score_100")["band"] == "normal"


@pytest.mark.parametrize("score", [101, -1, 85.5, 85.0, "85", True, None, S, [85]])
def test_score_outside_0_to_100_or_not_an_integer_is_one_invalid_mark(score):
    ballots = [{"water": score, "roads": 70}, {"water": 90}]
    result = rows(tally(satisfaction(["water", "roads"], ballots, scale="score_100")))
    assert (result["water"]["invalid"], result["water"]["valid"]) == (1, 1)
    assert result["water"]["mean_score"] == 90.0
    assert result["roads"]["mean_score"] == 70.0


def test_true_is_not_a_score_of_one():
    # Python says True == 1; a ballot is not a Python program.
    ballots = [{"water": 1}, {"water": True}, {"water": 1.0}, {"water": 1}]
    result = water(ballots, scale="score_100")
    assert (result["valid"], result["invalid"], result["mean_score"]) == (2, 2, 1.0)


def test_scores_0_and_100_are_valid():
    result = water([{"water": 0}, {"water": 100}], scale="score_100")
    assert (result["valid"], result["mean_score"], result["band"]) == (2, 50.0, "accountability")


def test_score_project_without_valid_marks_has_no_data():
    result = water([{"water": 101}], scale="score_100")
    assert (result["mean_score"], result["band"]) == (None, "no_data")


# -- Validity of the whole vote ------------------------------------------------


def test_satisfaction_vote_without_quorum_is_void_but_still_counted():
    ballots = marks((S, 5))
    result = tally(satisfaction(["water"], ballots, deputies_total=10, present=5))
    assert result["valid"] is False
    assert result["reason"] == "quorum_not_met"
    assert result["results"][0]["satisfied"] == 5


def test_satisfaction_vote_with_more_ballots_than_issued_is_void():
    ballots = marks((S, 8))
    result = tally(satisfaction(["water"], ballots, deputies_total=10, ballots_issued=7))
    assert result["reason"] == "more_ballots_than_issued"


def test_satisfaction_output_fields_come_in_the_order_of_the_spec():
    result = tally(satisfaction(["water"], [{"water": S}]))
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
    ]
    assert list(result["results"][0]) == [
        "id",
        "satisfied",
        "basic",
        "unsatisfied",
        "invalid",
        "valid",
        "rate",
        "mean_score",
        "band",
    ]


# -- Malformed input -----------------------------------------------------------


def malformed(document):
    with pytest.raises(MalformedInput) as caught:
        tally(document)
    return caught.value


def test_paper_for_a_satisfaction_vote_is_malformed():
    document = satisfaction(["water"], [])
    del document["ballots"]
    document["paper"] = {"entries": []}
    error = malformed(document)
    assert (error.field, error.message) == ("paper", e.PAPER_NOT_FOR_SATISFACTION)


def test_unknown_scale_is_malformed():
    error = malformed(satisfaction(["water"], [], scale="five_level"))
    assert error.field == "rules.scale"
    assert error.message == e.UNKNOWN_VALUE.format(
        value='"five_level"', choices="three_level, score_100"
    )


def test_selection_rule_in_a_satisfaction_vote_is_malformed():
    error = malformed(satisfaction(["water"], [], seats=1))
    assert (error.field, error.message) == ("rules.seats", e.UNKNOWN_FIELD)


@pytest.mark.parametrize("value", [-1, 101, "85", True, float("nan")])
def test_thresholds_must_be_numbers_from_0_to_100(value):
    error = malformed(satisfaction(["water"], [], commend_at=value))
    assert error.field == "rules.commend_at"
    assert error.message == e.MUST_BE_NUMBER_BETWEEN.format(low=0, high=100)


def test_accountability_threshold_above_the_commend_threshold_is_malformed():
    error = malformed(satisfaction(["water"], [], commend_at=50))
    assert error.field == "rules.account_below"
    assert error.message == e.ACCOUNT_ABOVE_COMMEND.format(commend_at=50)


def test_duplicate_project_ids_are_malformed():
    assert malformed(satisfaction(["water", "water"], [])).field == "candidates[1].id"


def test_category_is_optional_but_must_be_a_string():
    document = satisfaction(["water"], [])
    document["candidates"][0]["category"] = 3
    assert malformed(document).field == "candidates[0].category"


def test_satisfaction_ballot_that_is_not_an_object_is_malformed():
    assert malformed(satisfaction(["water"], [{"water": S}, "satisfied"])).field == "ballots[1]"


def test_satisfaction_present_greater_than_total_is_malformed():
    error = malformed(satisfaction(["water"], [], deputies_total=5, present=6))
    assert error.field == "present"


# -- Rounding and bands --------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(625, 100, "6.3"), (624, 100, "6.2"), (2, 3, "0.7"), (1, 20, "0.1"), (0, 7, "0.0")],
)
def test_round_half_up_gives_one_decimal(numerator, denominator, expected):
    assert round_half_up(numerator, denominator) == Decimal(expected)


def test_band_of_no_value_is_no_data():
    assert SatisfactionRules().band(None) == "no_data"


def test_band_thresholds_are_inclusive_for_commend_and_exclusive_for_accountability():
    rules = SatisfactionRules()
    assert rules.band(Decimal("85.0")) == "commend"
    assert rules.band(Decimal("84.9")) == "normal"
    assert rules.band(Decimal("60.0")) == "normal"
    assert rules.band(Decimal("59.9")) == "accountability"
