"""has_step answers exactly as guardian's has_perm, in one query when the step is held."""

import pytest
from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from core.models import Jurisdiction, Office
from permissions.checks import has_step
from permissions.roles import Role, Step, perm

pytestmark = pytest.mark.django_db


def test_has_step_agrees_with_guardian_for_every_user_step_and_object(world):
    targets = [
        *Jurisdiction.objects.filter(code__in=["qh", "qh-dh", "qh-xs"]),
        *Office.objects.filter(jurisdiction__code="qh-dh"),
    ]
    users = list({u.pk: u for (code, _), u in world.users.items() if code == "qh-dh"}.values())
    for user in users:
        for step in Step:
            for target in targets:
                expected = user.has_perm(perm(step), target)
                assert has_step(user, step, target) is expected, (user, step, target)


def test_a_held_step_costs_one_query(world, django_assert_num_queries):
    clerk = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    with django_assert_num_queries(1):
        assert has_step(clerk, Step.ASSIGN_STUDY, world.jurisdictions["qh-dh"])


def test_a_step_held_through_a_group_counts(world, db):
    from django.contrib.auth.models import User

    outsider = User.objects.create_user("group.member")
    group = Group.objects.create(name="观察组")
    outsider.groups.add(group)
    township = world.jurisdictions["qh-xs"]
    assert not has_step(outsider, Step.ASSIGN_STUDY, township)
    assign_perm(perm(Step.ASSIGN_STUDY), group, township)
    assert has_step(outsider, Step.ASSIGN_STUDY, township)
    assert outsider.has_perm(perm(Step.ASSIGN_STUDY), township)


def test_inactive_and_anonymous_users_hold_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    clerk = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    clerk.is_active = False
    try:
        assert not has_step(clerk, Step.ASSIGN_STUDY, world.jurisdictions["qh-dh"])
    finally:
        clerk.is_active = True
    assert not has_step(AnonymousUser(), Step.ASSIGN_STUDY, world.jurisdictions["qh-dh"])
    assert not has_step(clerk, Step.ASSIGN_STUDY, None)


def test_taking_a_task_agrees_with_viewflow_for_every_user_and_open_step(world, make_case):
    """The task row's own permission, asked in one query, says yes exactly when viewflow's
    check (the case loaded, the permission asked of guardian) says yes."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from permissions.checks import can_take_task

    for to in ("assign_study", "study", "party_review", "implementing", "report_review"):
        make_case("qh-dh", to=to)
    make_case("qh-xs", to="party_review")
    tasks = list(Task.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN"))
    assert len(tasks) >= 6
    users = list({u.pk: u for (code, _), u in world.users.items() if code == "qh-dh"}.values())
    agreed = 0
    for task in tasks:
        for user in users:
            expected = task.flow_task.can_assign(user, task)
            assert can_take_task(user, task) is expected, (user, task.flow_task.name)
            agreed += expected
    assert agreed  # somebody may take each township step
