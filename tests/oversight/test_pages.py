"""The supervision year through the pages: each piece end to end, a role outside the step
gets 403 (or 404 outside the jurisdiction) and nothing changes, bad input gets a clear
Chinese message and writes nothing."""

import datetime
import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core import oversight_messages as om
from core.models import Opinion, Stage
from core.models.appraisal import AppraisalSheet
from core.models.changes import ChangeStatus, ProjectChange, ProjectPhase
from core.models.inspections import Inspection
from core.models.meetings import Meeting, MeetingStatus, ProjectRating
from core.services import appraisal, changes, inspections, meetings
from permissions.roles import Role

from .conftest import MID_YEAR

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def zh(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def body(response) -> str:
    return response.content.decode()


def shows(response, message) -> bool:
    """The page shows the message as a Chinese reader sees it (HTML-escaped)."""
    return html.escape(zh(message)) in body(response)


def test_a_mid_year_meeting_is_planned_held_rated_and_issues_opinions_on_its_page(
    make_case, as_user, congress, deputies
):
    case = make_case("qh", to="implementing")
    client = as_user(congress())
    response = client.post(
        reverse("oversight:meeting_plan"),
        {"kind": "mid_year", "title": "区人大常委会年中会议", "scheduled_on": "2026-07-20"},
    )
    meeting = Meeting.objects.get(jurisdiction=case.project.jurisdiction)
    assert response.status_code == 302
    page = body(client.get(reverse("oversight:meeting", args=[meeting.pk])))
    assert case.project.title in page
    present = [d.pk for d in deputies()[:6]]
    response = client.post(
        reverse("oversight:meeting_held", args=[meeting.pk]),
        {"held_on": "2026-07-20", "present": present, "minutes": "听取半年报告。"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.attendees.count() == 6
    response = client.post(
        reverse("oversight:meeting_rate", args=[meeting.pk]),
        {"rating-project": case.project.pk, "rating-mean_score": "86.5"},
    )
    assert response.status_code == 302
    client.post(
        reverse("oversight:meeting_opinion", args=[meeting.pk]),
        {
            "opinion-project": case.project.pk,
            "opinion-text": "加快进度。",
            "opinion-due": "2026-08-31",
        },
    )
    assert Opinion.objects.filter(meeting=meeting).count() == 1
    case_page = body(client.get(reverse("core:case", args=[case.project.pk])))
    assert "86.5" in case_page and meeting.title in case_page
    board = body(client.get(reverse("public:board", args=["qh"])))
    assert "86.5" in board
    case.refresh()
    assert case.project.band == ""


def test_a_meeting_without_quorum_is_refused_on_the_page_in_chinese(
    make_case, as_user, congress, deputies
):
    case = make_case("qh", to="implementing")
    meeting = meetings.meeting_plan(
        actor=congress(),
        jurisdiction=case.project.jurisdiction,
        kind="mid_year",
        title="年中会议",
        scheduled_on=MID_YEAR,
    )
    response = as_user(congress()).post(
        reverse("oversight:meeting_held", args=[meeting.pk]),
        {"held_on": "2026-07-20", "present": [d.pk for d in deputies()[:3]], "minutes": "纪要"},
    )
    assert response.status_code == 400
    assert shows(response, om.MEETING_NO_QUORUM % {"present": 3, "total": 8})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_a_meeting_page_refuses_other_roles_and_hides_from_other_jurisdictions(
    held_meeting, as_user, user_of, client
):
    meeting, cases = held_meeting()
    url = reverse("oversight:meeting_rate", args=[meeting.pk])
    data = {"rating-project": cases[0].project.pk, "rating-rate": "90"}
    assert as_user(user_of("qh", Role.GOVERNMENT_OFFICE)).post(url, data).status_code == 403
    assert (
        as_user(user_of("qh", Role.PARTY_OFFICE))
        .get(reverse("oversight:meeting", args=[meeting.pk]))
        .status_code
        == 200
    )
    sibling = as_user(user_of("qh-dh", Role.CONGRESS_OFFICE))
    assert sibling.get(reverse("oversight:meeting", args=[meeting.pk])).status_code == 404
    assert sibling.post(url, data).status_code == 404
    assert not ProjectRating.objects.exists()
    client.logout()
    assert client.get(reverse("oversight:meetings")).status_code == 302


def test_an_opinion_without_a_due_date_is_refused_on_the_page(held_meeting, as_user, congress):
    meeting, cases = held_meeting()
    response = as_user(congress()).post(
        reverse("oversight:meeting_opinion", args=[meeting.pk]),
        {"opinion-project": cases[0].project.pk, "opinion-text": "意见", "opinion-due": ""},
    )
    assert response.status_code == 400
    assert shows(response, om.OPINION_DUE_REQUIRED)
    assert not Opinion.objects.filter(meeting=meeting).exists()


def test_the_lead_unit_answers_and_the_congress_office_checks_on_the_pages(
    held_meeting, as_user, congress, world, user_of
):
    meeting, cases = held_meeting()
    opinion = meetings.meeting_issue_opinion(
        actor=congress(),
        meeting=meeting,
        project=cases[0].project,
        text="加快进度。",
        due=datetime.date(2026, 8, 31),
    )
    clerk = world.users[("qh", cases[0].dept)]
    other = world.users[("qh", "social" if cases[0].dept == "works" else "works")]
    url = reverse("oversight:answer", args=[opinion.pk])
    assert as_user(other).post(url, {"answer": "答复"}).status_code == 403
    assert as_user(user_of("qh-dh", cases[0].dept)).get(url).status_code == 404
    listing = body(as_user(clerk).get(reverse("oversight:opinions")))
    assert url in listing
    response = as_user(clerk).post(url, {"answer": ""})
    assert response.status_code == 400 and shows(response, om.OPINION_ANSWER_REQUIRED)
    assert as_user(clerk).post(url, {"answer": "已增加施工力量。"}).status_code == 302
    check = reverse("oversight:check", args=[opinion.pk])
    assert as_user(clerk).post(check, {"decision": "accept"}).status_code == 403
    assert as_user(congress()).post(check, {"decision": "accept"}).status_code == 302
    opinion.refresh_from_db()
    assert opinion.check_result == "accepted"
    done = body(as_user(congress()).get(reverse("oversight:opinions") + "?state=done"))
    assert cases[0].project.title in done


def test_an_inspection_with_a_photo_is_recorded_and_its_photo_served_in_scope(
    make_case, as_user, congress, user_of, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    case = make_case("qh", to="implementing")
    client = as_user(congress())
    response = client.post(
        reverse("oversight:inspection_new"),
        {
            "kind": "inspection",
            "body": "committee",
            "held_on": "2026-06-12",
            "projects": [case.project.pk],
            "findings": "现场围挡不完整。",
            "photos": [SimpleUploadedFile("site.png", PNG, content_type="image/png")],
            "caption": "施工现场",
        },
    )
    assert response.status_code == 302, body(response)
    inspection = Inspection.objects.get()
    photo = inspection.photos.get()
    served = client.get(reverse("oversight:photo", args=[photo.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG
    assert (
        as_user(user_of("qh-dh", Role.CONGRESS_OFFICE))
        .get(reverse("oversight:photo", args=[photo.pk]))
        .status_code
        == 404
    )
    case_page = body(as_user(congress()).get(reverse("core:case", args=[case.project.pk])))
    assert inspection.title in case_page


def test_an_inspection_page_refuses_a_file_that_is_not_a_photo(make_case, as_user, congress):
    case = make_case("qh", to="implementing")
    response = as_user(congress()).post(
        reverse("oversight:inspection_new"),
        {
            "kind": "inspection",
            "body": "committee",
            "held_on": "2026-06-12",
            "projects": [case.project.pk],
            "findings": "情况",
            "photos": [SimpleUploadedFile("x.png", b"not a picture", content_type="image/png")],
        },
    )
    assert response.status_code == 400 and shows(response, om.PHOTO_NOT_IMAGE)
    assert not Inspection.objects.exists()


def test_a_deputy_outside_any_group_cannot_record_inspections(make_case, as_user):
    case = make_case("qh", to="implementing")
    from core.models import Deputy

    outsider = (
        Deputy.objects.filter(jurisdiction__code="qh")
        .exclude(pk__in=case.project.monitors.values("pk"))
        .first()
        .user
    )
    assert as_user(outsider).get(reverse("oversight:inspection_new")).status_code == 403


def test_a_change_is_proposed_decided_and_published(make_case, as_user, user_of, congress):
    case = make_case("qh", to="implementing")
    gov = user_of("qh", Role.GOVERNMENT_OFFICE)
    url = reverse("oversight:change_propose", args=[case.project.pk])
    response = as_user(gov).post(url, {"kind": "adjust", "reason": "", "new_budget": "500"})
    assert response.status_code == 400 and shows(response, om.CHANGE_REASON_REQUIRED)
    assert as_user(congress()).post(url, {"kind": "stop", "reason": "r"}).status_code == 403
    assert not ProjectChange.objects.exists()
    response = as_user(gov).post(
        url, {"kind": "adjust", "reason": "材料涨价，追加预算。", "new_budget": "500"}
    )
    assert response.status_code == 302
    change = ProjectChange.objects.get()
    decide = reverse("oversight:change_decide", args=[change.pk])
    assert as_user(gov).post(decide, {"decision": "approve"}).status_code == 403
    response = as_user(congress()).post(decide, {"decision": "approve", "decided_on": "2026-06-28"})
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    board = body(as_user(congress()).get(reverse("public:board", args=["qh"])))
    assert "材料涨价，追加预算。" in board
    timeline = body(as_user(congress()).get(reverse("core:case", args=[case.project.pk])))
    assert "材料涨价" in timeline


def test_a_stopped_project_shows_as_stopped(make_case, as_user, user_of, congress):
    case = make_case("qh", to="implementing")
    as_user(user_of("qh", Role.GOVERNMENT_OFFICE)).post(
        reverse("oversight:change_propose", args=[case.project.pk]),
        {"kind": "stop", "reason": "资金未到位。"},
    )
    change = ProjectChange.objects.get()
    as_user(congress()).post(
        reverse("oversight:change_decide", args=[change.pk]),
        {"decision": "approve", "decided_on": "2026-06-28"},
    )
    case.refresh()
    assert case.project.stage == Stage.STOPPED
    board = body(as_user(congress()).get(reverse("public:board", args=["qh"])))
    assert zh(Stage.STOPPED.label) in board


def test_a_phase_without_targets_is_refused_on_the_page(make_case, as_user, user_of):
    case = make_case("qh", to="implementing")
    gov = user_of("qh", Role.GOVERNMENT_OFFICE)
    url = reverse("oversight:phase_add", args=[case.project.pk])
    response = as_user(gov).post(url, {"year": "2027", "targets": ""})
    assert response.status_code == 400 and shows(response, om.PHASE_TARGETS_REQUIRED)
    assert as_user(gov).post(url, {"year": "2027", "targets": "二期"}).status_code == 302
    assert ProjectPhase.objects.filter(project=case.project).count() == 1
    sibling = as_user(user_of("qh-dh", Role.GOVERNMENT_OFFICE))
    assert sibling.post(url, {"year": "2028", "targets": "三期"}).status_code == 404


def test_an_unfinished_rating_is_marked_on_the_board_and_the_appraisal_goes_to_the_party(
    make_case, as_user, congress, user_of
):
    case = make_case("qh", to="implementing")
    url = reverse("oversight:unfinished_rating", args=[case.project.pk])
    response = as_user(congress()).post(
        url, {"year": "2026", "rated_on": "2026-11-25", "rate": "68"}
    )
    assert response.status_code == 302
    board = body(as_user(congress()).get(reverse("public:board", args=["qh"])))
    with translation.override("zh-hans"):
        from django.utils.translation import gettext

        marker = gettext("Not finished when rated")
    assert re.search(re.escape(case.project.title) + r"\s*<span class=\"stage\">" + marker, board)
    response = as_user(congress()).post(reverse("oversight:appraisal"), {"year": "2026"})
    assert response.status_code == 302
    sheet = AppraisalSheet.objects.get()
    party = as_user(user_of("qh", Role.PARTY_OFFICE))
    page = body(party.get(reverse("oversight:appraisal_sheet", args=[sheet.pk])))
    assert case.project.title in page
    annual = body(party.get(reverse("supervision:annual", args=["qh", 2026])))
    assert sheet.office.name in annual
    assert party.post(reverse("oversight:appraisal_receive", args=[sheet.pk])).status_code == 302
    sheet.refresh_from_db()
    assert sheet.received_at is not None
    gov = as_user(user_of("qh", Role.GOVERNMENT_OFFICE))
    assert gov.post(reverse("oversight:appraisal"), {"year": "2026"}).status_code == 403
    assert gov.get(reverse("oversight:appraisal_sheet", args=[sheet.pk])).status_code == 404


def test_a_follow_up_of_the_hearing_is_recorded_from_the_case(make_case, as_user, congress):
    case = make_case("qh", to="closed_after_accountability")
    url = reverse("oversight:follow_up", args=[case.project.pk])
    response = as_user(congress()).post(
        url, {"kind": "investigation", "decided_on": "2026-11-28", "reason": ""}
    )
    assert response.status_code == 400 and shows(response, om.FOLLOW_UP_REASON_REQUIRED)
    response = as_user(congress()).post(
        url,
        {"kind": "investigation", "decided_on": "2026-11-28", "reason": "组织特定问题调查。"},
    )
    assert response.status_code == 302
    page = body(as_user(congress()).get(reverse("core:case", args=[case.project.pk])))
    assert "组织特定问题调查。" in page


def test_the_timeline_shows_meetings_inspections_opinions_answers_and_changes(
    held_meeting, congress, world, as_user
):
    meeting, cases = held_meeting()
    project = cases[0].project
    opinion = meetings.meeting_issue_opinion(
        actor=congress(),
        meeting=meeting,
        project=project,
        text="请公开资金使用情况。",
        due=datetime.date(2026, 8, 31),
    )
    from core.services import review_opinions

    review_opinions.review_opinion_answer(
        actor=world.users[("qh", cases[0].dept)], opinion=opinion, answer="已在公示栏公开。"
    )
    appraisal.rating_record_unfinished(
        actor=congress(),
        project=project,
        year=2026,
        rated_on=datetime.date(2026, 11, 25),
        rate=70,
    )
    inspection = inspections.inspection_record(
        actor=congress(),
        jurisdiction=project.jurisdiction,
        kind="inquiry",
        body="committee",
        held_on=datetime.date(2026, 9, 1),
        title="资金使用专题询问",
        projects=[project],
        findings="询问资金拨付进度。",
    )
    change = changes.change_propose(
        actor=world.users[("qh", Role.GOVERNMENT_OFFICE)],
        project=project,
        kind="adjust",
        reason="顺延工期至年底。",
        new_deadline=datetime.date(2026, 12, 31),
    )
    changes.change_decide(
        actor=congress(), change=change, approved=True, decided_on=datetime.date(2026, 9, 5)
    )
    page = body(as_user(congress()).get(reverse("core:case", args=[project.pk])))
    timeline = page[page.index('id="timeline-h"') :]
    for text in (
        meeting.title,
        "请公开资金使用情况。",
        "已在公示栏公开。",
        inspection.title,
        "顺延工期至年底。",
        "2026-12-31",
    ):
        assert text in timeline


def test_each_phase_shows_its_own_targets_reports_and_rating(make_case, as_user, user_of, congress):
    case = make_case("qh", to="report_review")

    gov = user_of("qh", Role.GOVERNMENT_OFFICE)
    changes.phase_add(actor=gov, project=case.project, year=2026, targets="一期：主干管网")
    changes.phase_add(actor=gov, project=case.project, year=2027, targets="二期：支管入户")
    appraisal.rating_record_unfinished(
        actor=congress(),
        project=case.project,
        year=2026,
        rated_on=datetime.date(2026, 11, 25),
        mean_score=80,
    )
    page = body(as_user(congress()).get(reverse("core:case", args=[case.project.pk])))
    section = page[page.index('id="oversight-h"') : page.index('id="comments-h"')]
    first, second = section.index("一期：主干管网"), section.index("二期：支管入户")
    assert "Q1 30%" in section[first:second] and "80" in section[first:second]
    assert "Q1 30%" not in section[second:]
