"""The statements one step completion costs, pinned: each walked step of the throughput
benchmark (core/scale/throughput.py) through its service, as the web form calls it.

Counted inside the test's transaction (the case's lock and its transaction are a
savepoint here), without the work done after commit. A count that grows means a step
reads or writes more than before: find out why before raising it here.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import Jurisdiction, Office, Project
from core.models.audit import AuditEntry, AuditHead
from core.services import projects
from core.services.audit import chain_of
from core.services.steps import open_task
from flows.project_flow import ProjectFlow
from permissions.roles import Role

pytestmark = pytest.mark.django_db

# the statements of each step's service, in this test's transaction (before this was pinned:
# 22, 28 and 25)
STATEMENTS = {
    "assign_study": 16,
    "study_feasibility": 20,
    "review_by_party": 19,
}


def _warm(project):
    """What a long-running process has read once and keeps: the content types, and the
    chain head of the case's jurisdiction (made by its first decision)."""
    ContentType.objects.get_for_models(Jurisdiction, Project, Office)
    AuditHead.objects.get_or_create(chain=chain_of(project.jurisdiction))


def _count(perform, task):
    with CaptureQueriesContext(connection) as queries:
        perform(task)
    return len(queries.captured_queries), [q["sql"][:150] for q in queries.captured_queries]


def test_the_walked_steps_cost_their_pinned_statements(world, make_case):
    case = make_case("qh-dh", to="assign_study")
    _warm(case.project)
    office, party, department = (
        world.users[("qh-dh", role)]
        for role in (Role.GOVERNMENT_OFFICE, Role.PARTY_OFFICE, case.dept)
    )
    steps = {
        "assign_study": lambda task: projects.project_assign_study(
            actor=office,
            task=task,
            department=world.offices[("qh-dh", case.dept)],
            note="请于两周内完成论证",
        ),
        "study_feasibility": lambda task: projects.project_submit_feasibility(
            actor=department, task=task, feasible=True, opinion="方案可行。"
        ),
        "review_by_party": lambda task: projects.project_review_by_party(
            actor=party, task=task, decision="approved"
        ),
    }
    counted = {}
    for step, perform in steps.items():
        # the task as the step's page read it, before the form was sent
        task = open_task(case.project.process, getattr(ProjectFlow, step))
        counted[step] = _count(perform, task)
    assert {step: n for step, (n, _sql) in counted.items()} == STATEMENTS, counted


def test_each_step_is_on_the_decision_log_once(world, make_case):
    case = make_case("qh-dh", to="assign_study")
    case.assign()
    case.study()
    case.party()
    actions = list(
        AuditEntry.objects.filter(target_id=str(case.project.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [
        "step.ProjectFlow.assign_study",
        "step.ProjectFlow.study_feasibility",
        "step.ProjectFlow.review_by_party",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_a_steps_statements_are_prepared_once_and_reused(world, make_case):
    """Under the case's lock a step's statements are prepared (core/prepared.py): the
    same step of a second case prepares nothing new, it reuses them."""

    def prepared_statements():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    first, second = (make_case("qh-dh", to="assign_study", index=n) for n in (1, 3))
    before = prepared_statements()
    first.assign()
    made = prepared_statements() - before
    assert len(made) > 5 and any("viewflow_task" in s for s in made)
    second.assign()
    assert prepared_statements() - before == made
