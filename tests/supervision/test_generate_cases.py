"""The benchmark's case generator leaves every case at a consistent step."""

import pytest
from django.core.management import call_command
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import Project, Stage
from core.selectors import dashboard, process_map
from permissions.roles import Role

pytestmark = pytest.mark.django_db

OPEN_STEP = {
    Stage.REGISTERED: {"assign_study"},
    Stage.STUDY: {"study_feasibility"},
    Stage.PARTY_REVIEW: {"review_by_party"},
    Stage.CANDIDATE: {"await_vote"},
    Stage.PLANNING: {"submit_plan", "assign_monitoring_group"},
    Stage.IMPLEMENTING: {"submit_report", "await_quarter", "review_report", "answer_opinions"},
    Stage.ACCEPTANCE: {"accept_completion"},
    Stage.EVALUATION: {"await_satisfaction"},
    Stage.ACCOUNTABILITY: {"record_accountability"},
}


def test_generated_cases_stand_at_the_step_of_their_stage(world, user_of):
    call_command("generate_cases", 300, under="qh", years="2025,2026", stdout=None)
    projects = Project.objects.select_related("process")
    assert projects.count() == 300
    open_by_process = {}
    for task in Task.objects.filter(status=STATUS.NEW):
        open_by_process.setdefault(task.process_id, set()).add(task.flow_task.name)
    for project in projects:
        steps = open_by_process.get(project.process.pk, set())
        if project.stage in OPEN_STEP:
            assert steps and steps <= OPEN_STEP[project.stage], (project.stage, steps)
        else:
            assert not steps, (project.stage, steps)

    supervisor = user_of("qh", Role.SUPERVISOR)
    filters = dashboard.resolve_filters(supervisor, code="qh", year="all", category=None)
    figures = process_map.step_figures(supervisor, filters)
    assert figures["await_vote"].now == projects.filter(stage=Stage.CANDIDATE).count()
    assert figures["closed"].ended == projects.filter(stage=Stage.CLOSED).count()
    totals = dashboard.dashboard_figures(supervisor, filters)["totals"]
    assert totals["registered"] == 300
    assert totals["elected"] == projects.filter(elected=True).count()
