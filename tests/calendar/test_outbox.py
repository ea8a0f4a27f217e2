"""Messages leave only after commit; when the broker is down they wait in the outbox."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models.calendar import Notification, NotificationKind, OutboxMessage
from core.services import notifications, supervision
from core.services.steps import open_task
from flows.project_flow import ProjectFlow

# the voting sessions the cases went through told their own people (not these tests' concern)
SESSION_KINDS = (NotificationKind.SESSION_STEP, NotificationKind.VOTE_OPEN)

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down(monkeypatch):
    def refuse(name, args):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(notifications, "_publish", refuse)


@pytest.fixture
def implementing(make_case):
    """A case waiting for its first report; the messages of the steps that built it (left
    unsent: the test's transaction never commits) are cleared."""
    case = make_case("qh-dh", to="implementing")
    OutboxMessage.objects.all().delete()
    return case


def submit_first_report(case, progress=30):
    supervision.report_submit(
        actor=case.w.users[("qh-dh", case.dept)],
        task=open_task(case.project.process, ProjectFlow.submit_report),
        year=2026,
        quarter=1,
        progress=progress,
        funds_spent=10,
    )


def test_a_completed_step_publishes_its_notification_only_after_commit(
    implementing, django_capture_on_commit_callbacks
):
    case = implementing
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_first_report(case)
    # written with the change, not yet sent: nothing has reached a worker
    message = OutboxMessage.objects.get(task_name="calendar.notify_step_opened")
    assert message.sent_at is None
    assert not Notification.objects.exclude(kind__in=SESSION_KINDS).exists()
    assert len(callbacks) == 1

    callbacks[0]()  # the commit happens: published (eagerly run here)
    message.refresh_from_db()
    assert message.sent_at is not None
    opened = Notification.objects.filter(kind=NotificationKind.STEP_OPENED)
    monitors = {d.user for d in case.project.monitors.all()}
    assert {n.recipient for n in opened} == monitors
    assert all(n.task.flow_task == ProjectFlow.review_report for n in opened)


def test_a_refused_step_leaves_nothing_to_send(implementing, django_capture_on_commit_callbacks):
    case = implementing
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError),
    ):
        submit_first_report(case, progress=120)
    assert callbacks == []
    assert not OutboxMessage.objects.exists()


def test_with_the_broker_down_the_step_succeeds_and_the_message_is_kept(
    implementing, django_capture_on_commit_callbacks, broker_down
):
    case = implementing
    with django_capture_on_commit_callbacks(execute=True):
        submit_first_report(case)
    assert open_task(case.project.process, ProjectFlow.review_report) is not None
    kept = OutboxMessage.objects.get(task_name="calendar.notify_step_opened")
    assert kept.sent_at is None and kept.attempts == 1
    assert "Connection refused" in kept.last_error
    assert not Notification.objects.exclude(kind__in=SESSION_KINDS).exists()


def test_the_drain_sends_what_was_kept_once_the_broker_is_back(
    implementing, django_capture_on_commit_callbacks, monkeypatch, settings
):
    case = implementing
    real_publish = notifications._publish
    monkeypatch.setattr(notifications, "_publish", lambda name, args: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True):
        submit_first_report(case)
    monkeypatch.setattr(notifications, "_publish", real_publish)

    settings.OUTBOX_GRACE_SECONDS = 0
    assert notifications.outbox_drain() == 1  # the kept message: it writes 3 notifications
    assert Notification.objects.filter(kind=NotificationKind.STEP_OPENED).count() == 3
    # their e-mails are queued in turn (inside this test's transaction, which never
    # commits, they wait for the drain too)
    assert notifications.outbox_drain() == 3
    assert notifications.outbox_drain() == 0
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
    assert len(mail.outbox) == 3


def test_the_next_successful_publish_queues_a_drain_of_older_messages(
    implementing, django_capture_on_commit_callbacks, monkeypatch, settings
):
    case = implementing
    old = OutboxMessage.objects.create(task_name="calendar.drain_outbox", args=[])
    OutboxMessage.objects.filter(pk=old.pk).update(
        created=timezone.now() - datetime.timedelta(minutes=5)
    )
    published = []
    monkeypatch.setattr(notifications, "_publish", lambda name, args: published.append(name))
    with django_capture_on_commit_callbacks(execute=True):
        submit_first_report(case)
    assert published == ["calendar.notify_step_opened", "calendar.drain_outbox"]


def test_notify_claims_its_event_once(world):
    user = world.users[("qh-dh", "congress_office")]
    kwargs = dict(
        event_key="opened:1",
        recipients=[user, user],
        kind=NotificationKind.STEP_OPENED,
        params={"step": "s", "project": "p", "due": "—"},
    )
    assert len(notifications.notify(**kwargs)) == 1
    assert notifications.notify(**kwargs) == []
    assert Notification.objects.count() == 1
    assert OutboxMessage.objects.filter(task_name="calendar.deliver_notification").count() == 1
