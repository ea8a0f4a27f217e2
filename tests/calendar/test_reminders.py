"""Reminders before a due date, escalation on it, the monthly digest: each exactly once."""

import pytest
from django.core import mail

from core.models import Deputy, Stage
from core.models.calendar import Notification, NotificationKind, SentKey
from core.selectors import calendar as selectors
from core.services import calendar, notifications
from core.tasks import calendar as tasks
from permissions.roles import Role

from .helpers import deadline_of

# the voting sessions the cases went through told their own people (not these tests' concern)
SESSION_KINDS = (NotificationKind.SESSION_STEP, NotificationKind.VOTE_OPEN)

pytestmark = pytest.mark.django_db

PLAN_REMINDER_DAY = "2026-02-11"  # plan due 2026-02-14 (vote 2026-01-15 + 30 days)
PLAN_DUE_DAY = "2026-02-14"


def test_a_reminder_run_twice_sends_one_notification(make_case, world):
    case = make_case("qh-dh", to="planning")
    deadline = deadline_of(case.project, "submit_plan")
    first = calendar.deadline_remind(deadline_id=deadline.pk, today=PLAN_REMINDER_DAY)
    second = calendar.deadline_remind(deadline_id=deadline.pk, today=PLAN_REMINDER_DAY)
    assert len(first) == 1 and second == []
    notification = Notification.objects.get(kind=NotificationKind.REMINDER)
    assert notification.recipient == world.users[("qh-dh", case.dept)]
    assert notification.params["days"] == 3
    assert notification.url.endswith(f"/tasks/{deadline.task_id}/")
    assert SentKey.objects.filter(key__startswith=f"event:reminder:{deadline.pk}:").count() == 1
    deadline.refresh_from_db()
    assert deadline.reminded_at is not None


def test_the_reminder_task_is_idempotent_even_if_the_flag_was_lost(make_case):
    """The key in the database, not the deadline's flag, is what keeps it to one."""
    case = make_case("qh-dh", to="planning")
    deadline = deadline_of(case.project, "submit_plan")
    tasks.send_reminder.apply(args=(deadline.pk,), kwargs={"today": PLAN_REMINDER_DAY})
    type(deadline).objects.filter(pk=deadline.pk).update(reminded_at=None)
    tasks.send_reminder.apply(args=(deadline.pk,), kwargs={"today": PLAN_REMINDER_DAY})
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == 1


def test_no_reminder_before_its_day_nor_for_a_done_step(make_case):
    case = make_case("qh-dh", to="planning")
    deadline = deadline_of(case.project, "submit_plan")
    assert calendar.deadline_remind(deadline_id=deadline.pk, today="2026-02-10") == []
    case.plan_and_group()
    assert calendar.deadline_remind(deadline_id=deadline.pk, today=PLAN_REMINDER_DAY) == []
    assert not Notification.objects.exclude(kind__in=SESSION_KINDS).exists()


def test_the_sweep_finds_reminders_and_escalations_for_the_day(make_case):
    case = make_case("qh-dh", to="planning")
    deadline = deadline_of(case.project, "submit_plan")
    assert selectors.deadlines_due_for_reminder("2026-02-10") == []
    assert selectors.deadlines_due_for_reminder(PLAN_REMINDER_DAY) == [deadline.pk]
    assert selectors.deadlines_due_for_escalation("2026-02-13") == []
    assert selectors.deadlines_due_for_escalation(PLAN_DUE_DAY) == [deadline.pk]


def test_on_the_due_date_the_congress_office_and_the_lead_units_head_are_told_once(
    make_case, world, django_user_model
):
    case = make_case("qh-dh", to="planning")
    head = django_user_model.objects.create_user("works.head", email="head@demo.invalid")
    lead_unit = case.project.lead_unit
    lead_unit.head = head
    lead_unit.save()
    deadline = deadline_of(case.project, "submit_plan")

    sent = calendar.deadline_escalate(deadline_id=deadline.pk, today=PLAN_DUE_DAY)
    again = calendar.deadline_escalate(deadline_id=deadline.pk, today=PLAN_DUE_DAY)

    assert again == []
    recipients = {n.recipient for n in sent}
    assert recipients == {
        world.users[("qh-dh", Role.CONGRESS_OFFICE)],
        head,
        world.users[("qh-dh", case.dept)],
    }
    assert Notification.objects.filter(kind=NotificationKind.OVERDUE).count() == 3
    deadline.refresh_from_db()
    assert deadline.overdue_at is not None
    assert all(n.url == f"/work/cases/{case.project.pk}/" for n in sent)


