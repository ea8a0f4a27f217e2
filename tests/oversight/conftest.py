"""Cases and meetings of the supervision year, built through the services."""

import datetime

import pytest

from core.models import Deputy
from core.services import meetings
from permissions.roles import Role

YEAR = 2026
MID_YEAR = datetime.date(YEAR, 7, 20)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def eager_celery():
    """Reminders and notices run in this process, even where REDIS_URL is set (the live
    worker is the integration suite's business)."""
    from core.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def congress(user_of):
    return lambda code="qh": user_of(code, Role.CONGRESS_OFFICE)


@pytest.fixture
def deputies():
    def get(code="qh"):
        return list(Deputy.objects.filter(jurisdiction__code=code).order_by("pk"))

    return get


@pytest.fixture
def held_meeting(make_case, congress, deputies):
    """A county mid-year meeting with two projects under way, held with 6 of 8 present."""

    def make(code="qh", kind="mid_year", on=MID_YEAR, cases=None):
        cases = cases or [make_case(code, to="implementing"), make_case(code, to="implementing")]
        meeting = meetings.meeting_plan(
            actor=congress(code),
            jurisdiction=cases[0].project.jurisdiction,
            kind=kind,
            title="区人大常委会2026年年中会议",
            scheduled_on=on,
        )
        meetings.meeting_record_held(
            actor=congress(code),
            meeting=meeting,
            held_on=on,
            present=deputies(code)[:6],
            minutes="听取各项目上半年实施情况报告。",
            speakers="王建国、李秀英",
        )
        meeting.refresh_from_db()
        return meeting, cases

    return make
