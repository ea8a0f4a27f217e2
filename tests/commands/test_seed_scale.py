"""seed_scale builds a province at any size; bench measures it (here at a tiny size,
to show both run: the real figures come from `make bench`)."""

import io
import json

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.models import Deputy, Jurisdiction, Level, Office, Project, RoleAssignment
from core.models.calendar import TaskDeadline
from core.selectors import tasks as task_selectors
from permissions.roles import Role, Step, perm

pytestmark = pytest.mark.django_db


def seed(**options):
    out = io.StringIO()
    call_command("seed_scale", stdout=out, **options)
    return out.getvalue()


@pytest.fixture
def province():
    seed(townships=3, years=2, cases_per_year=8, county_cases_per_year=2, deputies=5)


def test_the_province_has_its_counties_townships_offices_people_and_cases(province):
    assert Jurisdiction.objects.filter(path__startswith="/sc/").count() == 1 + 1 + 3
    townships = Jurisdiction.objects.filter(
        path__startswith="/sc/", level__in=[Level.TOWNSHIP, Level.STREET]
    )
    assert townships.count() == 3
    assert Office.objects.filter(jurisdiction__in=townships).count() == 15
    assert Deputy.objects.filter(jurisdiction__in=townships).count() == 15
    generated = Project.objects.filter(jurisdiction__path__startswith="/sc/")
    assert generated.count() == 3 * 2 * 8 + 1 * 2 * 2
    assert Project.history.filter(history_type="+", id__in=generated).count() == generated.count()
    assert TaskDeadline.objects.exists()
    assert Task.objects.filter(status=STATUS.ASSIGNED, owner__isnull=False).exists()


def test_each_clerk_holds_exactly_their_roles_steps(province):
    clerk = User.objects.get(username="sc01.01.works")
    office = Office.objects.get(code="sc01-01-works")
    other = Office.objects.get(code="sc01-01-social")
    assert clerk.has_perm(perm(Step.STUDY_FEASIBILITY), office)
    assert not clerk.has_perm(perm(Step.STUDY_FEASIBILITY), other)
    assert not clerk.has_perm(perm(Step.ASSIGN_STUDY), office.jurisdiction)
    supervisor = User.objects.get(username="sc01.supervisor")
    assert RoleAssignment.objects.get(user=supervisor).role == Role.SUPERVISOR
    assert task_selectors.queue_q(supervisor) is None


def test_open_steps_wait_in_the_right_inbox_and_queue(province):
    for task in Task.objects.filter(status=STATUS.ASSIGNED, owner__isnull=False)[:10]:
        assert task in task_selectors.inbox(task.owner)
    new = Task.objects.filter(status=STATUS.NEW, flow_task_type="HUMAN")
    for task in new[:10]:
        holders = [
            a.user
            for a in RoleAssignment.objects.filter(
                jurisdiction=task.process.coerced.project.jurisdiction
            ).select_related("user")
        ]
        assert any(task_selectors.queue(user).filter(pk=task.pk).exists() for user in holders)


def test_seeding_twice_or_out_of_bounds_is_refused(province):
    with pytest.raises(CommandError):
        seed(townships=2, years=1)
    with pytest.raises(CommandError):
        call_command("seed_scale", townships=0, years=1, stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("seed_scale", townships=2, years=11, stdout=io.StringIO())


def test_bench_measures_a_tiny_province_and_writes_its_json(province, tmp_path):
    target = tmp_path / "bench.json"
    out = io.StringIO()
    call_command(
        "bench",
        json_path=str(target),
        runs=1,
        only="pages,inbox,throughput",
        in_place=True,
        cases=3,
        stdout=out,
    )
    figures = json.loads(target.read_text())
    assert figures["cases"] == Project.objects.count()
    for page in ("inbox", "queue", "case", "process_map", "dashboard", "public_board"):
        assert set(figures["pages"][page]) == {"median_ms", "p95_ms", "queries"}
    assert figures["sql_floor_inbox"]["median_ms"] > 0
    assert figures["stock_inbox"]["median_ms"] > 0 and figures["stock_inbox"]["queries"] > 0
    assert figures["throughput"]["completed"] > 0
    assert "step completions/s" in out.getvalue()
    # a tiny province has no scope large enough for the warm-up: it is timed, keeping none
    assert figures["figures_warm_up"]["pages_kept"] == 0


def test_bench_refuses_an_empty_database_and_unknown_parts(province):
    with pytest.raises(CommandError):
        call_command("bench", only="pages,nonsense", stdout=io.StringIO())
    with pytest.raises(CommandError):
        call_command("bench", runs=0, stdout=io.StringIO())
    Project.objects.all().delete()
    with pytest.raises(CommandError):
        call_command("bench", stdout=io.StringIO())
