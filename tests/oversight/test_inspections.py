"""Inspections, research visits, inquiries and the monitoring group's research report."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core import oversight_messages as om
from core.models import AuditEntry
from core.models.inspections import Inspection, InspectionPhoto
from core.services import inspections
from permissions.roles import Role

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 6, 12)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name="site.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_the_standing_committee_records_an_inspection_with_photos_and_an_opinion(
    make_case, congress, deputies
):
    case = make_case("qh", to="implementing")
    inspection = inspections.inspection_record(
        actor=congress(),
        jurisdiction=case.project.jurisdiction,
        kind="inspection",
        body="committee",
        held_on=ON,
        projects=[case.project],
        deputies=deputies()[:3],
        others="区住建局分管领导",
        findings="主体工程进度滞后约两周，现场围挡不完整。",
        photos=[(photo(), "施工现场")],
    )
    assert inspection.title.startswith("视察") or inspection.title.startswith("Inspection")
    assert inspection.photos.get().caption == "施工现场"
    assert inspection.subjects.get().project == case.project
    opinion = inspections.inspection_issue_opinion(
        actor=congress(),
        inspection=inspection,
        project=case.project,
        text="完善安全围挡。",
        due=datetime.date(2026, 7, 15),
    )
    assert opinion.inspection == inspection and opinion.addressee == case.project.lead_unit
    assert AuditEntry.objects.filter(action="inspection.record").count() == 1


def test_a_file_that_is_not_a_photo_writes_nothing(make_case, congress):
    case = make_case("qh", to="implementing")
    with pytest.raises(ValidationError) as error:
        inspections.inspection_record(
            actor=congress(),
            jurisdiction=case.project.jurisdiction,
            kind="research",
            body="committee",
            held_on=ON,
            projects=[case.project],
            findings="调研情况",
            photos=[(photo("x.png", b"MZ\x90\x00 not an image"), "")],
        )
    assert error.value.message_dict["photos"] == [str(om.PHOTO_NOT_IMAGE)]
    assert not Inspection.objects.exists() and not InspectionPhoto.objects.exists()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"findings": " "}, "findings", om.INSPECTION_FINDINGS_REQUIRED),
        ({"held_on": datetime.date(2099, 1, 1)}, "held_on", om.INSPECTION_DATE_IN_FUTURE),
        ({"projects": []}, "projects", om.INSPECTION_PROJECTS_REQUIRED),
    ],
)
def test_bad_inspection_input_is_refused(make_case, congress, changes, field, message):
    case = make_case("qh", to="implementing")
    values = {
        "kind": "inquiry",
        "body": "committee",
        "held_on": ON,
        "projects": [case.project],
        "findings": "询问情况",
        **changes,
    }
    with pytest.raises(ValidationError) as error:
        inspections.inspection_record(
            actor=congress(), jurisdiction=case.project.jurisdiction, **values
        )
    assert error.value.message_dict[field] == [str(message)]
    assert not Inspection.objects.exists()


def test_a_sibling_jurisdictions_project_cannot_be_inspected(make_case, congress):
    mine = make_case("qh", to="implementing")
    theirs = make_case("qh-dh", to="implementing")
    with pytest.raises(ValidationError) as error:
        inspections.inspection_record(
            actor=congress(),
            jurisdiction=mine.project.jurisdiction,
            kind="inspection",
            body="committee",
            held_on=ON,
            projects=[theirs.project],
            findings="情况",
        )
    assert error.value.message_dict["projects"] == [str(om.INSPECTION_PROJECTS_REQUIRED)]


def test_the_monitoring_group_records_its_own_inspections_and_one_research_report(
    make_case, user_of
):
    case = make_case("qh", to="implementing")
    other = make_case("qh", to="implementing")
    others = set(other.project.monitors.values_list("pk", flat=True))
    member = case.project.monitors.exclude(pk__in=others).order_by("pk").first().user
    inspections.inspection_record(
        actor=member,
        jurisdiction=case.project.jurisdiction,
        kind="inspection",
        body="group",
        held_on=ON,
        projects=[case.project],
        findings="进度正常",
    )
    with pytest.raises(ValidationError) as error:
        inspections.inspection_record(
            actor=member,
            jurisdiction=case.project.jurisdiction,
            kind="inspection",
            body="group",
            held_on=ON,
            projects=[case.project, other.project],
            findings="进度正常",
        )
    assert error.value.message_dict["projects"] == [str(om.INSPECTION_GROUP_NOT_ALL)]
    report = inspections.inspection_record(
        actor=member,
        jurisdiction=case.project.jurisdiction,
        kind="group_report",
        body="group",
        held_on=datetime.date(2026, 11, 20),
        projects=[case.project],
        findings="监督小组调研报告：项目总体进展顺利，建议加强资金监管。",
    )
    assert report.get_kind_display()
    with pytest.raises(ValidationError) as error:
        inspections.inspection_record(
            actor=member,
            jurisdiction=case.project.jurisdiction,
            kind="group_report",
            body="group",
            held_on=datetime.date(2026, 11, 21),
            projects=[case.project],
            findings="第二份报告",
        )
    assert error.value.message_dict["projects"] == [str(om.GROUP_REPORT_EXISTS)]
    with pytest.raises(PermissionDenied):
        inspections.inspection_record(
            actor=user_of("qh", Role.GOVERNMENT_OFFICE),
            jurisdiction=case.project.jurisdiction,
            kind="inspection",
            body="committee",
            held_on=ON,
            projects=[case.project],
            findings="情况",
        )


def test_the_research_report_comes_before_the_year_end_rating(make_case):
    case = make_case("qh", to="closed_normal")
    with pytest.raises(ValidationError) as error:
        inspections.inspection_record(
            actor=case.monitor(),
            jurisdiction=case.project.jurisdiction,
            kind="group_report",
            body="group",
            held_on=datetime.date(2026, 11, 20),
            projects=[case.project],
            findings="报告",
        )
    assert error.value.message_dict["projects"] == [str(om.GROUP_REPORT_AFTER_RATING)]


def test_photos_are_added_by_whoever_may_record_the_inspection(make_case, congress, user_of):
    case = make_case("qh", to="implementing")
    inspection = inspections.inspection_record(
        actor=congress(),
        jurisdiction=case.project.jurisdiction,
        kind="inspection",
        body="committee",
        held_on=ON,
        projects=[case.project],
        findings="情况",
    )
    inspections.inspection_add_photo(actor=congress(), inspection=inspection, upload=photo())
    with pytest.raises(PermissionDenied):
        inspections.inspection_add_photo(
            actor=user_of("qh-dh", Role.CONGRESS_OFFICE), inspection=inspection, upload=photo()
        )
    assert inspection.photos.count() == 1
