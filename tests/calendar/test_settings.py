"""Bad calendar configuration is refused with a clear message and writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from core.models.calendar import (
    COLLECTION_END_BEFORE_START,
    DAYS_NEGATIVE,
    DUE_DAYS_ZERO,
    MEETING_IN_PAST,
    NOT_A_DATE,
    SCHEDULE_IN_PAST,
    CalendarSettings,
)
from core.services import calendar
from core.tasks import calendar as tasks
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def update(world, **values):
    return calendar.calendar_settings_update(
        actor=world.users[("qh-dh", Role.CONGRESS_OFFICE)],
        jurisdiction=world.jurisdictions["qh-dh"],
        **values,
    )


def refused(world, **values) -> dict:
    with pytest.raises(ValidationError) as error:
        update(world, **values)
    assert not CalendarSettings.objects.exists()
    return {field: [str(m) for m in msgs] for field, msgs in error.value.message_dict.items()}


def test_negative_due_days_are_refused(world):
    errors = refused(world, report_due_days=-1, reminder_lead_days=-3)
    assert errors == {
        "report_due_days": [str(DAYS_NEGATIVE)],
        "reminder_lead_days": [str(DAYS_NEGATIVE)],
    }


def test_a_step_needs_at_least_one_day(world):
    assert refused(world, plan_due_days=0) == {"plan_due_days": [str(DUE_DAYS_ZERO)]}


def test_a_collection_window_that_ends_before_it_starts_is_refused(world):
    errors = refused(
        world, collection_start_month=10, collection_end_month=9, collection_end_day=30
    )
    assert errors == {"collection_end_day": [str(COLLECTION_END_BEFORE_START)]}


def test_a_collection_day_that_is_not_a_date_is_refused(world):
    errors = refused(world, collection_end_month=2, collection_end_day=30)
    assert errors == {"collection_end_day": [str(NOT_A_DATE % {"month": 2, "day": 30})]}


def test_a_mid_year_meeting_in_the_past_is_refused(world, fixed_today):
    past = fixed_today - datetime.timedelta(days=1)
    assert refused(world, mid_year_meeting=past) == {"mid_year_meeting": [str(MEETING_IN_PAST)]}


def test_a_good_calendar_is_kept_with_its_history(world):
    cal = update(world, report_due_days=15, collection_all_year=True)
    assert cal.pk and cal.report_due_days == 15
    assert cal.history.count() == 1
    assert cal.history.first().history_user == world.users[("qh-dh", Role.CONGRESS_OFFICE)]


def test_only_the_congress_office_may_change_the_calendar(world):
    with pytest.raises(PermissionDenied):
        calendar.calendar_settings_update(
            actor=world.users[("qh-dh", Role.GOVERNMENT_OFFICE)],
            jurisdiction=world.jurisdictions["qh-dh"],
            report_due_days=12,
        )


def test_the_schedule_is_set_up_once_and_keeps_an_offices_change():
    first = calendar.schedule_setup()
    assert len(first) == len(
        calendar.BEAT_SCHEDULE
    )  # the calendar's four, the webhook retries, the figures' warm-up
    digest = PeriodicTask.objects.get(name="calendar: monthly digest")
    assert (digest.crontab.day_of_month, digest.crontab.hour) == ("1", "8")
    calendar.schedule_change(actor=None, name=digest.name, minute="0", hour="9", day_of_month="2")
    calendar.schedule_setup()
    assert PeriodicTask.objects.filter(name__startswith="calendar:").count() == 4
    digest.refresh_from_db()
    assert (digest.crontab.day_of_month, digest.crontab.hour) == ("2", "9")
    calendar.schedule_setup(reset=True)
    digest.refresh_from_db()
    assert (digest.crontab.day_of_month, digest.crontab.hour) == ("1", "8")


def test_a_schedule_in_the_past_or_at_no_time_is_refused():
    calendar.schedule_setup()
    with pytest.raises(ValidationError) as error:
        calendar.schedule_change(
            actor=None,
            name="calendar: monthly digest",
            hour="8",
            starts=timezone.now() - datetime.timedelta(days=1),
        )
    assert error.value.message_dict == {"starts": [str(SCHEDULE_IN_PAST)]}
    with pytest.raises(ValidationError) as error:
        calendar.schedule_change(actor=None, name="calendar: monthly digest", hour="25")
    assert list(error.value.message_dict) == ["hour"]


def test_setup_schedule_command_reports_a_bad_change_clearly():
    call_command("setup_schedule")
    with pytest.raises(CommandError, match=str(SCHEDULE_IN_PAST)):
        call_command(
            "setup_schedule", change="calendar: monthly digest", at="08:00", starts="2020-01-01"
        )


def test_every_task_is_acknowledged_late_and_backs_off_within_the_visibility_timeout(settings):
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert timeout > settings.CALENDAR_RETRY_MAX_SECONDS
    for name in dir(tasks):
        task = getattr(tasks, name)
        if hasattr(task, "acks_late") and getattr(task, "name", "").startswith("calendar."):
            assert task.acks_late, task.name
