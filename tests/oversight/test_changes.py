"""Changes after the vote (adjust, stop, replace) and the phases of a multi-year project."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.status import PROCESS, STATUS

from core import oversight_messages as om
from core.models import AuditEntry, Stage
from core.models.changes import ChangeStatus, ProjectChange, ProjectPhase
from core.selectors import tasks as task_selectors
from core.services import changes
from permissions.roles import Role

pytestmark = pytest.mark.django_db

DECIDED = datetime.date(2026, 6, 28)


@pytest.fixture
def gov(user_of):
    return lambda code="qh": user_of(code, Role.GOVERNMENT_OFFICE)


def test_an_approved_adjustment_changes_the_case_and_keeps_what_it_was(make_case, gov, congress):
    case = make_case("qh", to="implementing")
    old_budget = case.project.budget
    change = changes.change_propose(
        actor=gov(),
        project=case.project,
        kind="adjust",
        reason="建材价格上涨，需追加预算并顺延工期。",
        new_budget=Decimal("480"),
        new_deadline=datetime.date(2026, 12, 31),
    )
    assert change.status == ChangeStatus.PROPOSED
    case.refresh()
    assert case.project.budget == old_budget
    decided = changes.change_decide(
        actor=congress(), change=change, approved=True, decided_on=DECIDED
    )
    case.refresh()
    assert case.project.budget == Decimal("480")
    assert case.project.deadline == datetime.date(2026, 12, 31)
    assert decided.decision_body == "committee"
    assert decided.previous["budget"] == str(old_budget)
    assert change.reason in case.project.history.first().history_change_reason
    assert AuditEntry.objects.filter(action="change.decide", target_id=str(change.pk)).exists()


def test_a_stop_ends_the_case_and_its_open_steps(make_case, gov, congress, world):
    case = make_case("qh", to="implementing")
    change = changes.change_propose(
        actor=gov(), project=case.project, kind="stop", reason="上级专项资金未到位，无法实施。"
    )
    changes.change_decide(actor=congress(), change=change, approved=True, decided_on=DECIDED)
    case.refresh()
    assert case.project.stage == Stage.STOPPED
    assert case.project.process.status == PROCESS.CANCELED
    assert not case.project.process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED])
    clerk = world.users[("qh", case.dept)]
    assert not task_selectors.inbox(clerk).filter(process=case.project.process).exists()


def test_a_township_decides_by_its_presidium_and_a_replacement_names_its_successor(
    make_case, gov, congress
):
    case = make_case("qh-dh", to="implementing")
    successor = make_case("qh-dh", to="not_elected")
    change = changes.change_propose(
        actor=gov("qh-dh"),
        project=case.project,
        kind="replace",
        reason="选址与规划冲突，以得票次高的项目替换。",
        replacement=successor.project,
    )
    decided = changes.change_decide(
        actor=congress("qh-dh"), change=change, approved=True, decided_on=DECIDED
    )
    assert decided.decision_body == "presidium"
    assert decided.replacement == successor.project
    case.refresh()
    assert case.project.stage == Stage.STOPPED


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"kind": "stop", "reason": " "}, "reason", om.CHANGE_REASON_REQUIRED),
        ({"kind": "adjust", "reason": "调整"}, "new_content", om.CHANGE_NOTHING_ADJUSTED),
        ({"kind": "replace", "reason": "替换"}, "replacement", om.CHANGE_REPLACEMENT_REQUIRED),
        (
            {"kind": "adjust", "reason": "调整", "new_deadline": datetime.date(2025, 1, 1)},
            "new_deadline",
            om.CHANGE_DEADLINE_BEFORE_VOTE,
        ),
    ],
)
def test_a_change_without_a_reason_or_substance_writes_nothing(
    make_case, gov, values, field, message
):
    case = make_case("qh", to="implementing")
    with pytest.raises(ValidationError) as error:
        changes.change_propose(actor=gov(), project=case.project, **values)
    assert error.value.message_dict[field] == [str(message)]
    assert not ProjectChange.objects.filter(project=case.project).exists()


def test_changes_are_proposed_by_the_government_and_decided_by_the_congress_office(
    make_case, gov, congress, user_of
):
    case = make_case("qh", to="implementing")
    for intruder in (congress(), user_of("qh", Role.PARTY_OFFICE), gov("qh-dh")):
        with pytest.raises(PermissionDenied):
            changes.change_propose(actor=intruder, project=case.project, kind="stop", reason="r")
    change = changes.change_propose(actor=gov(), project=case.project, kind="stop", reason="r")
    for intruder in (gov(), user_of("qh", Role.SUPERVISOR), congress("qh-dh")):
        with pytest.raises(PermissionDenied):
            changes.change_decide(actor=intruder, change=change, approved=True, decided_on=DECIDED)
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED


def test_a_rejection_needs_its_reason_and_a_decision_is_taken_once(make_case, gov, congress):
    case = make_case("qh", to="implementing")
    change = changes.change_propose(actor=gov(), project=case.project, kind="stop", reason="r")
    with pytest.raises(ValidationError) as error:
        changes.change_decide(actor=congress(), change=change, approved=False, decided_on=None)
    assert set(error.value.message_dict) == {"decided_on", "note"}
    changes.change_decide(
        actor=congress(), change=change, approved=False, decided_on=DECIDED, note="资金已落实"
    )
    with pytest.raises(ValidationError) as error:
        changes.change_decide(actor=congress(), change=change, approved=True, decided_on=DECIDED)
    assert error.value.message_dict["decided_on"] == [str(om.CHANGE_NOT_PROPOSED)]
    case.refresh()
    assert case.project.stage == Stage.IMPLEMENTING


def test_one_change_waits_for_a_decision_at_a_time(make_case, gov):
    case = make_case("qh", to="implementing")
    changes.change_propose(actor=gov(), project=case.project, kind="stop", reason="r")
    with pytest.raises(ValidationError) as error:
        changes.change_propose(actor=gov(), project=case.project, kind="stop", reason="r2")
    assert error.value.message_dict["kind"] == [str(om.CHANGE_ALREADY_OPEN)]


def test_a_candidate_cannot_be_changed(make_case, gov):
    case = make_case("qh", to="candidate")
    with pytest.raises(ValidationError) as error:
        changes.change_propose(actor=gov(), project=case.project, kind="stop", reason="r")
    assert error.value.message_dict["kind"] == [str(om.CHANGE_PROJECT_NOT_ELECTED)]


def test_a_multi_year_project_plans_each_years_phase_with_its_targets(make_case, gov):
    case = make_case("qh", to="implementing")
    first = changes.phase_add(
        actor=gov(), project=case.project, year=2026, targets="完成一期管网铺设12公里"
    )
    second = changes.phase_add(
        actor=gov(),
        project=case.project,
        year=2027,
        targets="完成二期管网及泵站",
        budget=Decimal("300"),
        deadline=datetime.date(2027, 11, 30),
    )
    assert (first.number, second.number) == (1, 2)
    assert AuditEntry.objects.filter(action="phase.add").count() == 2


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"year": 2027, "targets": ""}, "targets", om.PHASE_TARGETS_REQUIRED),
        ({"year": 2020, "targets": "t"}, "year", om.PHASE_YEAR_INVALID),
        (
            {"year": 2027, "targets": "t", "deadline": datetime.date(2028, 1, 1)},
            "deadline",
            om.PHASE_DEADLINE_OUTSIDE_YEAR,
        ),
    ],
)
def test_a_phase_without_targets_or_in_a_wrong_year_writes_nothing(
    make_case, gov, values, field, message
):
    case = make_case("qh", to="implementing")
    with pytest.raises(ValidationError) as error:
        changes.phase_add(actor=gov(), project=case.project, **values)
    assert error.value.message_dict[field] == [str(message)]
    assert not ProjectPhase.objects.filter(project=case.project).exists()


def test_a_year_has_one_phase_and_only_the_government_office_plans_them(make_case, gov, congress):
    case = make_case("qh", to="implementing")
    changes.phase_add(actor=gov(), project=case.project, year=2026, targets="一期")
    with pytest.raises(ValidationError) as error:
        changes.phase_add(actor=gov(), project=case.project, year=2026, targets="又一期")
    assert error.value.message_dict["year"] == [str(om.PHASE_YEAR_EXISTS % {"year": 2026})]
    with pytest.raises(PermissionDenied):
        changes.phase_add(actor=congress(), project=case.project, year=2027, targets="二期")
