"""A mid-year satisfaction vote held at the mid-year meeting: secret sealed ballots on the
projects under way, counted by the tellers; the announcement stores each project's
mid-year rating and moves no case, sets no year-end band."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core import oversight_messages as om
from core.models import Stage
from core.models.meetings import ProjectRating, RatingPurpose
from core.models.voting import SessionKind
from core.services import meetings
from core.services import voting as services
from permissions.roles import Role
from tests.voting.session_setup import (
    cast_all,
    close_and_announce,
    deputies,
    ids,
    set_teller_keys,
)

pytestmark = pytest.mark.django_db
CODE = "qh-dh"


def test_a_mid_year_vote_rates_the_projects_under_way_without_moving_them(
    world, make_case, held_meeting, congress
):
    cases = [make_case(CODE, to="implementing"), make_case(CODE, to="report_review")]
    accepted = make_case(CODE, to="evaluation")
    meeting, _ = held_meeting(CODE, on=datetime.date(2026, 7, 20), cases=cases)
    office, party = congress(CODE), world.users[(CODE, Role.PARTY_OFFICE)]
    session = services.session_create(
        actor=office,
        jurisdiction=meeting.jurisdiction,
        year=2026,
        kind=SessionKind.SATISFACTION,
        title="东湖镇2026年民生实事项目年中测评",
        purpose=RatingPurpose.MID_YEAR,
    )
    meetings.meeting_link_rating_session(actor=office, meeting=meeting, session=session)
    eligible = set(services.eligible_projects(session).values_list("pk", flat=True))
    assert {c.project.pk for c in cases} <= eligible and accepted.project.pk not in eligible
    projects = [c.project for c in cases]
    services.session_build_slate(actor=office, session=session, projects=projects)
    services.session_approve_slate(actor=party, session=session)
    services.session_record_attendance(actor=office, session=session, present=deputies(CODE))
    set_teller_keys(world, session)
    services.session_open(actor=office, session=session)
    session.refresh_from_db()
    first, second = ids(projects)
    cast_all(
        session,
        [{first: "satisfied", second: "unsatisfied"}] * 6
        + [{first: "basic", second: "satisfied"}] * 2,
    )
    session = close_and_announce(world, session)
    ratings = {r.project_id: r for r in ProjectRating.objects.filter(session=session)}
    assert float(ratings[projects[0].pk].rate) == 100.0
    assert ratings[projects[0].pk].meeting == meeting
    assert ratings[projects[0].pk].purpose == RatingPurpose.MID_YEAR
    assert float(ratings[projects[1].pk].rate) == 25.0
    for case in cases:
        case.refresh()
        assert case.project.band == "" and case.project.stage == Stage.IMPLEMENTING
        assert case.project.satisfaction_rate is None
    accepted.refresh()
    assert accepted.project.stage == Stage.EVALUATION


def test_only_a_satisfaction_vote_can_be_a_mid_year_rating(world, congress):
    with pytest.raises(ValidationError) as error:
        services.session_create(
            actor=congress(CODE),
            jurisdiction=world.jurisdictions[CODE],
            year=2026,
            kind=SessionKind.SELECTION,
            rules={"seats": 1},
            purpose=RatingPurpose.MID_YEAR,
        )
    assert error.value.message_dict["purpose"] == [str(om.MID_YEAR_ONLY_SATISFACTION)]


def test_a_meeting_is_rated_only_by_a_mid_year_vote(held_meeting, congress):
    meeting, _cases = held_meeting()
    year_end = services.session_create(
        actor=congress(), jurisdiction=meeting.jurisdiction, year=2026, kind="satisfaction"
    )
    with pytest.raises(ValidationError) as error:
        meetings.meeting_link_rating_session(actor=congress(), meeting=meeting, session=year_end)
    assert error.value.message_dict["session"] == [str(om.SESSION_NOT_FOR_MEETING)]


def test_the_session_form_creates_a_mid_year_vote_the_meeting_can_name(
    client, held_meeting, congress
):
    from django.urls import reverse

    from core.models.voting import VotingSession

    meeting, _cases = held_meeting()
    client.force_login(congress())
    response = client.post(
        reverse("voting:session_new"),
        {
            "jurisdiction": "qh",
            "year": 2026,
            "kind": "satisfaction",
            "purpose": "mid_year",
            "method": "electronic",
            "title": "年中测评",
        },
    )
    assert response.status_code == 302
    session = VotingSession.objects.get(title="年中测评")
    assert session.purpose == RatingPurpose.MID_YEAR
    page = client.get(reverse("oversight:meeting", args=[meeting.pk])).content.decode()
    assert f'<option value="{session.pk}">' in page
    response = client.post(
        reverse("oversight:meeting_session", args=[meeting.pk]), {"session-session": session.pk}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.rating_session == session
