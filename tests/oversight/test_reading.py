"""Who reads what: the Party committee office reads its dashboard, annual report and
appraisal sheets; lists stay within the reader's jurisdictions and a constant number of
queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.services import inspections, meetings
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def test_the_party_committee_office_reads_its_dashboard_and_annual_report(client, user_of):
    client.force_login(user_of("qh-dh", Role.PARTY_OFFICE))
    assert client.get(reverse("supervision:dashboard")).status_code == 200
    assert client.get(reverse("supervision:annual", args=["qh-dh", 2026])).status_code == 200
    assert client.get(reverse("supervision:annual", args=["qh-xs", 2026])).status_code == 404
    assert client.get(reverse("oversight:appraisal")).status_code == 200


def test_a_department_clerk_does_not_see_the_appraisal_pages(client, world):
    client.force_login(world.users[("qh", "works")])
    assert client.get(reverse("oversight:appraisal")).status_code == 403


def test_lists_show_only_the_readers_jurisdictions(held_meeting, make_case, congress, client):
    meeting, _cases = held_meeting()
    sibling = make_case("qh-dh", to="implementing")
    other = inspections.inspection_record(
        actor=congress("qh-dh"),
        jurisdiction=sibling.project.jurisdiction,
        kind="inspection",
        body="committee",
        held_on=datetime.date(2026, 6, 1),
        projects=[sibling.project],
        findings="东湖镇的视察",
    )
    client.force_login(congress("qh-xs"))
    assert meeting.title not in client.get(reverse("oversight:meetings")).content.decode()
    assert other.title not in client.get(reverse("oversight:inspections")).content.decode()
    client.force_login(congress("qh"))
    assert meeting.title in client.get(reverse("oversight:meetings")).content.decode()


def _counts(client, urls) -> dict:
    counts = {}
    for url in urls:
        client.get(url)  # warm the caches (content types, permissions)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    return counts


def test_list_pages_take_a_constant_number_of_queries(held_meeting, make_case, congress, client):
    meeting, cases = held_meeting()

    def add(case):
        meetings.meeting_issue_opinion(
            actor=congress(),
            meeting=meeting,
            project=case.project,
            text="意见",
            due=datetime.date(2026, 8, 31),
        )
        inspections.inspection_record(
            actor=congress(),
            jurisdiction=case.project.jurisdiction,
            kind="inspection",
            body="committee",
            held_on=datetime.date(2026, 6, 1),
            projects=[case.project],
            findings="情况",
        )

    add(cases[0])
    client.force_login(congress())
    urls = [
        reverse("oversight:meetings"),
        reverse("oversight:inspections"),
        reverse("oversight:opinions"),
        reverse("oversight:meeting", args=[meeting.pk]),
        reverse("public:board", args=["qh"]),
    ]
    before = _counts(client, urls)
    add(cases[1])
    for _n in range(2):
        meetings.meeting_plan(
            actor=congress(),
            jurisdiction=meeting.jurisdiction,
            kind="mid_year",
            title="又一次会议",
            scheduled_on=datetime.date(2026, 8, 20),
        )
    assert _counts(client, urls) == before


def test_the_calendar_page_shows_a_planned_meeting(make_case, congress, client, settings):
    settings.CALENDAR_TODAY = "2026-11-01"
    case = make_case("qh-dh", to="implementing")
    meetings.meeting_plan(
        actor=congress("qh-dh"),
        jurisdiction=case.project.jurisdiction,
        kind="quarterly",
        title="东湖镇第二次季度例会",
        scheduled_on=datetime.date(2026, 12, 16),
    )
    client.force_login(congress("qh-dh"))
    page = client.get(reverse("calendar:jurisdiction", args=["qh-dh"])).content.decode()
    assert "东湖镇第二次季度例会" in page
