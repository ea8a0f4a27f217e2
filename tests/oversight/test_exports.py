"""The satisfaction export marks the year-end rating of an unfinished project as such;
mid-year ratings are not year-end results and stay out of it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from core.models.reporting import ExportKind
from core.services import appraisal, meetings
from permissions.roles import Role
from tests.supervision.test_exports import (  # noqa: F401  (autouse fixtures)
    in_process_worker,
    media_root,
    rows_of,
    run,
    sheet_of,
)

pytestmark = pytest.mark.django_db


def test_an_unfinished_projects_year_end_rating_is_exported_and_marked(
    world, make_case, user_of, held_meeting, congress, django_capture_on_commit_callbacks
):
    closed = make_case("qh", to="closed_normal").project
    meeting, cases = held_meeting()
    unfinished, mid_year_only = cases[0].project, cases[1].project
    meetings.meeting_rate_project(
        actor=congress(), meeting=meeting, project=mid_year_only, rate=Decimal("95")
    )
    appraisal.rating_record_unfinished(
        actor=congress(),
        project=unfinished,
        year=2026,
        rated_on=datetime.date(2026, 11, 25),
        rate=Decimal("66.6"),
    )
    with translation.override("zh-hans"):
        job = run(
            user_of("qh", Role.SUPERVISOR),
            world,
            ExportKind.SATISFACTION,
            capture=django_capture_on_commit_callbacks,
        )
        marker = translation.gettext("Not finished when rated")
    data = {row[2]: row for row in rows_of(sheet_of(job), 3)}
    assert set(data) == {closed.title, unfinished.title}
    assert data[unfinished.title][4] == pytest.approx(66.6)
    assert data[unfinished.title][8] == marker
    assert data[closed.title][8] in ("", None)
