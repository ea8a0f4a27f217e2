"""Voting sessions end to end: the flow's walk, rules, slate, attendance, the engine's
count, the announcement releasing the cases, runoffs, paper counts and the export."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from core import messages as vm
from core.models import Stage
from core.models.voting import (
    Ballot,
    PaperTally,
    Participation,
    SealedBallot,
    SessionKind,
    SessionMethod,
    SessionStatus,
    VotingSession,
)
from core.services import voting as services
from core.services.organisation import role_assign
from core.services.steps import StepRefused
from core.voting import tally
from permissions.roles import Role

from .session_setup import (
    CODE,
    approved_session,
    cast_all,
    close_and_announce,
    deputies,
    fresh_user,
    ids,
    open_session,
    set_teller_keys,
)

pytestmark = pytest.mark.django_db


def candidates(make_case, n, code=CODE, to="candidate"):
    return [make_case(code, to=to).project for _ in range(n)]


def steps(session, status=STATUS.DONE):
    return [
        t.flow_task.name
        for t in Task.objects.filter(process=session.process, status=status).order_by("pk")
    ]


def congress(world, code=CODE):
    return world.users[(code, Role.CONGRESS_OFFICE)]


def party(world, code=CODE):
    return world.users[(code, Role.PARTY_OFFICE)]


def test_a_project_vote_walks_from_creation_to_the_announcement(world, make_case):
    a, b, c = candidates(make_case, 3)
    session = approved_session(world, [a, b, c], rules={"seats": 2})
    assert session.status == SessionStatus.SLATE_APPROVED
    assert steps(session) == ["create", "check_runoff", "approve_slate", "check_slate_approved"]
    assert steps(session, STATUS.NEW) == ["open_session"]

    services.session_record_attendance(actor=congress(world), session=session, present=deputies())
    set_teller_keys(world, session)
    services.session_open(actor=congress(world), session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN and session.ballots_issued == 8
    assert session.public_key and session.key_shares.count() == 3  # 2 of 3 tellers

    ballots = [{ids([a])[0]: "yes", ids([b])[0]: "yes", ids([c])[0]: "no"}] * 6 + [
        {ids([a])[0]: "yes", ids([b])[0]: "no", ids([c])[0]: "yes"}
    ] * 2
    trackers = cast_all(session, ballots)
    assert len(set(trackers)) == 8
    assert SealedBallot.objects.filter(session=session).count() == 8
    assert not Ballot.objects.filter(session=session).exists()
    assert Participation.objects.filter(session=session).count() == 8

    session = close_and_announce(world, session)
    assert session.status == SessionStatus.ANNOUNCED
    assert session.result["elected"] == ids([a, b])
    assert [r["yes"] for r in session.result["results"]] == [8, 6, 2]
    assert session.process.status == PROCESS.DONE
    assert steps(session)[-6:] == [
        "close_session",
        "check_paper",
        "count_ballots",
        "announce",
        "check_valid",
        "announced",
    ]
    # Opened: plaintext ballots, the trackers published apart, nothing sealed, no key left.
    assert Ballot.objects.filter(session=session).count() == 8
    assert sorted(session.counted_trackers.values_list("tracker", flat=True)) == sorted(trackers)
    assert not SealedBallot.objects.filter(session=session).exists()
    assert not session.key_shares.exists() and not session.teller_keys.exists()
    assert session.public_key == ""

    a.refresh_from_db(), b.refresh_from_db(), c.refresh_from_db()
    assert (a.stage, a.vote_yes, a.vote_rank) == (Stage.PLANNING, 8, 1)
    assert (b.stage, b.vote_yes, b.vote_rank) == (Stage.PLANNING, 6, 2)
    assert (c.stage, c.elected) == (Stage.NOT_ELECTED, False)
    reasons = list(session.history.values_list("history_change_reason", flat=True))
    assert _("Result announced") in reasons and _("Voting closed") in reasons


def test_rules_default_to_the_spec(world):
    session = services.session_create(
        actor=congress(world),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 5},
    )
    assert session.rules == {
        "seats": 5,
        "differential": [0.2, 0.5],
        "mode": "for_against_abstain",
        "max_approvals": 5,
        "min_per_category": 0,
        "threshold": "majority_of_all",
        "tie_policy": "include_all",
    }
    assert session.deputies_total == 8
    rating = services.session_create(
        actor=congress(world),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SATISFACTION,
    )
    assert rating.rules == {"scale": "three_level", "commend_at": 85, "account_below": 60}


def test_an_unknown_rule_value_is_refused_naming_the_rule(world):
    with pytest.raises(ValidationError) as refused:
        services.session_create(
            actor=congress(world),
            jurisdiction=world.jurisdictions[CODE],
            year=2026,
            kind=SessionKind.SELECTION,
            rules={"seats": 2, "tie_policy": "coin_toss"},
        )
    assert "tie_policy" in refused.value.message_dict
    assert not VotingSession.objects.exists()


def test_paper_counting_is_for_the_project_vote_only(world):
    with pytest.raises(ValidationError) as refused:
        services.session_create(
            actor=congress(world),
            jurisdiction=world.jurisdictions[CODE],
            year=2026,
            kind=SessionKind.SATISFACTION,
            method=SessionMethod.PAPER,
        )
    assert refused.value.message_dict["method"] == [str(vm.PAPER_ONLY_FOR_SELECTION)]


def test_only_the_congress_office_creates_sessions(world, user_of):
    with pytest.raises(PermissionDenied):
        services.session_create(
            actor=user_of(CODE, Role.PARTY_OFFICE),
            jurisdiction=world.jurisdictions[CODE],
            year=2026,
            kind=SessionKind.SELECTION,
            rules={"seats": 1},
        )


def test_a_slate_outside_the_differential_is_refused_naming_ratio_and_bounds(world, make_case):
    projects = candidates(make_case, 2)
    session = services.session_create(
        actor=congress(world),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 2},
    )
    with pytest.raises(ValidationError) as refused:
        services.session_build_slate(actor=congress(world), session=session, projects=projects)
    message = refused.value.message_dict["candidates"][0]
    # what to do first, in plain words; the ratio and its bounds after it, as context
    plain = vm.SLATE_ADD_CANDIDATES % {
        "seats": 2,
        "needs": vm.CANDIDATES_EXACTLY % {"n": 3},
        "n": 2,
        "k": 1,
    }
    context = str(vm.SLATE_OUTSIDE_DIFFERENTIAL) % {
        "candidates": 2,
        "seats": 2,
        "ratio": "0",
        "low": 0.2,
        "high": 0.5,
    }
    assert message == f"{plain} {context}"
    assert "0.2" in message and "0.5" in message
    assert not session.candidates.exists()


def test_the_slate_holds_only_party_approved_candidates_of_the_year(world, make_case):
    candidate = make_case(CODE, to="candidate").project
    studying = make_case(CODE, to="study").project
    elsewhere = make_case("qh-xs", to="candidate").project
    session = services.session_create(
        actor=congress(world),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 1, "differential": [0, 1]},
    )
    assert list(services.eligible_projects(session)) == [candidate]
    for other in (studying, elsewhere):
        with pytest.raises(ValidationError) as refused:
            services.session_build_slate(
                actor=congress(world), session=session, projects=[candidate, other]
            )
        assert refused.value.message_dict["projects"] == [
            str(vm.SLATE_PROJECT_NOT_AVAILABLE % {"title": other.title})
        ]


def test_only_the_party_office_approves_the_slate(world, make_case):
    projects = candidates(make_case, 3)
    session = services.session_create(
        actor=congress(world),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 2},
    )
    services.session_build_slate(actor=congress(world), session=session, projects=projects)
    with pytest.raises(PermissionDenied):
        services.session_approve_slate(actor=congress(world), session=session)
    other_party = world.users[("qh-xs", Role.PARTY_OFFICE)]
    with pytest.raises(PermissionDenied):
        services.session_approve_slate(actor=other_party, session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT


def test_a_returned_slate_is_revised_and_approved(world, make_case):
    projects = candidates(make_case, 4)
    session = services.session_create(
        actor=congress(world),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 3},
    )
    services.session_build_slate(actor=congress(world), session=session, projects=projects)
    with pytest.raises(ValidationError):
        services.session_approve_slate(actor=party(world), session=session, approved=False)
    services.session_approve_slate(
        actor=party(world), session=session, approved=False, comment="请删去重复项目"
    )
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT and session.slate_comment == "请删去重复项目"
    assert steps(session, STATUS.NEW) == ["revise_slate"]
    services.session_build_slate(actor=congress(world), session=session, projects=projects[:4])
    services.session_submit_slate(actor=congress(world), session=session)
    services.session_approve_slate(actor=party(world), session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.SLATE_APPROVED
    assert steps(session).count("approve_slate") == 2


def test_opening_without_a_quorum_is_refused(world, make_case):
    projects = candidates(make_case, 3)
    session = approved_session(world, projects, rules={"seats": 2})
    services.session_record_attendance(
        actor=congress(world), session=session, present=deputies()[:4]
    )
    with pytest.raises(ValidationError) as refused:
        services.session_open(actor=congress(world), session=session)
    assert refused.value.message_dict["present"] == [
        str(vm.QUORUM_NOT_PRESENT % {"present": 4, "total": 8})
    ]
    session.refresh_from_db()
    assert session.status == SessionStatus.SLATE_APPROVED


def test_attendance_is_fixed_once_voting_opens(world, make_case):
    session = open_session(world, candidates(make_case, 3), rules={"seats": 2})
    with pytest.raises(StepRefused) as refused:
        services.session_record_attendance(
            actor=congress(world), session=session, present=deputies()[:5]
        )
    assert refused.value.message == vm.ATTENDANCE_LOCKED
    assert session.attendance.filter(present=True).count() == 8


def test_a_deputy_of_another_jurisdiction_cannot_be_marked_present(world, make_case):
    session = approved_session(world, candidates(make_case, 3), rules={"seats": 2})
    with pytest.raises(ValidationError):
        services.session_record_attendance(
            actor=congress(world), session=session, present=deputies("qh-xs")[:1]
        )


def test_a_tie_under_runoff_opens_a_follow_up_session_for_the_open_seats(world, make_case):
    a, b, c, d = projects = candidates(make_case, 4)
    session = open_session(
        world,
        projects,
        rules={"seats": 2, "differential": [0, 1], "tie_policy": "runoff", "threshold": "none"},
    )
    ia, ib, ic, id_ = ids(projects)
    # a: 8 for; b and c tied at 4 across the last seat; d: none.
    cast_all(session, [{ia: "yes", ib: "yes", id_: "no"}] * 4 + [{ia: "yes", ic: "yes"}] * 4)
    session = close_and_announce(world, session)
    result = session.result
    by_id = {r["id"]: r for r in result["results"]}
    assert by_id[ib]["yes"] == by_id[ic]["yes"] == 4
    assert result["elected"] == [ia] and result["runoff"] == [ib, ic]
    assert result["runoff_seats"] == 1

    for p in projects:
        p.refresh_from_db()
    assert a.stage == Stage.PLANNING
    assert d.stage == Stage.NOT_ELECTED
    assert b.stage == c.stage == Stage.CANDIDATE  # still waiting for the runoff

    runoff = session.runoffs.get()
    assert runoff.status == SessionStatus.SLATE_APPROVED
    assert [c_.project_id for c_ in runoff.candidates.order_by("order")] == [b.pk, c.pk]
    assert runoff.rules["seats"] == 1 and runoff.rules["max_approvals"] == 1
    assert runoff.attendance.filter(present=True).count() == 8
    assert steps(runoff, STATUS.NEW) == ["open_session"]  # no second approval

    set_teller_keys(world, runoff)  # a new vote: new keys
    services.session_open(actor=congress(world), session=runoff)
    runoff.refresh_from_db()
    cast_all(runoff, [{ib: "yes"}] * 6 + [{ic: "yes"}] * 2)
    runoff = close_and_announce(world, runoff)
    assert runoff.result["elected"] == [ib]
    b.refresh_from_db(), c.refresh_from_db()
    assert b.stage == Stage.PLANNING and b.vote_yes == 6
    assert c.stage == Stage.NOT_ELECTED


def test_the_satisfaction_vote_rates_the_years_projects(world, make_case):
    projects = candidates(make_case, 2, to="evaluation")
    good, poor = projects
    session = open_session(world, projects, kind=SessionKind.SATISFACTION)
    assert list(session.candidates.values_list("project_id", flat=True)) == [good.pk, poor.pk]
    ig, ip = ids(projects)
    cast_all(
        session,
        [{ig: "satisfied", ip: "unsatisfied"}] * 7 + [{ig: "basic", ip: "satisfied"}],
    )
    session = close_and_announce(world, session)
    good.refresh_from_db(), poor.refresh_from_db()
    assert float(good.satisfaction_rate) == 100.0 and good.band == "commend"
    assert good.stage == Stage.CLOSED
    assert float(poor.satisfaction_rate) == 12.5 and poor.band == "accountability"
    assert poor.stage == Stage.ACCOUNTABILITY


def second_teller(world, code=CODE):
    from django.contrib.auth.models import User

    user = User.objects.create_user(f"{code}.teller2", password="x")
    role_assign(actor=None, user=user, role=Role.TELLER, jurisdiction=world.jurisdictions[code])
    return fresh_user(user)


def paper_counts(projects, yes):
    return {
        pid: {"yes": n, "no": 8 - n, "abstain": 0}
        for pid, n in zip(ids(projects), yes, strict=True)
    }


def test_a_paper_vote_is_announced_only_when_both_tellers_agree(world, make_case, user_of):
    projects = candidates(make_case, 3)
    session = open_session(world, projects, method=SessionMethod.PAPER, rules={"seats": 2})
    first, second = user_of(CODE, Role.TELLER), second_teller(world)
    with pytest.raises(StepRefused) as refused:
        services.paper_entry_submit(
            actor=first, session=session, ballots_returned=8, ballots_invalid=0, counts={}
        )
    assert refused.value.message == vm.PAPER_NOT_CLOSED
    services.session_close(actor=congress(world), session=session)

    services.paper_entry_submit(
        actor=first,
        session=session,
        ballots_returned=8,
        ballots_invalid=0,
        counts=paper_counts(projects, [8, 6, 2]),
    )
    with pytest.raises(StepRefused) as refused:
        services.session_announce(actor=congress(world), session=session)
    assert refused.value.message == vm.PAPER_ENTRIES_MISSING

    services.paper_entry_submit(
        actor=second,
        session=session,
        ballots_returned=8,
        ballots_invalid=0,
        counts=paper_counts(projects, [8, 5, 2]),
    )
    with pytest.raises(StepRefused) as refused:
        services.session_announce(actor=congress(world), session=session)
    assert refused.value.message == vm.PAPER_TELLERS_DISAGREE
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED

    # the second teller recounts and corrects
    services.paper_entry_submit(
        actor=second,
        session=session,
        ballots_returned=8,
        ballots_invalid=0,
        counts=paper_counts(projects, [8, 6, 2]),
    )
    services.session_announce(actor=congress(world), session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.ANNOUNCED
    assert session.result["elected"] == ids(projects[:2])
    assert PaperTally.objects.filter(session=session).count() == 3  # every entry kept
    assert PaperTally.history.filter(session_id=session.pk).count() == 3


def test_a_third_teller_is_refused(world, make_case, user_of):
    from django.contrib.auth.models import User

    projects = candidates(make_case, 3)
    session = open_session(world, projects, method=SessionMethod.PAPER, rules={"seats": 2})
    services.session_close(actor=congress(world), session=session)
    tellers = [user_of(CODE, Role.TELLER), second_teller(world)]
    third = User.objects.create_user("third.teller", password="x")
    role_assign(actor=None, user=third, role=Role.TELLER, jurisdiction=world.jurisdictions[CODE])
    tellers.append(fresh_user(third))
    for teller in tellers[:2]:
        services.paper_entry_submit(
            actor=teller, session=session, ballots_returned=8, ballots_invalid=0, counts={}
        )
    with pytest.raises(StepRefused) as refused:
        services.paper_entry_submit(
            actor=tellers[2], session=session, ballots_returned=8, ballots_invalid=0, counts={}
        )
    assert refused.value.message == vm.PAPER_THIRD_TELLER


def test_a_void_vote_is_announced_void_and_releases_no_case(world, make_case, user_of):
    projects = candidates(make_case, 3)
    session = open_session(world, projects, method=SessionMethod.PAPER, rules={"seats": 2})
    services.session_close(actor=congress(world), session=session)
    for teller in (user_of(CODE, Role.TELLER), second_teller(world)):
        services.paper_entry_submit(
            actor=teller,
            session=session,
            ballots_returned=9,  # one more than the 8 issued
            ballots_invalid=0,
            counts=paper_counts(projects, [8, 6, 2]),
        )
    services.session_announce(actor=congress(world), session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.VOID
    assert session.result["reason"] == "more_ballots_than_issued"
    assert session.process.status == PROCESS.DONE
    assert steps(session)[-1] == "void"
    for project in projects:
        project.refresh_from_db()
        assert project.stage == Stage.CANDIDATE
    # the candidates can go on a new slate
    again = services.session_create(
        actor=congress(world),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 2},
    )
    assert set(services.eligible_projects(again)) == set(projects)


def test_a_project_on_a_live_slate_cannot_go_on_another(world, make_case):
    projects = candidates(make_case, 3)
    approved_session(world, projects, rules={"seats": 2})
    other = services.session_create(
        actor=congress(world),
        jurisdiction=world.jurisdictions[CODE],
        year=2026,
        kind=SessionKind.SELECTION,
        rules={"seats": 2},
    )
    assert list(services.eligible_projects(other)) == []
    with pytest.raises(ValidationError) as refused:
        services.session_build_slate(actor=congress(world), session=other)
    assert refused.value.message_dict["projects"] == [str(vm.SLATE_EMPTY)]


def test_announcing_before_close_is_refused(world, make_case):
    session = open_session(world, candidates(make_case, 3), rules={"seats": 2})
    with pytest.raises(StepRefused):
        services.session_announce(actor=congress(world), session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN and session.result is None


def test_the_exported_ballots_tally_to_the_announced_result(world, make_case, tmp_path):
    """The web session and `manage.py tally` give the same result for the same ballots."""
    projects = candidates(make_case, 6)
    session = open_session(
        world,
        projects,
        rules={"seats": 5, "min_per_category": 0, "threshold": "majority_of_present"},
    )
    pid = ids(projects)
    ballots = [
        {pid[0]: "yes", pid[1]: "yes", pid[2]: "no", pid[3]: "yes"},
        {pid[0]: "yes", pid[2]: "yes", pid[4]: "abstain", pid[5]: "yes"},
        {pid[1]: "yes", pid[2]: "yes", pid[3]: "yes", pid[4]: "yes", pid[5]: "no"},
        {},
        {pid[0]: "no", pid[1]: "no"},
        {pid[0]: "yes", pid[1]: "yes", pid[2]: "yes", pid[3]: "yes", pid[4]: "yes"},
        {pid[5]: "yes", pid[4]: "yes", pid[3]: "abstain"},
        {pid[0]: "yes", pid[3]: "yes"},
    ]
    cast_all(session, ballots)
    session = close_and_announce(world, session)

    document = services.ballots_export(actor=congress(world), session=session)

    def canonical(items):
        return sorted(json.dumps(b, sort_keys=True) for b in items)

    assert canonical(document["ballots"]) == canonical(ballots)
    assert "receipt" not in json.dumps(document)
    assert tally(document) == session.result

    path = tmp_path / "ballots.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("tally", str(path), stdout=out)
    assert json.loads(out.getvalue()) == session.result


def test_the_export_waits_for_the_announcement_and_stays_in_the_jurisdiction(world, make_case):
    session = open_session(world, candidates(make_case, 3), rules={"seats": 2})
    with pytest.raises(StepRefused) as refused:
        services.ballots_export(actor=congress(world), session=session)
    assert refused.value.message == vm.NOT_ANNOUNCED
    session = close_and_announce(world, session)
    with pytest.raises(PermissionDenied):
        services.ballots_export(actor=congress(world, "qh-xs"), session=session)
    # The individual ballots go to the tellers and the congress office, for a recount;
    # readers of the jurisdiction (a supervisor, the Party office, a deputy) see totals.
    assert services.ballots_export(actor=congress(world), session=session)["kind"]
    assert services.ballots_export(actor=world.users[(CODE, "teller3")], session=session)
    for reader in (
        world.users[("qh", Role.SUPERVISOR)],
        party(world),
        deputies()[0].user,
    ):
        with pytest.raises(PermissionDenied) as refused:
            services.ballots_export(actor=fresh_user(reader), session=session)
        assert str(refused.value) == str(vm.BALLOTS_NOT_YOURS)
