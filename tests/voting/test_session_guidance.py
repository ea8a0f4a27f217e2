"""The guidance of a voting session, without a database: the candidates the differential
allows (always the engine's own answer), the checklist at each stage, and the sentence
saying whose turn it is, in Chinese and in English."""

import datetime

import pytest
from django.utils import translation

from core.models.voting import SessionStatus
from core.selectors.differential import (
    as_percent,
    candidate_range,
    fits,
    no_slate_fits,
    slate_change,
)
from core.selectors.session_guide import SessionFacts, build_guide, checklist, whose_turn
from core.voting import MalformedInput, check_differential

NAMES = {"congress": "东湖镇人大办", "party": "东湖镇党委办"}


def facts(status=SessionStatus.DRAFT, **kwargs) -> SessionFacts:
    values = {"kind": "selection", "seats": 3, "deputies_total": 8, **NAMES}
    values.update(kwargs)
    return SessionFacts(status=status, **values)


def states(guide_facts: SessionFacts) -> dict[str, str]:
    return {stage.key: stage.state for stage in checklist(guide_facts)}


# -- the differential ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("seats", "bounds", "expected"),
    [
        (1, (0.2, 0.5), None),
        (2, (0.2, 0.5), (3, 3)),
        (3, (0.2, 0.5), (4, 4)),
        (5, (0.2, 0.5), (6, 7)),
        (10, (0.2, 0.5), (12, 15)),
        (1, (0.2, 1), (2, 2)),
        (1, (0, 0), (1, 1)),
        (4, (0.25, 0.25), (5, 5)),
    ],
)
def test_the_candidate_range_for_the_seats(seats, bounds, expected):
    assert candidate_range(seats, bounds) == expected


@pytest.mark.parametrize("bounds", [(0.2, 0.5), (0, 1), (0.3, 0.3), (0.1, 0.25), (0.5, 2)])
def test_the_range_never_disagrees_with_the_engines_check(bounds):
    for seats in range(1, 25):
        allowed = candidate_range(seats, bounds)
        for n in range(0, 4 * seats + 3):
            try:
                check_differential(seats, n, bounds)
                accepted = True
            except MalformedInput:
                accepted = False
            inside = allowed is not None and allowed[0] <= n <= allowed[1]
            assert accepted == inside == fits(seats, n, bounds), (seats, n, bounds)


def test_one_seat_at_20_to_50_percent_says_what_would_fit():
    stuck = no_slate_fits(1, (0.2, 0.5))
    assert stuck is not None
    assert stuck.needed_high == 1 and stuck.other_seats == 2
    # the ways out really do fit
    assert candidate_range(1, (0.2, 1)) is not None
    assert candidate_range(2, (0.2, 0.5)) is not None
    assert no_slate_fits(2, (0.2, 0.5)) is None


def test_how_many_candidates_to_add_or_remove():
    assert slate_change(2, 2, (0.2, 0.5)) == 1
    assert slate_change(2, 5, (0.2, 0.5)) == -2
    assert slate_change(3, 4, (0.2, 0.5)) == 0
    assert slate_change(1, 3, (0.2, 0.5)) is None


def test_ratios_are_shown_as_percentages():
    assert as_percent(0.2) == "20 %"
    assert as_percent(1) == "100 %"
    assert as_percent(0.125) == "12.5 %"


# -- the checklist, stage by stage ----------------------------------------------------


def test_a_new_session_builds_its_slate_next():
    guide_facts = facts(available=5)
    assert states(guide_facts) == {
        "rules": "done",
        "slate": "current",
        "approval": "todo",
        "attendance": "todo",
        "open": "todo",
        "close": "todo",
        "count": "todo",
        "announce": "todo",
    }
    guide = build_guide(guide_facts)
    assert guide.available == 5
    assert guide.allowed == (4, 4)


def test_rules_no_slate_can_satisfy_keep_the_rules_current():
    guide_facts = facts(seats=1, rules_problem="change the seats")
    assert states(guide_facts)["rules"] == "current"
    assert states(guide_facts)["slate"] == "todo"
    guide = build_guide(guide_facts)
    assert guide.allowed is None and guide.allowed_text is None
    assert checklist(guide_facts)[0].note == "change the seats"


def test_a_slate_outside_the_differential_keeps_the_slate_current():
    assert states(facts(slate_size=6, slate_problem="remove 2"))["slate"] == "current"


def test_a_fitting_slate_waits_for_the_party_approval():
    got = states(facts(slate_size=4, open_steps=frozenset({"approve_slate"})))
    assert got["slate"] == "done" and got["approval"] == "current"


def test_attendance_may_be_recorded_before_the_approval():
    got = states(facts(slate_size=4, present=6))
    assert got["attendance"] == "done" and got["approval"] == "current"


def test_an_approved_slate_needs_attendance_with_a_quorum():
    assert states(facts(SessionStatus.SLATE_APPROVED, slate_size=4))["attendance"] == "current"
    no_quorum = facts(SessionStatus.SLATE_APPROVED, slate_size=4, present=4)
    assert states(no_quorum)["attendance"] == "current"
    ready = states(facts(SessionStatus.SLATE_APPROVED, slate_size=4, present=5))
    assert ready["attendance"] == "done" and ready["open"] == "current"


