"""The demo shows every piece of the supervision year, and building it twice adds nothing."""

import pytest

from core.demo import build_demo
from core.models import AuditEntry, OpinionCheck, Stage
from core.models.appraisal import AccountabilityFollowUp, AppraisalSheet
from core.models.changes import ChangeKind, ChangeStatus, ProjectChange
from core.models.inspections import Inspection, InspectionKind, InspectionPhoto
from core.models.meetings import Meeting, MeetingKind, MeetingStatus, ProjectRating
from core.services.audit import verify_audit_log

pytestmark = pytest.mark.django_db


def test_the_demo_holds_the_whole_supervision_year():
    build_demo()
    mid_year = Meeting.objects.get(kind=MeetingKind.MID_YEAR, jurisdiction__code="qh")
    assert mid_year.status == MeetingStatus.HELD
    assert mid_year.rating_session.status == "announced"
    rated = ProjectRating.objects.filter(meeting=mid_year, session=mid_year.rating_session)
    assert rated.count() >= 2
    assert all(r.project.band == "" for r in rated)
    assert Meeting.objects.filter(
        kind=MeetingKind.QUARTERLY, jurisdiction__code="qh-dh", status=MeetingStatus.HELD
    ).exists()
    assert InspectionPhoto.objects.count() >= 2
    assert Inspection.objects.filter(kind=InspectionKind.GROUP_REPORT).exists()
    checked = mid_year.opinions.filter(check_result=OpinionCheck.ACCEPTED)
    assert checked.exists() and checked.first().answer
    assert ProjectChange.objects.filter(
        kind=ChangeKind.ADJUST, status=ChangeStatus.APPROVED
    ).exists()
    stopped = ProjectChange.objects.get(kind=ChangeKind.STOP, status=ChangeStatus.APPROVED)
    assert stopped.project.stage == Stage.STOPPED
    two_year = ProjectRating.objects.get(unfinished=True).project
    assert two_year.phases.count() == 2 and two_year.stage == Stage.IMPLEMENTING
    assert AppraisalSheet.objects.filter(year=two_year.year).exists()
    assert AccountabilityFollowUp.objects.exists()
    assert not verify_audit_log()[1]
    entries = AuditEntry.objects.count()
    build_demo()
    assert Meeting.objects.count() == 4 and AuditEntry.objects.count() == entries
