"""A jurisdiction's supervision year, built through the services for the API tests: a
held meeting with a review opinion (answered), an inspection, an approved change and a
proposed one."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.models import Deputy
from core.services import changes, inspections, meetings, review_opinions
from permissions.roles import Role

MID_YEAR = datetime.date(2026, 7, 20)


def build_year(world, make_case, code="qh-dh"):
    congress = world.users[(code, Role.CONGRESS_OFFICE)]
    government = world.users[(code, Role.GOVERNMENT_OFFICE)]
    for user in (congress, government):
        if hasattr(user, "_scope_assignments"):
            del user._scope_assignments
    cases = [make_case(code, to="implementing") for _ in range(2)]
    jurisdiction = cases[0].project.jurisdiction
    deputies = list(Deputy.objects.filter(jurisdiction=jurisdiction).order_by("pk"))
    meeting = meetings.meeting_plan(
        actor=congress,
        jurisdiction=jurisdiction,
        kind="mid_year",
        title=f"{jurisdiction.name}2026年年中会议",
        scheduled_on=MID_YEAR,
    )
    meetings.meeting_record_held(
        actor=congress,
        meeting=meeting,
        held_on=MID_YEAR,
        present=deputies[:6],
        minutes="听取各项目上半年实施情况报告。",
        speakers="王建国、李秀英",
    )
    opinion = meetings.meeting_issue_opinion(
        actor=congress,
        meeting=meeting,
        project=cases[0].project,
        text="加快施工进度。",
        due=datetime.date(2026, 8, 31),
    )
    review_opinions.review_opinion_answer(
        actor=world.users[(code, cases[0].dept)], opinion=opinion, answer="已增加施工班组。"
    )
    inspection = inspections.inspection_record(
        actor=congress,
        jurisdiction=jurisdiction,
        kind="inspection",
        body="committee",
        held_on=datetime.date(2026, 6, 1),
        title=f"{jurisdiction.name}项目视察",
        projects=[cases[0].project],
        deputies=deputies[:2],
        findings="工地安全措施到位，进度略慢。",
    )
    approved = changes.change_propose(
        actor=government,
        project=cases[0].project,
        kind="adjust",
        reason="建材价格上涨，需追加预算。",
        new_budget=Decimal("480"),
    )
    changes.change_decide(
        actor=congress, change=approved, approved=True, decided_on=datetime.date(2026, 6, 28)
    )
    proposed = changes.change_propose(
        actor=government,
        project=cases[1].project,
        kind="stop",
        reason="上级专项资金未到位。",
    )
    meeting.refresh_from_db()
    opinion.refresh_from_db()
    approved.refresh_from_db()
    return SimpleNamespace(
        cases=cases,
        projects=[c.project for c in cases],
        meeting=meeting,
        opinion=opinion,
        inspection=inspection,
        approved=approved,
        proposed=proposed,
        deputies=deputies,
    )


@pytest.fixture
def supervision_year(world, make_case):
    """supervision_year(code="qh-dh"): the year built in that jurisdiction."""
    return lambda code="qh-dh": build_year(world, make_case, code)
