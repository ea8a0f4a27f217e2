"""The calendar's tests run on a fixed day, so that quarters and due dates do not depend
on when the suite runs: 21 November 2026 (the fourth quarter)."""

import datetime

import pytest
from django.utils import translation

TODAY = datetime.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def fixed_today(settings):
    settings.CALENDAR_TODAY = TODAY.isoformat()
    return TODAY


@pytest.fixture(autouse=True)
def eager_celery():
    """Tasks run in this process, even where REDIS_URL is set (the live worker is the
    integration suite's business)."""
    from core.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def in_english():
    """Texts are asserted in English (the message ids); the constants work either way."""
    with translation.override("en"):
        yield
