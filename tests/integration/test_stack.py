"""The stack as an office runs it: deploy/start-stack.sh's gunicorn, worker and beat on
PostgreSQL and Redis. A clerk logs in over HTTP and moves a case one step; the worker
delivers the notification of the step that opened."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from core.demo import DEMO_PASSWORD
from core.models import Project
from core.models.calendar import Notification
from core.services.steps import open_task
from tests.calendar.mail_backend import sent_message_ids

from .conftest import flush_redis, require_live_services, wait_for
from .stack import Browser, Stack, usable_password

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stack(transactional_db, tmp_path, request):
    require_live_services()
    flush_redis(settings.REDIS_URL)
    running = Stack(tmp_path / "stack")
    yield running
    running.stop()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(running.logs())


def flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def test_a_clerk_moves_a_case_over_http_and_the_worker_delivers_the_notice(fresh_world, stack):
    fresh_world.build_case(0, "qh-dh", "assign_study")
    project = Project.objects.get(jurisdiction__code="qh-dh")
    task = open_task(project.process, flow().assign_study)
    clerk = User.objects.get(username="qh.dh.government")
    usable_password(clerk, DEMO_PASSWORD)
    department = fresh_world.offices[("qh-dh", "works")]
    stack.start_all()

    browser = Browser(stack.base)
    assert not Browser(stack.base).login("qh.dh.government", "wrong-password")
    assert browser.login("qh.dh.government", DEMO_PASSWORD)
    status, _url, queue = browser.get("/work/queue/")
    assert status == 200 and f"/work/tasks/{task.pk}/assign/" in queue
    status, url, page = browser.post(f"/work/tasks/{task.pk}/assign/", {})
    assert status == 200 and url.endswith(f"/work/cases/{project.process.pk}/tasks/{task.pk}/")
    status, url, _page = browser.post(
        f"/work/cases/{project.process.pk}/tasks/{task.pk}/",
        {"department": department.pk, "note": "请两周内完成"},
    )
    assert status == 200 and url.endswith("/work/inbox/"), _page[-2000:]

    project.refresh_from_db()
    assert project.study_department_id == department.pk
    study = open_task(project.process, flow().study_feasibility)
    assert study is not None
    # the worker tells the department, in the app and by e-mail
    notices = Notification.objects.filter(event_key=f"opened:{study.pk}")
    wait_for(notices.exists, 60, what="the worker's notification")
    expected = {f"<notification-{n.pk}@livelihood>" for n in notices}
    wait_for(lambda: expected <= set(sent_message_ids(stack.mail_dir)), 60, what="the e-mails")
    assert {n.recipient.username for n in notices} >= {"qh.dh.works"}
    # files are not public on the real stack either
    assert browser.get("/media/attachments/")[0] == 404
