"""The permission matrix again, through API v1: every human step × every role × own /
sibling / parent jurisdiction, each person once through an API token (scopes read and
act, on their own jurisdiction) and once through a browser session.

As on the pages: only the step's own role in the case's jurisdiction may take or complete
it. Someone who may read the case sees the task (can_act false) and gets 403 on acting;
someone who may not read it gets 404 for everything; the case is unchanged.
"""

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from flows.project_flow import ProjectFlow
from tests.api.clients import ApiClient
from tests.permissions.test_matrix import CASE_AT, STEPS, _actor, _users

pytestmark = pytest.mark.django_db


def _clients(user, issue_token):
    _token, raw = issue_token(user, ("read", "act"))
    return {"token": ApiClient(raw), "session": ApiClient().login(user)}


@pytest.mark.parametrize("step", list(STEPS))
def test_only_the_steps_role_in_its_jurisdiction_may_act_through_the_api(
    step, world, make_case, issue_token
):
    target, who = STEPS[step]
    if target == "accountability":
        case = make_case(CASE_AT, to="evaluation")
        case.rate(40)
    else:
        case = make_case(CASE_AT, to=target)
    node = getattr(ProjectFlow, step)
    task = Task.objects.get(process=case.project.process, flow_task=node, status=STATUS.NEW)
    detail = reverse("v1-task", args=[task.pk])
    claim = reverse("v1-task-claim", args=[task.pk])
    complete = reverse("v1-task-complete", args=[task.pk])
    actor = _actor(world, case, who)
    history_before = case.project.history.count()

    actors = {actor.pk}
    if who == "monitor":
        actors |= {d.user_id for d in case.project.monitors.all()}
    for label, user, denied in _users(world, case):
        if user.pk in actors:
            continue
        if hasattr(user, "_scope_assignments"):
            del user._scope_assignments
        for mode, client in _clients(user, issue_token).items():
            seen = client.get(detail)
            if denied == 404:
                assert seen.status_code == 404, f"GET {step} as {label} by {mode}"
                assert seen.json()["error"]["code"] == "not_found"
            else:
                assert seen.status_code == 200, f"GET {step} as {label} by {mode}"
                assert seen.json()["can_act"] is False and seen.json()["form"] is None
            for url in (claim, complete):
                answer = client.post(url, {"decision": "approved", "feasible": "yes"})
                assert answer.status_code == denied, f"POST {url} as {label} by {mode}"
                code = "not_found" if denied == 404 else "permission_denied"
                assert answer.json()["error"]["code"] == code
            task.refresh_from_db()
            assert task.status == STATUS.NEW and task.owner_id is None, f"{step} by {label}"

    assert case.project.history.count() == history_before
    for mode, client in _clients(actor, issue_token).items():
        shown = client.get(detail).json()
        assert shown["can_act"] is True and shown["form"], f"{step} form by {mode}"
        taken = client.post(claim)
        assert taken.status_code == 200, f"claim {step} by {mode}"
        assert taken.json()["status"] == STATUS.ASSIGNED
        released = client.post(reverse("v1-task-release", args=[task.pk]))
        assert released.status_code == 200 and released.json()["status"] == STATUS.NEW


def test_a_token_without_the_act_scope_may_not_take_the_step(world, make_case, issue_token):
    case = make_case(CASE_AT, to="assign_study")
    task = case.task("assign_study")
    _token, raw = issue_token(world.users[(CASE_AT, "government_office")], ("read",))
    answer = ApiClient(raw).post(reverse("v1-task-claim", args=[task.pk]))
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "scope_missing"
    task.refresh_from_db()
    assert task.status == STATUS.NEW


def test_a_token_narrowed_below_the_supervisors_reach_does_not_see_the_case(
    world, make_case, issue_token
):
    case = make_case(CASE_AT, to="assign_study")
    supervisor = world.users[("qh", "supervisor")]
    _token, raw = issue_token(supervisor, ("read",), code="qh-xs")
    client = ApiClient(raw)
    assert client.get(reverse("v1-project", args=[case.project.pk])).status_code == 404
    assert client.get(reverse("v1-task", args=[case.task("assign_study").pk])).status_code == 404
    assert client.get(reverse("v1-projects")).json()["count"] == 0
