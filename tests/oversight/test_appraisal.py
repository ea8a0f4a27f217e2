"""What the results lead to: unfinished projects' year-end rating, the lead units'
appraisal sheets, and the follow-up of an accountability hearing."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core import oversight_messages as om
from core.models import AuditEntry, Band
from core.models.appraisal import AccountabilityFollowUp, AppraisalGrade, AppraisalSheet
from core.models.calendar import Notification
from core.models.meetings import ProjectRating
from core.services import appraisal
from core.services.appraisal import UnitYear
from permissions.roles import Role

pytestmark = pytest.mark.django_db

RATED_ON = datetime.date(2026, 11, 25)


def test_an_unfinished_project_is_rated_at_year_end_and_the_rating_says_so(make_case, congress):
    case = make_case("qh", to="implementing")
    rating = appraisal.rating_record_unfinished(
        actor=congress(), project=case.project, year=2026, rated_on=RATED_ON, rate=Decimal("72")
    )
    assert rating.unfinished and rating.purpose == "year_end" and rating.band == Band.NORMAL
    case.refresh()
    assert case.project.band == "" and case.project.stage == "implementing"
    with pytest.raises(ValidationError) as error:
        appraisal.rating_record_unfinished(
            actor=congress(), project=case.project, year=2026, rated_on=RATED_ON, rate=Decimal(1)
        )
    assert error.value.message_dict["project"] == [str(om.RATING_ALREADY_RECORDED % {"year": 2026})]


def test_a_finished_project_is_rated_by_the_satisfaction_vote_not_as_unfinished(
    make_case, congress, user_of
):
    case = make_case("qh", to="evaluation")
    with pytest.raises(ValidationError) as error:
        appraisal.rating_record_unfinished(
            actor=congress(), project=case.project, year=2026, rated_on=RATED_ON, rate=Decimal(9)
        )
    assert error.value.message_dict["project"] == [str(om.RATING_PROJECT_FINISHED)]
    other = make_case("qh", to="implementing")
    with pytest.raises(PermissionDenied):
        appraisal.rating_record_unfinished(
            actor=user_of("qh", Role.GOVERNMENT_OFFICE),
            project=other.project,
            year=2026,
            rated_on=RATED_ON,
            rate=Decimal(90),
        )
    assert not ProjectRating.objects.exists()


def test_the_appraisal_waits_until_every_project_of_the_year_is_rated(make_case, congress):
    unrated = make_case("qh", to="implementing")
    make_case("qh", to="closed_commend")
    with pytest.raises(ValidationError) as error:
        appraisal.appraisal_issue(
            actor=congress(), jurisdiction=unrated.project.jurisdiction, year=2026
        )
    assert unrated.project.title in error.value.messages[0]
    assert not AppraisalSheet.objects.exists()


def test_each_lead_unit_gets_its_sheet_with_points_and_grade(make_case, congress, user_of):
    commended = make_case("qh", to="closed_commend")
    hearing = make_case("qh", to="closed_after_accountability")
    unfinished = make_case("qh", to="implementing")
    appraisal.rating_record_unfinished(
        actor=congress(),
        project=unfinished.project,
        year=2026,
        rated_on=RATED_ON,
        mean_score=Decimal("88"),
    )
    sheets = appraisal.appraisal_issue(
        actor=congress(), jurisdiction=commended.project.jurisdiction, year=2026
    )
    by_office = {sheet.office_id: sheet for sheet in sheets}
    rows = {row["project"]: row for sheet in sheets for row in sheet.rows}
    assert rows[unfinished.project.pk]["unfinished"] is True
    assert rows[unfinished.project.pk]["band"] == Band.COMMEND
    p = commended.project
    on_time = timezone.localtime(p.accepted_at).date() <= p.deadline
    assert rows[p.pk]["on_time"] is on_time
    assert by_office[hearing.project.lead_unit_id].grade == AppraisalGrade.LOWERED
    assert by_office[hearing.project.lead_unit_id].accountability == 1
    assert AuditEntry.objects.filter(action="appraisal.issue").count() == len(sheets)
    with pytest.raises(PermissionDenied):
        appraisal.appraisal_issue(
            actor=user_of("qh", Role.PARTY_OFFICE),
            jurisdiction=commended.project.jurisdiction,
            year=2026,
        )


def test_the_grade_follows_completion_and_satisfaction():
    def unit(*rows):
        u = UnitYear(office=None)
        for on_time, band, stopped in rows:
            u.add({"on_time": on_time, "band": band, "unfinished": False, "stopped": stopped})
        return u.figures()

    best = unit((True, Band.COMMEND, False), (True, Band.COMMEND, False))
    assert best["grade"] == AppraisalGrade.EXCELLENT_ELIGIBLE and best["points"] == 4
    late = unit((True, Band.COMMEND, False), (False, Band.COMMEND, False))
    assert late["grade"] == AppraisalGrade.NORMAL and late["points"] == 2
    low = unit((True, Band.COMMEND, False), (True, Band.ACCOUNTABILITY, False))
    assert low["grade"] == AppraisalGrade.LOWERED
    stopped = unit((True, Band.COMMEND, False), (False, "", True))
    assert stopped["grade"] == AppraisalGrade.EXCELLENT_ELIGIBLE
    assert stopped["projects_total"] == 2


def test_the_party_committee_office_receives_a_sheet_once(make_case, congress, user_of):
    case = make_case("qh", to="closed_normal")
    (sheet,) = appraisal.appraisal_issue(
        actor=congress(), jurisdiction=case.project.jurisdiction, year=2026
    )
    for intruder in (congress(), user_of("qh-dh", Role.PARTY_OFFICE)):
        with pytest.raises(PermissionDenied):
            appraisal.appraisal_receive(actor=intruder, sheet=sheet)
    party = user_of("qh", Role.PARTY_OFFICE)
    told = Notification.objects.get(recipient=party, event_key__startswith="appraisal:")
    assert "2026" in told.title
    received = appraisal.appraisal_receive(actor=party, sheet=sheet)
    assert received.received_by == party
    with pytest.raises(ValidationError) as error:
        appraisal.appraisal_receive(actor=party, sheet=sheet)
    assert error.value.message_dict["sheet"] == [str(om.APPRAISAL_ALREADY_RECEIVED)]


def test_a_hearing_can_lead_to_a_formal_inquiry(make_case, congress):
    case = make_case("qh", to="closed_after_accountability")
    follow_up = appraisal.follow_up_record(
        actor=congress(),
        project=case.project,
        kind="inquiry",
        decided_on=datetime.date(2026, 11, 28),
        reason="说明不充分，十名代表联名提出质询案。",
        proposers="王建国等10名代表",
    )
    assert follow_up.get_kind_display()
    assert AuditEntry.objects.filter(action="accountability.follow_up").exists()


def test_a_follow_up_needs_a_hearing_and_a_reason(make_case, congress):
    case = make_case("qh", to="closed_normal")
    with pytest.raises(ValidationError) as error:
        appraisal.follow_up_record(
            actor=congress(),
            project=case.project,
            kind="investigation",
            decided_on=datetime.date(2026, 11, 28),
            reason="",
        )
    assert error.value.message_dict == {
        "kind": [str(om.FOLLOW_UP_NEEDS_HEARING)],
        "reason": [str(om.FOLLOW_UP_REASON_REQUIRED)],
    }
    assert not AccountabilityFollowUp.objects.exists()