def test_open_closed_counted_and_announced():
    assert states(facts(SessionStatus.OPEN, present=8))["close"] == "current"
    closed = states(facts(SessionStatus.CLOSED, present=8))
    assert closed["close"] == "done" and closed["count"] == "current"
    opened = states(facts(SessionStatus.CLOSED, present=8, unsealed=True))
    assert opened["count"] == "current"  # opened, but no teller confirmed the count yet
    confirmed = states(facts(SessionStatus.CLOSED, present=8, unsealed=True, count_confirmed=True))
    assert confirmed["count"] == "done" and confirmed["announce"] == "current"
    assert set(states(facts(SessionStatus.ANNOUNCED, present=8)).values()) == {"done"}
    void = checklist(facts(SessionStatus.VOID, present=3))
    assert {s.state for s in void} == {"done"} and void[-1].note


def test_a_paper_count_is_the_tellers_entries():
    one = facts(SessionStatus.CLOSED, paper=True, present=8, paper_entries=1)
    stages = {s.key: s for s in checklist(one)}
    with translation.override("en"):
        assert str(checklist(one)[6].label) == "Tellers' counts"
    assert stages["count"].state == "current"
    differ = facts(SessionStatus.CLOSED, paper=True, present=8, paper_entries=2)
    assert states(differ)["count"] == "current"
    agree = facts(SessionStatus.CLOSED, paper=True, present=8, paper_entries=2, paper_agree=True)
    assert states(agree)["count"] == "done" and states(agree)["announce"] == "current"


def test_a_satisfaction_vote_rates_projects_and_has_no_differential():
    guide_facts = facts(kind="satisfaction", seats=None, available=2)
    with translation.override("en"):
        assert checklist(guide_facts)[1].label == "Projects to rate"
    assert build_guide(guide_facts).allowed is None


def test_done_stages_carry_their_dates_and_later_ones_do_not():
    day = datetime.date(2026, 3, 1)
    guide_facts = facts(
        SessionStatus.OPEN, present=8, dates={"approval": day, "open": day, "close": day}
    )
    stages = {s.key: s for s in checklist(guide_facts)}
    assert stages["approval"].when == day and stages["open"].when == day
    assert stages["close"].when is None  # not closed yet, whatever the facts say


def test_a_runoff_starts_with_its_slate_approved():
    got = checklist(facts(SessionStatus.SLATE_APPROVED, runoff=True, slate_size=2, present=8))
    assert [s.state for s in got[:4]] == ["done"] * 4
    assert got[2].note


# -- whose turn -----------------------------------------------------------------------


def test_whose_turn_in_chinese_and_english():
    pending = facts(slate_size=4, open_steps=frozenset({"approve_slate"}))
    with translation.override("zh-hans"):
        assert whose_turn(pending) == (
            "东湖镇党委办审批候选项目名单；之后由东湖镇人大办登记出席并开始投票。"
        )
    with translation.override("en"):
        assert whose_turn(pending) == (
            "东湖镇党委办 approves the slate; then 东湖镇人大办 records attendance and "
            "opens voting."
        )


@pytest.mark.parametrize(
    ("guide_facts", "english"),
    [
        (facts(available=5), "builds the slate from the 5 Party-approved candidates"),
        (facts(available=2), "Too few Party-approved candidates for the slate (2, at least 4"),
        (facts(kind="satisfaction", available=2), "puts the 2 projects to rate on the slate"),
        (facts(kind="satisfaction"), "No project awaits this rating yet"),
        (facts(rules_problem="x"), "changes the rules"),
        (facts(slate_size=2, open_steps=frozenset({"revise_slate"})), "revises the slate"),
        (facts(slate_size=6, slate_problem="remove 2"), "corrects the slate"),
        (
            facts(SessionStatus.SLATE_APPROVED, keys_set=1),
            "The tellers set their counting keys (1 of at least 3)",
        ),
        (facts(SessionStatus.SLATE_APPROVED, paper=True), "records attendance; then it opens"),
        (facts(SessionStatus.SLATE_APPROVED, keys_set=3, present=8), "opens voting; then"),
        (facts(SessionStatus.OPEN, present=8, ballots_cast=5), "(5 of 8 present have voted)"),
        (facts(SessionStatus.CLOSED, present=8), "The tellers open the sealed ballots"),
        (
            facts(SessionStatus.CLOSED, paper=True, paper_entries=1),
            "The tellers enter their counts (1 of 2 entered)",
        ),
        (facts(SessionStatus.CLOSED, paper=True, paper_entries=2), "recount"),
        (facts(SessionStatus.CLOSED, unsealed=True), "check the count of the opened ballots"),
        (
            facts(SessionStatus.CLOSED, unsealed=True, count_confirmed=True),
            "checks the count and announces",
        ),
        (facts(SessionStatus.ANNOUNCED), "the elected projects go on"),
        (facts(SessionStatus.ANNOUNCED, runoff_pending=True), "go to a runoff"),
        (facts(SessionStatus.VOID), "announced void"),
    ],
)
def test_whose_turn_at_every_stage(guide_facts, english):
    with translation.override("en"):
        sentence = whose_turn(guide_facts)
    assert english in sentence
    assert sentence.count(".") == 1 and sentence.endswith(".")  # one sentence
    with translation.override("zh-hans"):
        chinese = whose_turn(guide_facts)
    assert chinese != sentence and chinese.endswith("。")
