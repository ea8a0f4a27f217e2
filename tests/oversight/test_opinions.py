"""Review opinions: one answer each by the lead unit, the congress office's check
("回头看"), reminders and escalation on the calendar like any other due date."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import oversight_messages as om
from core.models import AuditEntry, OpinionCheck
from core.models.calendar import Notification, NotificationKind
from core.selectors import oversight as selectors
from core.selectors.calendar import scheduled_next
from core.services import meetings, review_opinions
from core.tasks import calendar as calendar_tasks
from permissions.roles import Role

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 8, 31)


@pytest.fixture
def opinion(held_meeting, congress):
    meeting, cases = held_meeting()
    made = meetings.meeting_issue_opinion(
        actor=congress(),
        meeting=meeting,
        project=cases[0].project,
        text="加快施工进度。",
        due=DUE,
    )
    made.case = cases[0]
    return made


def lead_clerk(world, opinion):
    return world.users[("qh", opinion.case.dept)]


def test_the_lead_unit_answers_each_opinion_once(world, opinion):
    clerk = lead_clerk(world, opinion)
    answered = review_opinions.review_opinion_answer(
        actor=clerk, opinion=opinion, answer="已增加施工班组，预计10月完工。"
    )
    assert answered.answered_by == clerk and answered.answered_at is not None
    with pytest.raises(ValidationError) as error:
        review_opinions.review_opinion_answer(actor=clerk, opinion=opinion, answer="再答一次")
    assert error.value.message_dict["answer"] == [str(om.OPINION_ALREADY_ANSWERED)]
    opinion.refresh_from_db()
    assert opinion.answer == "已增加施工班组，预计10月完工。"
    assert AuditEntry.objects.filter(action="opinion.answer").count() == 1


def test_only_the_addressed_lead_unit_may_answer(world, opinion, user_of):
    other_dept = "social" if opinion.case.dept == "works" else "works"
    for intruder in (
        world.users[("qh", other_dept)],
        world.users[("qh-dh", opinion.case.dept)],
        user_of("qh", Role.CONGRESS_OFFICE),
        user_of("qh", Role.SUPERVISOR),
    ):
        with pytest.raises(PermissionDenied):
            review_opinions.review_opinion_answer(actor=intruder, opinion=opinion, answer="答复")
    opinion.refresh_from_db()
    assert opinion.answered_at is None


def test_an_empty_answer_is_refused(world, opinion):
    with pytest.raises(ValidationError) as error:
        review_opinions.review_opinion_answer(
            actor=lead_clerk(world, opinion), opinion=opinion, answer="  "
        )
    assert error.value.message_dict["answer"] == [str(om.OPINION_ANSWER_REQUIRED)]


def test_the_check_accepts_or_returns_the_answer_with_a_new_due_date(world, opinion, congress):
    clerk = lead_clerk(world, opinion)
    review_opinions.review_opinion_answer(actor=clerk, opinion=opinion, answer="已整改。")
    with pytest.raises(ValidationError) as error:
        review_opinions.review_opinion_check(actor=congress(), opinion=opinion, accepted=False)
    assert set(error.value.message_dict) == {"note", "new_due"}
    returned = review_opinions.review_opinion_check(
        actor=congress(),
        opinion=opinion,
        accepted=False,
        note="答复过于笼统，请说明具体措施。",
        new_due=datetime.date(2026, 12, 31),
        today=datetime.date(2026, 12, 1),
    )
    assert returned.check_result == OpinionCheck.RETURNED and returned.answered_at is None
    assert returned.due == datetime.date(2026, 12, 31)
    review_opinions.review_opinion_answer(actor=clerk, opinion=opinion, answer="增加两个班组。")
    accepted = review_opinions.review_opinion_check(
        actor=congress(), opinion=opinion, accepted=True
    )
    assert accepted.check_result == OpinionCheck.ACCEPTED
    with pytest.raises(ValidationError):
        review_opinions.review_opinion_check(actor=congress(), opinion=opinion, accepted=True)
    assert AuditEntry.objects.filter(action="opinion.check").count() == 2


def test_an_unanswered_opinion_cannot_be_checked_and_others_may_not_check(
    opinion, congress, user_of
):
    with pytest.raises(ValidationError) as error:
        review_opinions.review_opinion_check(actor=congress(), opinion=opinion, accepted=True)
    assert error.value.message_dict["note"] == [str(om.OPINION_NOT_ANSWERED)]
    for intruder in (user_of("qh", Role.PARTY_OFFICE), user_of("qh-dh", Role.CONGRESS_OFFICE)):
        with pytest.raises(PermissionDenied):
            review_opinions.review_opinion_check(actor=intruder, opinion=opinion, accepted=True)


def test_an_opinion_is_reminded_then_escalated_once_by_the_daily_sweep(world, opinion, congress):
    clerk = lead_clerk(world, opinion)
    calendar_tasks.deadline_sweep.apply(kwargs={"today": "2026-08-28"})
    reminder = Notification.objects.get(recipient=clerk, kind=NotificationKind.REMINDER)
    assert opinion.project.title in reminder.title
    calendar_tasks.deadline_sweep.apply(kwargs={"today": "2026-08-29"})
    assert Notification.objects.filter(recipient=clerk, kind="reminder").count() == 1
    calendar_tasks.deadline_sweep.apply(kwargs={"today": "2026-08-31"})
    calendar_tasks.deadline_sweep.apply(kwargs={"today": "2026-09-01"})
    told = set(
        Notification.objects.filter(kind=NotificationKind.OVERDUE, project=opinion.project)
        .filter(event_key__startswith="opinion-overdue")
        .values_list("recipient", flat=True)
    )
    assert {clerk.pk, congress().pk} <= told
    opinion.refresh_from_db()
    assert opinion.overdue_at is not None
    assert list(selectors.review_opinions_for_user(congress(), "overdue")) == [opinion]


def test_an_answered_opinion_is_not_escalated(world, opinion):
    review_opinions.review_opinion_answer(
        actor=lead_clerk(world, opinion), opinion=opinion, answer="已完成。"
    )
    calendar_tasks.deadline_sweep.apply(kwargs={"today": "2026-09-01"})
    assert not Notification.objects.filter(
        event_key__regex=r"^opinion-(reminder|overdue):"
    ).exists()


def test_the_calendar_shows_an_opinions_reminder_and_escalation(opinion):
    items = scheduled_next(opinion.project.jurisdiction, today=datetime.date(2026, 8, 1))
    whats = [(item.on, item.what) for item in items if item.project_id == opinion.project_id]
    assert datetime.date(2026, 8, 28) in [on for on, _what in whats]
    assert any(on == DUE for on, _what in whats)


def test_the_lead_unit_is_told_of_a_new_or_returned_opinion(world, opinion, congress):
    clerk = lead_clerk(world, opinion)
    told = Notification.objects.filter(recipient=clerk, kind=NotificationKind.STEP_OPENED)
    assert told.filter(event_key=f"opinion-issued:{opinion.pk}").exists()
    assert opinion.project.title in told.get().title
    review_opinions.review_opinion_answer(actor=clerk, opinion=opinion, answer="已整改。")
    review_opinions.review_opinion_check(
        actor=congress(),
        opinion=opinion,
        accepted=False,
        note="请补充整改照片。",
        new_due=datetime.date(2026, 12, 31),
        today=datetime.date(2026, 12, 1),
    )
    assert told.count() == 2
