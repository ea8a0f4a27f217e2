"""Two users complete the same task at once on PostgreSQL: one wins, the other is told,
nothing is done twice (viewflow's select_for_update lock on the case)."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import translation
from django.utils.translation import gettext

from core import messages
from core.demo import CaseDriver
from core.services import projects
from core.services.steps import StepRefused, open_task
from flows.project_flow import ProjectFlow
from permissions.roles import Role

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the row lock under test is PostgreSQL's")


def test_two_clerks_completing_one_study_at_once(require_postgres, fresh_world, monkeypatch):
    world = fresh_world
    world.build_case(0, "qh-dh", "assign_study")
    project = world.jurisdictions["qh-dh"].projects.get()
    driver = CaseDriver(world, "qh-dh", project)
    driver.assign()
    project.refresh_from_db()
    task = open_task(project.process, ProjectFlow.study_feasibility)
    clerk = world.users[("qh-dh", driver.dept)]
    # A second clerk of the same department: both may take the study.
    from django.contrib.auth.models import User

    from core.services.organisation import role_assign

    second = User.objects.create_user("second.clerk", password="x")
    role_assign(
        actor=None,
        user=second,
        role=Role.DEPARTMENT,
        jurisdiction=project.jurisdiction,
        office=project.study_department,
    )

    original = projects.save_with_reason

    def slow_save(obj, **kwargs):
        time.sleep(0.6)  # hold the case lock long enough for the other clerk to collide
        return original(obj, **kwargs)

    monkeypatch.setattr(projects, "save_with_reason", slow_save)
    barrier = threading.Barrier(2)
    outcomes = {}

    def complete(user):
        barrier.wait()
        try:
            projects.project_submit_feasibility(
                actor=user, task=task, feasible=True, opinion=f"by {user.username}"
            )
            outcomes[user.username] = "done"
        except StepRefused as refused:
            outcomes[user.username] = str(refused.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete, args=(u,)) for u in (clerk, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert sorted(outcomes.values()).count("done") == 1, outcomes
    refused = [v for v in outcomes.values() if v != "done"]
    assert refused[0] in (
        str(messages.TASK_ALREADY_DONE),
        str(messages.TASK_TAKEN),
        str(messages.TASK_BUSY),
    )
    project.refresh_from_db()
    studies = project.process.task_set.filter(flow_task=ProjectFlow.study_feasibility)
    assert studies.count() == 1 and studies.get().status == "DONE"
    assert project.process.task_set.filter(flow_task=ProjectFlow.review_by_party).count() == 1
    # the history reason is written in the site's language (no request: LANGUAGE_CODE)
    with translation.override(settings.LANGUAGE_CODE):
        found_feasible = gettext("Found feasible")
    assert project.history.filter(history_change_reason=found_feasible).count() == 1
