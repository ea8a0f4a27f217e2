"""The duty record counts the supervision year's work: meetings attended and inspections
joined, each in the year it happened, for the deputies who were there."""

import datetime

import pytest

from core.models.inspections import Inspection
from core.models.meetings import Meeting
from core.selectors.duty import inspections_joined, meetings_attended

pytestmark = pytest.mark.django_db


def test_meetings_attended_and_inspections_joined_count_in_their_year(world):
    township = world.jurisdictions["qh-dh"]
    deputies = list(township.deputies.order_by("pk"))
    meeting = Meeting.objects.create(
        jurisdiction=township,
        year=2026,
        kind="quarterly",
        title="第二次季会",
        scheduled_on=datetime.date(2026, 6, 20),
        held_on=datetime.date(2026, 6, 20),
    )
    meeting.attendees.set(deputies[:5])
    inspection = Inspection.objects.create(
        jurisdiction=township,
        kind="inspection",
        body="group",
        held_on=datetime.date(2026, 5, 12),
        title="视察老街管网改造",
        findings="围挡不连续。",
    )
    inspection.deputies.set(deputies[3:5])
    assert meetings_attended(deputies, 2026) == {d.pk: 1 for d in deputies[:5]}
    assert inspections_joined(deputies, 2026) == {d.pk: 1 for d in deputies[3:5]}
    assert meetings_attended(deputies, 2025) == {} == inspections_joined(deputies, 2025)
