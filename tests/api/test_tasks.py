"""Completing steps through the API: the step's own form validates, the step's own
service does the work, under the same lock; a refused or invalid step changes nothing."""

import pytest
from django.urls import reverse
from viewflow.workflow.status import STATUS

from core import messages
from core.api.v1.tasks import BODY_NOT_AN_OBJECT
from core.models import Stage
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def _complete(client, task, body):
    return client.post(reverse("v1-task-complete", args=[task.pk]), body)


def test_a_department_completes_the_study_through_its_token(api, make_case, user_of):
    case = make_case("qh-dh", to="study")
    dept = api(user_of("qh-dh", case.dept), ("read", "act"))
    task = case.task("study_feasibility")
    queue = dept.get(reverse("v1-queue")).json()["results"]
    assert task.pk in [t["id"] for t in queue]
    form = dept.get(reverse("v1-task", args=[task.pk])).json()["form"]
    assert {f["name"] for f in form} >= {"feasible", "opinion", "infeasible_reason", "budget"}
    done = _complete(dept, task, {"feasible": "yes", "opinion": "可行", "budget": "120.50"})
    assert done.status_code == 200, done.json()
    assert done.json()["stage"] == Stage.PARTY_REVIEW and done.json()["status"] == STATUS.DONE
    case.refresh()
    assert case.project.feasible is True and str(case.project.budget) == "120.50"
    again = _complete(dept, task, {"feasible": "yes"})
    assert again.status_code == 409
    assert again.json()["error"] == {
        "code": "step_refused",
        "message": str(messages.TASK_ALREADY_DONE),
        "field": None,
        "fields": {},
    }


def test_the_forms_own_rules_refuse_with_the_field(api, make_case, user_of):
    case = make_case("qh-dh", to="study")
    dept = api(user_of("qh-dh", case.dept), ("read", "act"))
    task = case.task("study_feasibility")
    answer = _complete(dept, task, {"feasible": "no"})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid" and error["field"] == "infeasible_reason"
    assert error["message"] == str(messages.REASON_REQUIRED_WHEN_INFEASIBLE)
    answer = _complete(dept, task, {"feasible": "maybe", "budget": "-5"})
    assert set(answer.json()["error"]["fields"]) == {"feasible", "budget"}
    task.refresh_from_db()
    case.refresh()
    assert task.status == STATUS.NEW and task.owner_id is None
    assert case.project.stage == Stage.STUDY


@pytest.mark.parametrize("body", [[], "feasible", 7, None])
def test_a_body_that_is_not_an_object_is_refused(api, make_case, user_of, body):
    case = make_case("qh-dh", to="study")
    dept = api(user_of("qh-dh", case.dept), ("read", "act"))
    answer = _complete(dept, case.task("study_feasibility"), body)
    assert answer.status_code == 400 and answer.json()["error"]["code"] in ("invalid",)
    if body is not None:
        assert answer.json()["error"]["message"] == str(BODY_NOT_AN_OBJECT)


def test_a_plan_with_its_milestones_as_a_list(api, make_case, user_of):
    case = make_case("qh-dh", to="planning")
    dept = api(user_of("qh-dh", case.dept), session=True)
    task = case.task("submit_plan")
    body = {
        "plan_summary": "设计、施工、验收三阶段。",
        "targets": "年底前完工",
        "responsible": "李明",
        "budget": "180",
        "fund_source": "区财政",
        "deadline": "2026-11-30",
        "milestones": [{"title": "完成设计", "due": "2026-03-31"}, {"title": "开工", "due": ""}],
    }
    refused = _complete(dept, task, body)
    assert refused.status_code == 400
    assert refused.json()["error"]["field"].startswith("milestones.1")
    body["milestones"][1]["due"] = "2026-06-30"
    done = _complete(dept, task, body)
    assert done.status_code == 200, done.json()
    case.refresh()
    assert [m.title for m in case.project.milestones.all()] == ["完成设计", "开工"]


def test_the_monitoring_group_is_chosen_with_a_list_of_deputies(api, make_case, user_of):
    case = make_case("qh-dh", to="planning")
    congress = api(user_of("qh-dh", Role.CONGRESS_OFFICE), ("read", "act"))
    task = case.task("assign_monitoring_group")
    choices = congress.get(reverse("v1-task", args=[task.pk])).json()["form"][0]["choices"]
    picked = [value for value, _label in choices[:2]]
    done = _complete(congress, task, {"deputies": picked})
    assert done.status_code == 200, done.json()
    case.refresh()
    assert sorted(str(d.pk) for d in case.project.monitors.all()) == sorted(picked)


def test_a_taken_step_is_anothers_and_the_release_gives_it_back(api, make_case, user_of):
    case = make_case("qh-dh", to="assign_study")
    first = api(user_of("qh-dh", Role.GOVERNMENT_OFFICE), ("read", "act"))
    task = case.task("assign_study")
    assert first.post(reverse("v1-task-claim", args=[task.pk])).status_code == 200
    inbox = first.get(reverse("v1-inbox")).json()["results"]
    assert [t["id"] for t in inbox] == [task.pk]
    other = api(user_of("qh-dh", Role.GOVERNMENT_OFFICE), ("read",), session=True)
    assert other.get(reverse("v1-task", args=[task.pk])).json()["can_act"] is True
    released = first.post(reverse("v1-task-release", args=[task.pk]))
    assert released.status_code == 200 and released.json()["status"] == STATUS.NEW
    again = first.post(reverse("v1-task-release", args=[task.pk]))
    assert again.status_code == 403 and again.json()["error"]["code"] == "permission_denied"
