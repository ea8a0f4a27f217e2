"""While a page is read, the held permissions are read once and answer as the database."""

import pytest
from django.test import RequestFactory
from guardian.shortcuts import assign_perm

from core.models import Jurisdiction, Office
from core.selectors.suggestions import acting_jurisdictions
from permissions.checks import has_step
from permissions.held import HeldPermissionsMiddleware, held_permissions
from permissions.roles import Role, Step, perm

pytestmark = pytest.mark.django_db


def during(method, function):
    """Run `function` as the view of a request with this method; its result."""
    result = {}

    def view(request):
        result["value"] = function()
        return None

    HeldPermissionsMiddleware(view)(getattr(RequestFactory(), method.lower())("/"))
    return result["value"]


def test_a_page_read_answers_every_step_as_the_database(world):
    targets = [
        *Jurisdiction.objects.filter(code__in=["qh", "qh-dh", "qh-xs"]),
        *Office.objects.filter(jurisdiction__code="qh-dh"),
    ]
    users = list({u.pk: u for (code, _), u in world.users.items() if code == "qh-dh"}.values())
    questions = [(u, s, t) for u in users for s in Step for t in targets]
    expected = [has_step(u, s, t) for u, s, t in questions]
    assert during("GET", lambda: [has_step(u, s, t) for u, s, t in questions]) == expected
    expected = [acting_jurisdictions(u, s) for u in users for s in Step]
    assert during("GET", lambda: [acting_jurisdictions(u, s) for u in users for s in Step]) == (
        expected
    )


def test_a_page_read_asks_once_per_user(world, django_assert_num_queries):
    clerk = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    township = world.jurisdictions["qh-dh"]

    def many():
        with django_assert_num_queries(1):
            return [has_step(clerk, step, township) for step in Step]

    assert any(during("GET", many))


def test_a_form_sent_sees_a_grant_at_once(world):
    clerk = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    elsewhere = world.jurisdictions["qh-xs"]

    def grant_then_ask():
        assert held_permissions(clerk) is None
        before = has_step(clerk, Step.ASSIGN_STUDY, elsewhere)
        assign_perm(perm(Step.ASSIGN_STUDY), clerk, elsewhere)
        return before, has_step(clerk, Step.ASSIGN_STUDY, elsewhere)

    assert during("POST", grant_then_ask) == (False, True)
    assert held_permissions(clerk) is None  # nothing kept after the request


def test_a_page_read_takes_tasks_as_viewflow_says(world, make_case):
    """Every open step, for every user of the township (an office's step included: the
    users who hold it on no office are answered without loading the case)."""
    from django.contrib.auth.models import Permission
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from permissions.checks import can_take_task

    for to in ("assign_study", "study", "party_review", "implementing", "report_review"):
        make_case("qh-dh", to=to)
    tasks = list(Task.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN"))
    users = list({u.pk: u for (code, _), u in world.users.items() if code == "qh-dh"}.values())
    # one user holds the lead unit's step everywhere, as Django's own permission
    app_label, _dot, codename = perm(Step.SUBMIT_REPORT).partition(".")
    users[0].user_permissions.add(
        Permission.objects.get(codename=codename, content_type__app_label=app_label)
    )
    users[0] = type(users[0]).objects.get(pk=users[0].pk)  # no cached permissions
    expected = [task.flow_task.can_assign(u, task) for task in tasks for u in users]
    assert any(expected) and not all(expected)
    assert during("GET", lambda: [can_take_task(u, t) for t in tasks for u in users]) == expected
