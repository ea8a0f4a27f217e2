"""A worker killed in the middle of a batch of reminders and started again: every reminder
is delivered exactly once (late acknowledgement brings the lost messages back; the keys
in the database keep the repeats out)."""

import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from core.models.calendar import Notification, NotificationKind, OutboxMessage, TaskDeadline
from tests.calendar.mail_backend import sent_message_ids

from .conftest import TODAY, flush_redis, set_beat, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CASES = 8
REMINDER_DAY = "2026-02-11"  # the plans are due 2026-02-14 (vote 2026-01-15 + 30 days)


@pytest.fixture(autouse=True)
def pinned_day(settings):
    settings.CALENDAR_TODAY = TODAY


def test_killing_the_worker_mid_batch_loses_and_repeats_no_reminder(fresh_world, live_celery):
    world = fresh_world
    for n in range(CASES):
        world.build_case(n, "qh-xs", "planning")
    deadlines = TaskDeadline.objects.filter(project__jurisdiction__code="qh-xs")
    assert deadlines.count() == CASES
    # Start from a quiet broker (the building steps' notices dropped): the reminders are
    # under test.
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    flush_redis(settings.REDIS_URL)

    call_command("setup_schedule")
    set_beat(REMINDER_DAY)
    live_celery.extra_env["CALENDAR_TEST_MAIL_DELAY"] = "0.4"
    live_celery.start_worker()
    live_celery.start_beat()
    mail_dir = live_celery.mail_dir

    # Kill the worker while it is inside a send, with part of the batch delivered.
    wait_for(
        lambda: len(sent_message_ids(mail_dir)) >= 3 and any(mail_dir.glob("inflight-*")),
        60,
        interval=0.02,
        what="the batch to be under way",
    )
    live_celery.worker.kill()
    delivered_at_kill = sent_message_ids(mail_dir)
    assert len(delivered_at_kill) < CASES, "the batch finished before the kill"
    in_flight = set()
    for marker in mail_dir.glob("inflight-*"):
        in_flight.add(marker.read_text())
        marker.unlink()
    assert in_flight and not in_flight & set(delivered_at_kill)

    # Its unacknowledged messages come back after the visibility timeout.
    time.sleep(5)
    live_celery.start_worker()

    reminders = Notification.objects.filter(kind=NotificationKind.REMINDER)
    wait_for(lambda: reminders.count() == CASES, 60, what="every reminder")
    expected = {f"<notification-{pk}@livelihood>" for pk in reminders.values_list("pk", flat=True)}
    wait_for(
        lambda: expected <= set(sent_message_ids(mail_dir)), 60, what="every reminder's e-mail"
    )
    time.sleep(3)  # beat keeps sweeping; nothing more may arrive

    assert reminders.count() == CASES
    assert set(reminders.values_list("project", flat=True)) == set(
        deadlines.values_list("project", flat=True)
    )
    per_deadline = reminders.values("event_key").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in per_deadline)
    sent = [m for m in sent_message_ids(mail_dir) if m in expected]
    assert sorted(sent) == sorted(expected), "an e-mail was lost or sent twice"
    # the send the kill interrupted was done again, once, by the second worker
    assert in_flight <= expected
    assert deadlines.filter(reminded_at__isnull=True).count() == 0
