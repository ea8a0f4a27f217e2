"""Service rules: who may write, what is refused, and that every change is on the record."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import messages
from core.models import Category, Stage, SuggestionStatus
from core.services import projects, suggestions, supervision
from core.services.steps import StepRefused, open_task
from flows.project_flow import ProjectFlow
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def test_infeasible_suggestion_needs_a_reason(world, make_case):
    case = make_case("qh-dh", to="study")
    task = open_task(case.project.process, ProjectFlow.study_feasibility)
    with pytest.raises(ValidationError) as error:
        projects.project_submit_feasibility(
            actor=world.users[("qh-dh", case.dept)], task=task, feasible=False
        )
    assert error.value.message_dict["infeasible_reason"] == [
        str(messages.REASON_REQUIRED_WHEN_INFEASIBLE)
    ]
    case.refresh()
    assert case.project.stage == Stage.STUDY


def test_infeasible_reason_reaches_the_source_suggestions_receipt(world, make_case, client):
    case = make_case("qh-dh", to="infeasible")
    suggestion = case.project.suggestions.first()
    body = client.get(f"/receipt/{suggestion.receipt_code}/").content.decode()
    assert case.project.infeasible_reason in body
    assert suggestion.proposer_contact not in body


def test_a_step_service_refuses_someone_without_the_step(world, make_case):
    case = make_case("qh-dh", to="party_review")
    task = open_task(case.project.process, ProjectFlow.review_by_party)
    for intruder in (
        world.users[("qh-dh", Role.CONGRESS_OFFICE)],
        world.users[("qh-xs", Role.PARTY_OFFICE)],
        world.users[("qh", Role.SUPERVISOR)],
    ):
        with pytest.raises(PermissionDenied):
            projects.project_review_by_party(actor=intruder, task=task, decision="approved")
    case.refresh()
    assert case.project.party_decision == ""


def test_a_service_refuses_the_form_of_another_step(world, make_case):
    case = make_case("qh-dh", to="party_review")
    task = open_task(case.project.process, ProjectFlow.review_by_party)
    with pytest.raises(StepRefused):
        projects.project_submit_feasibility(
            actor=world.users[("qh-dh", case.dept)], task=task, feasible=True
        )


def test_registration_needs_a_registering_office(world):
    j = world.jurisdictions["qh-dh"]
    suggestion = suggestions.suggestion_submit(
        actor=None,
        jurisdiction=j,
        channel="online",
        title="路灯",
        text="装路灯",
        proposer_name="张三",
    )
    with pytest.raises(PermissionDenied):
        projects.project_register(
            actor=world.users[("qh-dh", Role.PARTY_OFFICE)],
            jurisdiction=j,
            suggestions=[suggestion],
            title="路灯",
            category=Category.objects.first(),
            year=2026,
        )
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.RECEIVED


def test_registration_refuses_another_jurisdictions_suggestion(world):
    other = suggestions.suggestion_submit(
        actor=None,
        jurisdiction=world.jurisdictions["qh-xs"],
        channel="online",
        title="路",
        text="修路",
        proposer_name="李四",
    )
    with pytest.raises(ValidationError):
        projects.project_register(
            actor=world.users[("qh-dh", Role.GOVERNMENT_OFFICE)],
            jurisdiction=world.jurisdictions["qh-dh"],
            suggestions=[other],
            title="路",
            category=Category.objects.first(),
            year=2026,
        )


def test_vote_cannot_be_recorded_twice(world, make_case):
    case = make_case("qh-dh", to="candidate")
    case.vote()
    # Decided: the case is no longer a candidate, so no other session can take it.
    with pytest.raises(ValidationError) as refused:
        case.vote()
    assert "projects" in refused.value.message_dict
    case.refresh()
    assert case.project.stage == Stage.PLANNING


def test_completion_report_needs_full_progress(world, make_case):
    case = make_case("qh-dh", to="implementing")
    task = open_task(case.project.process, ProjectFlow.submit_report)
    with pytest.raises(ValidationError) as error:
        supervision.report_submit(
            actor=world.users[("qh-dh", case.dept)],
            task=task,
            year=2026,
            quarter=1,
            progress=90,
            funds_spent=10,
            completed=True,
        )
    assert "completed" in error.value.message_dict


def test_milestone_after_the_deadline_is_refused(world, make_case):
    case = make_case("qh-dh", to="planning")
    task = open_task(case.project.process, ProjectFlow.submit_plan)
    with pytest.raises(ValidationError) as error:
        projects.project_submit_plan(
            actor=world.users[("qh-dh", case.dept)],
            task=task,
            plan_summary="x",
            responsible="x",
            budget=1,
            fund_source="x",
            deadline=datetime.date(2026, 6, 30),
            targets="x",
            milestones=[("late", datetime.date(2026, 8, 1))],
        )
    assert error.value.message_dict["milestones"] == [str(messages.MILESTONE_AFTER_DEADLINE)]


def test_every_change_carries_its_actor_and_reason(world, make_case):
    case = make_case("qh-dh", to="closed_commend")
    rows = list(case.project.history.all())
    assert all(row.history_change_reason for row in rows)
    assert all(row.history_user_id for row in rows)
    for report in case.project.reports.all():
        assert all(r.history_user_id and r.history_change_reason for r in report.history.all())


def test_monitoring_group_only_from_this_jurisdictions_deputies(world, make_case):
    from core.models import Deputy

    case = make_case("qh-dh", to="planning")
    task = open_task(case.project.process, ProjectFlow.assign_monitoring_group)
    strangers = Deputy.objects.filter(jurisdiction__code="qh-xs")[:2]
    with pytest.raises(ValidationError):
        projects.project_assign_monitoring_group(
            actor=world.users[("qh-dh", Role.CONGRESS_OFFICE)], task=task, deputies=strangers
        )
    assert case.project.monitors.count() == 0
