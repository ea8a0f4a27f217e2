"""gunicorn and the worker killed in the middle of the load and started again: no case is
half-moved (a step is done with its history and its decision-log entry, or not done at
all), no notification is lost, the decision log verifies. Bounded: about a minute."""

import json
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from viewflow.workflow.status import STATUS

from core.models import AuditEntry, Project
from core.models.calendar import Notification, OutboxMessage
from tests.calendar.mail_backend import sent_message_ids

from .conftest import ROOT, flush_redis, require_live_services, wait_for
from .stack import Browser, Stack, session_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CASES = 10
LOAD_SECONDS = 30


def flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def assign_task(project):
    return (
        flow()
        .task_class.objects.filter(process=project.process, flow_task=flow().assign_study)
        .order_by("-pk")
        .first()
    )


def study_tasks(project):
    return flow().task_class.objects.filter(
        process=project.process, flow_task=flow().study_feasibility
    )


def state_of(project) -> str:
    """ "moved", "waiting", or "half" (some of the step's writes without the others)."""
    project = Project.objects.get(pk=project.pk)
    task = assign_task(project)
    parts = [
        task.status == STATUS.DONE,
        study_tasks(project).count() == 1,
        project.study_department_id is not None,
        project.history.filter(study_department__isnull=False).exists(),
        AuditEntry.objects.filter(
            action="step.ProjectFlow.assign_study", data__task=task.pk
        ).exists(),
    ]
    if all(parts):
        return "moved"
    if not any(parts):
        return "waiting"
    return "half"


class Mover(threading.Thread):
    """The government office assigns the study of every case, over HTTP, retrying what a
    dead server did not answer until the step is done (the task's state says so)."""

    def __init__(self, base, session, projects, department, deadline):
        super().__init__(daemon=True)
        self.browser = Browser(base, timeout=10)
        self.browser.set_session(session)
        self.projects, self.department, self.deadline = projects, department, deadline
        self.moved = 0
        self.errors: list[str] = []

    def move(self, project):
        while time.monotonic() < self.deadline:
            task = assign_task(project)
            if task.status == STATUS.DONE:
                return
            try:
                if task.status == STATUS.NEW:
                    self.browser.post(f"/work/tasks/{task.pk}/assign/", {})
                else:
                    self.browser.post(
                        f"/work/cases/{project.process.pk}/tasks/{task.pk}/",
                        {"department": self.department.pk, "note": "移交论证"},
                    )
            except OSError as error:  # the server is down or died mid-answer
                self.errors.append(repr(error))
                time.sleep(0.3)

    def run(self):
        try:
            for project in self.projects:
                self.move(project)
                self.moved += 1
        finally:
            connection.close()


@pytest.fixture
def stack(transactional_db, tmp_path, request):
    require_live_services()
    flush_redis(settings.REDIS_URL)
    running = Stack(tmp_path / "stack", workers=2)
    yield running
    running.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(running.logs())


def test_killing_gunicorn_and_the_worker_mid_load_half_moves_no_case_and_loses_no_notice(
    fresh_world, stack, tmp_path
):
    world = fresh_world
    for n in range(CASES):
        world.build_case(n, "qh-dh", "assign_study")
    projects = list(Project.objects.filter(jurisdiction__code="qh-dh").order_by("pk"))
    assert len(projects) == CASES and all(state_of(p) == "waiting" for p in projects)
    readers = [
        User.objects.get(username=name)
        for name in ("qh.dh.congress", "qh.dh.party", "qh.supervisor", "qh.dh.works")
    ]
    plan = [
        {"session": session_for(user), "cases": [p.pk for p in projects]}
        for user in readers
        for _ in range(4)
    ]
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    stack.start_all()

    load = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "tests" / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(len(plan)),
            "--spawn-rate",
            str(len(plan)),
            "--run-time",
            f"{LOAD_SECONDS}s",
            "--host",
            stack.base,
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        cwd=ROOT,
        env={**stack.env(), "LOAD_PLAN": str(plan_file)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        clerk = User.objects.get(username="qh.dh.government")
        mover = Mover(
            stack.base,
            session_for(clerk),
            projects,
            world.offices[("qh-dh", "works")],
            deadline=time.monotonic() + 120,
        )
        mover.start()
        wait_for(lambda: mover.moved >= 3, 60, interval=0.05, what="the first moves")

        # The machine's web and worker die at once, in the middle of the load.
        stack.kill("web")
        stack.kill("worker")
        states = {p.pk: state_of(p) for p in projects}
        assert "half" not in states.values(), states
        time.sleep(1)
        stack.start("web")
        stack.start("worker")

        mover.join(130)
        assert not mover.is_alive() and mover.moved == CASES, mover.errors[-5:]
    finally:
        load.wait(LOAD_SECONDS + 60)

    assert all(state_of(p) == "moved" for p in projects)
    # every step that opened was told, in the app and by e-mail, once
    studies = [study_tasks(p).get() for p in projects]
    notices = Notification.objects.filter(event_key__in=[f"opened:{t.pk}" for t in studies])
    wait_for(
        lambda: (
            set(notices.values_list("event_key", flat=True)) == {f"opened:{t.pk}" for t in studies}
        ),
        60,
        what="a notice of every opened step",
    )
    expected = {f"<notification-{pk}@livelihood>" for pk in notices.values_list("pk", flat=True)}
    wait_for(lambda: expected <= set(sent_message_ids(stack.mail_dir)), 60, what="every e-mail")
    wait_for(
        lambda: not OutboxMessage.objects.filter(sent_at__isnull=True).exists(),
        60,
        what="the outbox to drain",
    )
    delivered = [m for m in sent_message_ids(stack.mail_dir) if m in expected]
    assert len(delivered) >= len(expected)
    call_command("verify_audit")
