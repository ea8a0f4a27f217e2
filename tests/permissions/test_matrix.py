"""The whole matrix: every human step × every role × own / sibling / parent jurisdiction.

Only the step's own role in the case's jurisdiction may open or post it. Everyone else gets
403 (they may read the case: same jurisdiction, or a supervisor above) or 404 (they may not
even see it), and the case is unchanged.
"""

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from flows.project_flow import ProjectFlow
from permissions.roles import Role

pytestmark = pytest.mark.django_db

CASE_AT = "qh-dh"
SIBLING = "qh-xs"
PARENT = "qh"
ROLES = [
    Role.CONGRESS_OFFICE,
    Role.GOVERNMENT_OFFICE,
    Role.PARTY_OFFICE,
    "works",
    "social",
    Role.TELLER,
    Role.SUPERVISOR,
    Role.DEPUTY,
]

# step -> (where the case is walked to, who may act: a role key, or "monitor", or "dept")
STEPS = {
    "assign_study": ("assign_study", Role.GOVERNMENT_OFFICE),
    "study_feasibility": ("study", "dept"),
    "review_by_party": ("party_review", Role.PARTY_OFFICE),
    "submit_plan": ("planning", "dept"),
    "assign_monitoring_group": ("planning", Role.CONGRESS_OFFICE),
    "submit_report": ("implementing", "dept"),
    "review_report": ("report_review", "monitor"),
    "answer_opinions": ("answer_opinions", "dept"),
    "accept_completion": ("acceptance", "monitor"),
    "record_accountability": ("accountability", Role.CONGRESS_OFFICE),
}


def _users(world, case):
    """(label, user, expected status for someone who is not the step's actor)."""
    people = []
    for code, relation in ((CASE_AT, "own"), (SIBLING, "sibling"), (PARENT, "parent")):
        for role in ROLES:
            if role == Role.DEPUTY:
                from core.models import Deputy

                user = Deputy.objects.filter(jurisdiction__code=code).order_by("pk").first().user
            else:
                user = world.users[(code, role)]
            if relation == "own":
                denied = 403
            elif relation == "parent" and role == Role.SUPERVISOR:
                denied = 403  # sees the township's cases, acts on none
            else:
                denied = 404
            people.append((f"{relation}:{role}", user, denied))
    monitors = [d.user for d in case.project.monitors.order_by("pk")]
    for n, user in enumerate(monitors):
        people.append((f"own:monitor{n}", user, 403))
    return people


def _actor(world, case, who):
    if who == "dept":
        return world.users[(CASE_AT, case.dept)]
    if who == "monitor":
        return case.project.monitors.order_by("pk").first().user
    return world.users[(CASE_AT, who)]


@pytest.mark.parametrize("step", list(STEPS))
def test_only_the_steps_role_in_its_jurisdiction_may_act(step, world, make_case, client):
    target, who = STEPS[step]
    if target == "accountability":
        case = make_case(CASE_AT, to="evaluation")
        case.rate(40)
    else:
        case = make_case(CASE_AT, to=target)
    node = getattr(ProjectFlow, step)
    task = Task.objects.get(process=case.project.process, flow_task=node, status=STATUS.NEW)
    url = reverse("flows:step", args=[task.process_id, task.pk])
    assign_url = reverse("flows:assign", args=[task.pk])
    actor = _actor(world, case, who)
    history_before = case.project.history.count()

    # Every member of the monitoring group may sign off, so all of them are actors there.
    actors = {actor.pk}
    if who == "monitor":
        actors |= {d.user_id for d in case.project.monitors.all()}
    for label, user, denied in _users(world, case):
        if user.pk in actors:
            continue
        if hasattr(user, "_scope_assignments"):
            del user._scope_assignments
        client.force_login(user)
        assert client.get(url).status_code == denied, f"GET {step} as {label}"
        posted = client.post(url, {"decision": "approved", "feasible": "yes"})
        assert posted.status_code == denied, f"POST {step} as {label}"
        assert client.post(assign_url).status_code == denied, f"take {step} as {label}"
        task.refresh_from_db()
        assert task.status == STATUS.NEW and task.owner_id is None, f"{step} changed by {label}"

    assert case.project.history.count() == history_before
    client.force_login(actor)
    assert client.get(url).status_code == 200


def test_another_jurisdictions_case_id_in_a_url_is_not_found(world, make_case, client):
    case = make_case(SIBLING, to="study")
    client.force_login(world.users[(CASE_AT, Role.CONGRESS_OFFICE)])
    for name in ("core:case", "core:case_chart"):
        assert client.get(reverse(name, args=[case.project.pk])).status_code == 404
    for name in ("core:case_comment", "core:case_attach"):
        assert client.post(reverse(name, args=[case.project.pk]), {"text": "x"}).status_code == 404
    assert client.get(reverse("api-project", args=[case.project.pk])).status_code == 404


def test_supervisor_above_reads_but_acts_on_nothing(world, make_case, client):
    case = make_case(CASE_AT, to="study")
    supervisor = world.users[(PARENT, Role.SUPERVISOR)]
    client.force_login(supervisor)
    assert client.get(reverse("core:case", args=[case.project.pk])).status_code == 200
    response = client.post(reverse("core:case_comment", args=[case.project.pk]), {"text": "x"})
    assert response.status_code == 403
    assert not case.project.comments.exists()