def test_no_escalation_before_the_due_date(make_case):
    case = make_case("qh-dh", to="planning")
    deadline = deadline_of(case.project, "submit_plan")
    assert calendar.deadline_escalate(deadline_id=deadline.pk, today="2026-02-13") == []


def test_the_sweep_task_sends_every_reminder_through_the_worker_tasks(make_case):
    cases = [make_case("qh-dh", to="planning") for _ in range(3)]
    assert tasks.deadline_sweep.apply(kwargs={"today": PLAN_REMINDER_DAY}).get() == 3
    assert tasks.deadline_sweep.apply(kwargs={"today": PLAN_REMINDER_DAY}).get() == 0
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == 3
    assert {n.project for n in Notification.objects.filter(kind=NotificationKind.REMINDER)} == {
        c.project for c in cases
    }


def test_the_monthly_digest_tells_the_party_office_which_projects_are_behind(make_case, world):
    late = make_case("qh-dh", to="implementing")  # its first-quarter report is overdue
    make_case("qh-dh", to="assign_study")  # not under supervision yet
    late_id = deadline_of(late.project, "submit_report").pk
    calendar.deadline_escalate(deadline_id=late_id, today="2026-11-21")
    jurisdiction = late.project.jurisdiction

    sent = calendar.digest_send(jurisdiction_id=jurisdiction.pk, today="2026-12-01")
    again = calendar.digest_send(jurisdiction_id=jurisdiction.pk, today="2026-12-15")

    assert again == []
    assert [n.recipient for n in sent] == [world.users[("qh-dh", Role.PARTY_OFFICE)]]
    digest = sent[0]
    assert digest.params["count"] == 1
    assert late.project.title in digest.body
    assert digest.url == "/work/calendar/qh-dh/"
    # next month, another digest
    assert calendar.digest_send(jurisdiction_id=jurisdiction.pk, today="2027-01-01")


def test_no_digest_when_nothing_is_behind(make_case):
    case = make_case("qh-xs", to="planning")
    assert case.project.stage == Stage.PLANNING
    jurisdiction_id = case.project.jurisdiction_id
    assert calendar.digest_send(jurisdiction_id=jurisdiction_id, today="2026-01-20") == []
    # once the plan's due date has passed, the project is behind
    assert calendar.digest_send(jurisdiction_id=jurisdiction_id, today="2026-02-15")


def test_a_notification_goes_out_by_email_once_and_urgent_ones_by_sms(make_case, world, caplog):
    case = make_case("qh-dh", to="planning")
    deputy = world.users[("qh-dh", Role.CONGRESS_OFFICE)]
    notification = Notification.objects.create(
        recipient=deputy,
        kind=NotificationKind.OVERDUE,
        params={
            "step": "s",
            "project": case.project.title,
            "due": "2026-02-14",
            "responsible": "x",
        },
        url="/work/",
        event_key="test",
    )
    assert notifications.notification_deliver(notification_id=notification.pk) == ["email"]
    assert notifications.notification_deliver(notification_id=notification.pk) == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [deputy.email]
    assert (
        mail.outbox[0].extra_headers["Message-ID"] == f"<notification-{notification.pk}@livelihood>"
    )
    assert "http://127.0.0.1:8000/work/" in mail.outbox[0].body

    deputy_row = Deputy.objects.filter(jurisdiction__code="qh-dh", user__isnull=False).first()
    deputy_row.phone = "13800000000"
    deputy_row.save()
    urgent = Notification.objects.create(
        recipient=deputy_row.user,
        kind=NotificationKind.REMINDER,
        params={},
        event_key="test-2",
    )
    with caplog.at_level("INFO", logger="core.services.notifications"):
        assert notifications.notification_deliver(notification_id=urgent.pk) == ["email", "sms"]
    assert "SMS to 13800000000" in caplog.text
