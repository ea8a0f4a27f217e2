"""End-to-end walks of every branch of ProjectFlow: status, tasks and history rows."""

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from core.models import Band, Project, Stage, SuggestionStatus
from flows.project_flow import ProjectFlow

pytestmark = pytest.mark.django_db


def done_steps(project):
    return [
        t.flow_task.name
        for t in Task.objects.filter(process=project.process, status=STATUS.DONE).order_by("pk")
    ]


def open_steps(project):
    return sorted(
        t.flow_task.name
        for t in Task.objects.filter(
            process=project.process, status__in=[STATUS.NEW, STATUS.ASSIGNED]
        )
    )


def reasons(project):
    return list(
        project.history.order_by("history_date", "history_id").values_list(
            "history_change_reason", flat=True
        )
    )


def test_registration_merges_suggestions_and_opens_the_assignment(make_case):
    case = make_case("qh-dh", to="assign_study", index=1)  # index 1: two suggestions
    project = case.project
    assert project.stage == Stage.REGISTERED
    assert open_steps(project) == ["assign_study"]
    assert done_steps(project) == ["register"]
    assert project.suggestions.count() == 2
    assert set(project.suggestions.values_list("status", flat=True)) == {SuggestionStatus.MERGED}
    first = project.history.earliest("history_date")
    assert first.history_type == "+" and first.history_user is not None


def test_infeasible_case_ends_with_the_reason(make_case):
    case = make_case("qh-dh", to="infeasible")
    project = case.project
    assert project.stage == Stage.INFEASIBLE
    assert project.process.status == PROCESS.DONE
    assert done_steps(project)[-1] == "infeasible"
    assert open_steps(project) == []
    assert project.infeasible_reason
    assert any("infeasible" in r.lower() or "不可行" in r for r in reasons(project))


def test_party_return_goes_back_to_study_then_approval_continues(make_case):
    case = make_case("qh-xs", to="returned_then_study")
    project = case.project
    assert project.stage == Stage.STUDY
    assert open_steps(project) == ["study_feasibility"]
    case.study()
    case.party()
    case.refresh()
    assert case.project.stage == Stage.CANDIDATE
    assert open_steps(case.project) == ["await_vote"]
    assert done_steps(case.project).count("study_feasibility") == 2
    assert done_steps(case.project).count("review_by_party") == 2


def test_party_rejection_ends_the_case(make_case):
    case = make_case("qh", to="rejected")
    assert case.project.stage == Stage.REJECTED
    assert case.project.process.status == PROCESS.DONE
    assert done_steps(case.project)[-1] == "rejected"
    assert case.project.party_comment


def test_not_elected_ends_the_case(make_case):
    case = make_case("qh-nm", to="not_elected")
    assert case.project.stage == Stage.NOT_ELECTED
    assert done_steps(case.project)[-3:] == ["await_vote", "check_elected", "not_elected"]
    assert case.project.process.status == PROCESS.DONE


def test_elected_case_plans_and_gets_its_monitoring_group_in_parallel(make_case):
    case = make_case("qh-dh", to="planning")
    assert case.project.stage == Stage.PLANNING
    assert open_steps(case.project) == ["assign_monitoring_group", "submit_plan"]
    assert case.project.plan_due is not None
    case.plan_and_group()
    case.refresh()
    assert open_steps(case.project) == ["submit_report"]
    assert case.project.monitors.count() == 3
    assert case.project.milestones.count() == 2


def test_returned_report_needs_answers_before_sign_off(make_case):
    case = make_case("qh-dh", to="answer_opinions")
    assert open_steps(case.project) == ["answer_opinions"]
    report = case.project.reports.get()
    assert report.status == "returned"
    assert report.opinions.count() == 2
    case.answer()
    case.refresh()
    assert open_steps(case.project) == ["review_report"]
    assert all(o.answered_at for o in report.opinions.all())
    case.review()
    case.refresh()
    assert open_steps(case.project) == ["submit_report"]


@pytest.mark.parametrize(
    ("target", "band", "stage", "last"),
    [
        ("closed_commend", Band.COMMEND, Stage.CLOSED, "closed"),
        ("closed_normal", Band.NORMAL, Stage.CLOSED, "closed"),
        ("closed_after_accountability", Band.ACCOUNTABILITY, Stage.CLOSED, "closed"),
    ],
)
def test_completed_case_closes_with_its_band(make_case, target, band, stage, last):
    case = make_case("qh-xs", to=target)
    project = Project.objects.get(pk=case.project.pk)
    assert project.band == band
    assert project.stage == stage
    assert project.process.status == PROCESS.DONE
    steps = done_steps(project)
    assert steps[-1] == last
    for step in (
        "submit_plan",
        "assign_monitoring_group",
        "submit_report",
        "review_report",
        "answer_opinions",
        "accept_completion",
        "await_satisfaction",
    ):
        assert step in steps
    assert ("record_accountability" in steps) == (band == Band.ACCOUNTABILITY)
    assert project.accepted_at is not None
    # every human task has its owner and finish time on the record
    for task in Task.objects.filter(process=project.process, flow_task_type="HUMAN"):
        assert task.owner_id and task.finished
    assert project.history.count() >= 10


def test_accountability_band_opens_the_hearing_before_closing(make_case):
    case = make_case("qh", to="evaluation")
    case.rate(41.0)
    case.refresh()
    assert case.project.stage == Stage.ACCOUNTABILITY
    assert open_steps(case.project) == ["record_accountability"]
    assert case.project.process.status != PROCESS.DONE
    case.hearing()
    case.refresh()
    assert case.project.stage == Stage.CLOSED
    assert case.project.accountability.explanation


def test_flow_nodes_read_like_the_practice():
    names = {node.name for node in ProjectFlow.instance.nodes()}
    assert {
        "register",
        "study_feasibility",
        "review_by_party",
        "await_vote",
        "submit_plan",
        "assign_monitoring_group",
        "submit_report",
        "review_report",
        "answer_opinions",
        "accept_completion",
        "await_satisfaction",
        "record_accountability",
        "closed",
        "infeasible",
        "rejected",
        "not_elected",
    } <= names
    assert ProjectFlow.__doc__
