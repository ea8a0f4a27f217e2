"""Meetings: planning with an agenda, holding with a quorum, review opinions, mid-year
ratings that never move the year-end band."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core import oversight_messages as om
from core.models import AuditEntry, Band, Opinion
from core.models.calendar import CalendarSettings
from core.models.meetings import Meeting, MeetingStatus, ProjectRating, RatingPurpose
from core.services import changes, meetings
from permissions.roles import Role

from .conftest import MID_YEAR

pytestmark = pytest.mark.django_db


def test_a_mid_year_meeting_hears_every_project_under_way_with_its_latest_report(
    make_case, congress
):
    reported = make_case("qh", to="report_review")
    plain = make_case("qh", to="implementing")
    elsewhere = make_case("qh-dh", to="implementing")
    meeting = meetings.meeting_plan(
        actor=congress(),
        jurisdiction=reported.project.jurisdiction,
        kind="mid_year",
        title="年中会议",
        scheduled_on=MID_YEAR,
    )
    agenda = {item.project_id: item for item in meeting.agenda.all()}
    assert reported.project.pk in agenda and plain.project.pk in agenda
    assert elsewhere.project.pk not in agenda
    assert agenda[reported.project.pk].report == reported.project.reports.get()
    assert agenda[plain.project.pk].report is None
    assert AuditEntry.objects.filter(action="meeting.plan", target_id=str(meeting.pk)).exists()


def test_a_future_mid_year_meeting_moves_the_half_year_report_due_date(
    make_case, congress, user_of
):
    case = make_case("qh", to="implementing")
    changes.phase_add(
        actor=user_of("qh", Role.GOVERNMENT_OFFICE),
        project=case.project,
        year=2027,
        targets="完成二期工程",
    )
    meeting = meetings.meeting_plan(
        actor=congress(),
        jurisdiction=case.project.jurisdiction,
        kind="mid_year",
        title="2027年年中会议",
        scheduled_on=datetime.date(2027, 7, 10),
        today=datetime.date(2027, 3, 1),
    )
    assert list(meeting.agenda.values_list("project", flat=True)) == [case.project.pk]
    cal = CalendarSettings.objects.get(jurisdiction=case.project.jurisdiction)
    assert cal.mid_year_meeting == datetime.date(2027, 7, 10)


@pytest.mark.parametrize(
    "code, kind, on, message",
    [
        ("qh", "quarterly", MID_YEAR, om.MEETING_KIND_NOT_FOR_LEVEL),
        ("qh", "mid_year", datetime.date(2026, 5, 20), om.MEETING_MID_YEAR_MONTHS),
        ("qh-nm", "council_end", datetime.date(2026, 9, 20), om.MEETING_YEAR_END_MONTHS),
        ("qh-nm", "mid_year", MID_YEAR, om.MEETING_KIND_NOT_FOR_LEVEL),
    ],
)
def test_a_meeting_the_practice_does_not_hold_is_refused(
    make_case, congress, code, kind, on, message
):
    case = make_case(code, to="implementing")
    with pytest.raises(ValidationError) as error:
        meetings.meeting_plan(
            actor=congress(code),
            jurisdiction=case.project.jurisdiction,
            kind=kind,
            title="会议",
            scheduled_on=on,
        )
    expected = (
        str(message % {"level": case.project.jurisdiction.get_level_display()})
        if ("%(level)s" in str(message))
        else str(message)
    )
    assert expected in error.value.messages
    assert not Meeting.objects.filter(jurisdiction=case.project.jurisdiction).exists()


def test_a_township_holds_two_quarterly_meetings_a_year(make_case, congress):
    case = make_case("qh-dh", to="implementing")
    j = case.project.jurisdiction
    for month in (4, 10):
        meetings.meeting_plan(
            actor=congress("qh-dh"),
            jurisdiction=j,
            kind="quarterly",
            title=f"{month}月季会",
            scheduled_on=datetime.date(2026, month, 15),
        )
    with pytest.raises(ValidationError) as error:
        meetings.meeting_plan(
            actor=congress("qh-dh"),
            jurisdiction=j,
            kind="quarterly",
            title="第三次季会",
            scheduled_on=datetime.date(2026, 11, 15),
        )
    assert str(om.MEETING_QUARTERLY_LIMIT) in error.value.messages
    assert Meeting.objects.filter(jurisdiction=j).count() == 2


def test_a_meeting_without_projects_under_way_is_refused(world, congress):
    with pytest.raises(ValidationError) as error:
        meetings.meeting_plan(
            actor=congress("qh-xs"),
            jurisdiction=world.jurisdictions["qh-xs"],
            kind="quarterly",
            title="季会",
            scheduled_on=datetime.date(2031, 4, 1),
        )
    assert str(om.MEETING_NO_PROJECTS) in error.value.messages


def test_only_the_congress_office_plans_and_records_meetings(make_case, user_of, deputies):
    case = make_case("qh", to="implementing")
    for intruder in (
        user_of("qh", Role.GOVERNMENT_OFFICE),
        user_of("qh", Role.PARTY_OFFICE),
        user_of("qh", Role.SUPERVISOR),
        user_of("qh-dh", Role.CONGRESS_OFFICE),
        deputies()[0].user,
    ):
        with pytest.raises(PermissionDenied):
            meetings.meeting_plan(
                actor=intruder,
                jurisdiction=case.project.jurisdiction,
                kind="mid_year",
                title="年中会议",
                scheduled_on=MID_YEAR,
            )
    assert not Meeting.objects.exists()


def test_a_meeting_without_quorum_is_not_held_and_writes_nothing(make_case, congress, deputies):
    case = make_case("qh", to="implementing")
    meeting = meetings.meeting_plan(
        actor=congress(),
        jurisdiction=case.project.jurisdiction,
        kind="mid_year",
        title="年中会议",
        scheduled_on=MID_YEAR,
    )
    with pytest.raises(ValidationError) as error:
        meetings.meeting_record_held(
            actor=congress(),
            meeting=meeting,
            held_on=MID_YEAR,
            present=deputies()[:4],
            minutes="纪要",
        )
    assert str(om.MEETING_NO_QUORUM % {"present": 4, "total": 8}) in error.value.messages
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    assert not meeting.attendees.exists()
    assert not meeting.agenda.filter(heard=True).exists()


def test_attendance_from_another_jurisdiction_and_a_future_date_are_refused(
    make_case, congress, deputies
):
    case = make_case("qh", to="implementing")
    meeting = meetings.meeting_plan(
        actor=congress(),
        jurisdiction=case.project.jurisdiction,
        kind="mid_year",
        title="年中会议",
        scheduled_on=MID_YEAR,
    )
    with pytest.raises(ValidationError) as error:
        meetings.meeting_record_held(
            actor=congress(),
            meeting=meeting,
            held_on=datetime.date(2099, 7, 1),
            present=deputies()[:5] + deputies("qh-dh")[:1],
            minutes="",
        )
    assert set(error.value.message_dict) == {"held_on", "present", "minutes"}
    assert error.value.message_dict["present"] == [str(om.MEETING_ATTENDEE_OUTSIDE)]


def test_a_held_meeting_issues_opinions_each_due_by_a_date(held_meeting, congress):
    meeting, cases = held_meeting()
    project = cases[0].project
    opinion = meetings.meeting_issue_opinion(
        actor=congress(),
        meeting=meeting,
        project=project,
        text="加快施工进度，确保年底前完工。",
        due=datetime.date(2026, 8, 31),
    )
    assert opinion.addressee == project.lead_unit
    assert opinion.meeting == meeting and opinion.report is None
    assert opinion.remind_on == datetime.date(2026, 8, 28)
    assert AuditEntry.objects.filter(action="opinion.issue", target_id=str(opinion.pk)).exists()
    assert meeting.agenda.filter(heard=True).count() == 2


@pytest.mark.parametrize(
    "text, due, field, message",
    [
        ("意见", None, "due", om.OPINION_DUE_REQUIRED),
        ("", datetime.date(2026, 8, 31), "text", om.OPINION_TEXT_REQUIRED),
        ("意见", datetime.date(2026, 7, 1), "due", om.OPINION_DUE_IN_PAST),
        ("长" * 2001, datetime.date(2026, 8, 31), "text", om.OPINION_TEXT_TOO_LONG),
    ],
)
def test_an_opinion_without_a_due_date_or_text_is_refused(
    held_meeting, congress, text, due, field, message
):
    meeting, cases = held_meeting()
    with pytest.raises(ValidationError) as error:
        meetings.meeting_issue_opinion(
            actor=congress(), meeting=meeting, project=cases[0].project, text=text, due=due
        )
    expected = message % {"limit": 2000} if "%(limit)" in str(message) else message
    assert error.value.message_dict[field] == [str(expected)]
    assert not Opinion.objects.filter(meeting=meeting).exists()


def test_an_opinion_on_a_project_not_heard_is_refused(held_meeting, make_case, congress):
    meeting, _cases = held_meeting()
    other = make_case("qh", to="candidate")
    with pytest.raises(ValidationError) as error:
        meetings.meeting_issue_opinion(
            actor=congress(),
            meeting=meeting,
            project=other.project,
            text="意见",
            due=datetime.date(2026, 8, 31),
        )
    assert error.value.message_dict["project"] == [str(om.PROJECT_NOT_ON_AGENDA)]


def test_a_mid_year_rating_shows_as_such_and_never_moves_the_year_end_band(held_meeting, congress):
    meeting, cases = held_meeting()
    project = cases[0].project
    rating = meetings.meeting_rate_project(
        actor=congress(), meeting=meeting, project=project, mean_score=Decimal("91.5")
    )
    assert rating.purpose == RatingPurpose.MID_YEAR
    assert rating.band == Band.COMMEND and rating.scale == "score_100"
    project.refresh_from_db()
    assert project.band == "" and project.satisfaction_mean is None
    low = meetings.meeting_rate_project(
        actor=congress(), meeting=meeting, project=cases[1].project, rate=Decimal("41")
    )
    assert low.band == Band.ACCOUNTABILITY
    cases[1].refresh()
    assert cases[1].project.band == "" and cases[1].project.stage == "implementing"
    assert AuditEntry.objects.filter(action="rating.mid_year").count() == 2


def test_a_project_is_rated_once_at_mid_year(held_meeting, congress):
    meeting, cases = held_meeting()
    meetings.meeting_rate_project(
        actor=congress(), meeting=meeting, project=cases[0].project, rate=Decimal("80")
    )
    with pytest.raises(ValidationError) as error:
        meetings.meeting_rate_project(
            actor=congress(), meeting=meeting, project=cases[0].project, rate=Decimal("90")
        )
    assert error.value.message_dict["project"] == [str(om.RATING_ALREADY_RECORDED % {"year": 2026})]
    assert ProjectRating.objects.get(project=cases[0].project).rate == Decimal("80")


@pytest.mark.parametrize(
    "rate, mean, message",
    [(None, None, om.RATING_FIGURE_REQUIRED), (Decimal("101"), None, om.RATING_OUT_OF_RANGE)],
)
def test_a_rating_needs_a_figure_between_0_and_100(held_meeting, congress, rate, mean, message):
    meeting, cases = held_meeting()
    with pytest.raises(ValidationError) as error:
        meetings.meeting_rate_project(
            actor=congress(), meeting=meeting, project=cases[0].project, rate=rate, mean_score=mean
        )
    assert error.value.message_dict["rate"] == [str(message)]
    assert not ProjectRating.objects.exists()


def test_a_quarterly_meeting_does_not_rate(make_case, congress, deputies):
    case = make_case("qh-dh", to="implementing")
    meeting = meetings.meeting_plan(
        actor=congress("qh-dh"),
        jurisdiction=case.project.jurisdiction,
        kind="quarterly",
        title="第二季度季会",
        scheduled_on=datetime.date(2026, 4, 20),
    )
    meetings.meeting_record_held(
        actor=congress("qh-dh"),
        meeting=meeting,
        held_on=datetime.date(2026, 4, 20),
        present=deputies("qh-dh")[:5],
        minutes="听取项目报告。",
    )
    with pytest.raises(ValidationError) as error:
        meetings.meeting_rate_project(
            actor=congress("qh-dh"), meeting=meeting, project=case.project, rate=Decimal("90")
        )
    assert error.value.message_dict["rate"] == [str(om.MEETING_DOES_NOT_RATE)]


def test_a_mid_year_meeting_names_its_satisfaction_vote_of_the_same_year(held_meeting, congress):
    from core.services import voting

    meeting, _cases = held_meeting()
    selection = voting.session_create(
        actor=congress(),
        jurisdiction=meeting.jurisdiction,
        year=2026,
        kind="selection",
        rules={"seats": 2},
    )
    with pytest.raises(ValidationError) as error:
        meetings.meeting_link_rating_session(actor=congress(), meeting=meeting, session=selection)
    assert error.value.message_dict["session"] == [str(om.SESSION_NOT_FOR_MEETING)]
    rating_vote = voting.session_create(
        actor=congress(),
        jurisdiction=meeting.jurisdiction,
        year=2026,
        kind="satisfaction",
        title="2026年年中测评",
        purpose="mid_year",
    )
    linked = meetings.meeting_link_rating_session(
        actor=congress(), meeting=meeting, session=rating_vote
    )
    assert linked.rating_session == rating_vote
    assert AuditEntry.objects.filter(action="meeting.rating_session").exists()


def test_an_announced_mid_year_vote_becomes_the_projects_mid_year_ratings(held_meeting, congress):
    from core.services import voting

    meeting, cases = held_meeting()
    session = voting.session_create(
        actor=congress(),
        jurisdiction=meeting.jurisdiction,
        year=2026,
        kind="satisfaction",
        purpose="mid_year",
    )
    meetings.meeting_link_rating_session(actor=congress(), meeting=meeting, session=session)
    rows = [(cases[0].project, None, Decimal("87.0")), (cases[1].project, Decimal("55.5"), None)]
    with transaction.atomic():
        ratings = meetings.mid_year_ratings_from_session(
            actor=congress(), session=session, rows=rows
        )
    assert [r.meeting for r in ratings] == [meeting, meeting]
    assert [r.band for r in ratings] == [Band.COMMEND, Band.ACCOUNTABILITY]
    assert all(r.session == session and r.rated_on == MID_YEAR for r in ratings)
    with transaction.atomic():
        again = meetings.mid_year_ratings_from_session(actor=congress(), session=session, rows=rows)
    assert again == [] and ProjectRating.objects.count() == 2
    for case in cases:
        case.refresh()
        assert case.project.band == "" and case.project.stage == "implementing"
