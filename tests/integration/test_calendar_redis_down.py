"""Redis stops: clerks complete their steps in the web app all the same, and the
notifications those steps owe are kept in the outbox; Redis starts again: they arrive,
once. (A private redis-server on its own port, never the machine's shared one.)"""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from viewflow.workflow.models import Task

from core.demo import CaseDriver
from core.models.calendar import Notification, NotificationKind, OutboxMessage
from core.services.steps import open_task
from flows.project_flow import ProjectFlow

from .conftest import TODAY, set_beat, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def pinned_day(settings):
    settings.CALENDAR_TODAY = TODAY


def pending():
    return OutboxMessage.objects.filter(sent_at__isnull=True)


def opened_notices(task):
    return Notification.objects.filter(kind=NotificationKind.STEP_OPENED, task=task)


def case_at(world, index, target):
    world.build_case(index, "qh-dh", target)
    project = world.jurisdictions["qh-dh"].projects.order_by("-pk").first()
    return CaseDriver(world, "qh-dh", project)


def post_step(client, user, task, data):
    client.force_login(user)
    started = time.monotonic()
    response = client.post(reverse("flows:step", args=[task.process_id, task.pk]), data)
    took = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("core:inbox")
    return took


def test_steps_succeed_while_redis_is_down_and_their_notifications_follow(
    fresh_world, private_redis, private_celery, client
):
    world = fresh_world
    reporting = case_at(world, 0, "implementing")  # its first report is open
    signing = case_at(world, 1, "report_review")  # its first report awaits sign-off
    call_command("setup_schedule")
    set_beat(None, sweeps=False)  # only the outbox drain, every second
    private_celery.start_worker()
    private_celery.start_beat()
    wait_for(lambda: not pending().exists(), 30, what="the building steps' messages")

    private_redis.stop()

    # The lead unit reports on one case, the monitoring group signs off another.
    report_task = open_task(reporting.project.process, ProjectFlow.submit_report)
    took_report = post_step(
        client,
        world.users[("qh-dh", reporting.dept)],
        report_task,
        {"year": 2026, "quarter": 1, "progress": 30, "funds_spent": "12.50"},
    )
    review_task = open_task(signing.project.process, ProjectFlow.review_report)
    signing.refresh()
    took_review = post_step(
        client, signing.monitor(), review_task, {"decision": "sign_off", "opinions": ""}
    )
    assert max(took_report, took_review) < 5, (took_report, took_review)
    assert Task.objects.get(pk=report_task.pk).status == "DONE"
    assert Task.objects.get(pk=review_task.pk).status == "DONE"
    to_review = open_task(reporting.project.process, ProjectFlow.review_report)
    next_report = open_task(signing.project.process, ProjectFlow.submit_report)

    # Nothing could be sent: the messages are kept.
    kept = {(name, tuple(args)) for name, args in pending().values_list("task_name", "args")}
    assert kept == {
        ("calendar.notify_step_opened", (to_review.pk,)),
        ("calendar.notify_step_opened", (next_report.pk,)),
    }
    time.sleep(1.5)
    assert not opened_notices(to_review).exists()
    assert not opened_notices(next_report).exists()

    # Redis is back: the kept messages go out and the notifications arrive.
    private_redis.start()
    monitors = {d.user for d in reporting.project.monitors.all()}
    wait_for(
        lambda: {n.recipient for n in opened_notices(to_review)} == monitors,
        60,
        what="the monitoring group's notices",
    )
    wait_for(lambda: opened_notices(next_report).exists(), 60, what="the lead unit's notice")
    wait_for(lambda: not pending().exists(), 60, what="the outbox to empty")
    time.sleep(2)
    assert opened_notices(to_review).count() == len(monitors)
    assert [n.recipient for n in opened_notices(next_report)] == [
        world.users[("qh-dh", signing.dept)]
    ]
    print(f"steps with Redis down took {took_report:.2f}s and {took_review:.2f}s")
