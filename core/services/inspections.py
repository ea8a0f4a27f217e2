"""Inspections, research visits, special inquiries and the monitoring group's research
report: who went, what they found, photos, and the review opinions issued.

The standing committee's inspections are recorded by the congress office; a monitoring
group's own inspections (and its research report before the year-end rating) by any of
its members, on its own projects only.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import messages
from core import oversight_messages as om
from core.models import Jurisdiction, Opinion, Project
from core.models.inspections import (
    Inspection,
    InspectionBody,
    InspectionKind,
    InspectionPhoto,
    InspectionSubject,
)
from core.models.meetings import ProjectRating, RatingPurpose
from core.selectors.calendar import as_date
from permissions.checks import can_inspect_as_group, can_record_inspection

from .audit import audit_record
from .history import create_with_reason
from .meetings import HEARD_STAGES, MAX_TEXT
from .review_opinions import review_opinion_issue

MAX_PHOTOS = 20
# The first bytes of the image formats a phone or camera produces.
IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def _is_image(head: bytes) -> bool:
    if any(head.startswith(sig) for sig in IMAGE_SIGNATURES):
        return True
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def validate_photo(upload) -> None:
    """Refuse what is not a photo (by its content, not its name) or is too large."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {"photos": om.PHOTO_TOO_LARGE % {"limit": settings.ATTACHMENT_MAX_BYTES // 1048576}}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not _is_image(head):
        raise ValidationError({"photos": om.PHOTO_NOT_IMAGE})


def may_record(actor, inspection_or_body, jurisdiction, projects) -> bool:
    body = getattr(inspection_or_body, "body", inspection_or_body)
    if body == InspectionBody.STANDING_COMMITTEE:
        return can_record_inspection(actor, jurisdiction)
    return bool(projects) and all(can_inspect_as_group(actor, p) for p in projects)


def _group_report_errors(projects, held_on) -> dict:
    if len(projects) != 1:
        return {"projects": om.GROUP_REPORT_ONE_PROJECT}
    project = projects[0]
    if (
        project.band
        or ProjectRating.objects.filter(
            project=project, purpose=RatingPurpose.YEAR_END, year=held_on.year
        ).exists()
    ):
        return {"projects": om.GROUP_REPORT_AFTER_RATING}
    if InspectionSubject.objects.filter(
        project=project,
        inspection__kind=InspectionKind.GROUP_REPORT,
        inspection__held_on__year=held_on.year,
    ).exists():
        return {"projects": om.GROUP_REPORT_EXISTS}
    return {}


def _add_photo(actor, inspection, upload, caption="") -> InspectionPhoto:
    return create_with_reason(
        InspectionPhoto,
        actor=actor,
        why=_("Photo of the inspection"),
        inspection=inspection,
        file=upload,
        name=upload.name[:200],
        caption=(caption or "")[:200],
        size=upload.size,
        uploaded_by=actor,
    )


@transaction.atomic
def inspection_record(
    *,
    actor,
    jurisdiction: Jurisdiction,
    kind: str,
    body: str,
    held_on: datetime.date,
    projects,
    findings: str,
    title: str = "",
    deputies=(),
    others: str = "",
    photos=(),
    today=None,
) -> Inspection:
    """Record an inspection (视察), research visit (调研), special inquiry (专题询问) or
    the monitoring group's research report, with its photos. Refused, writing nothing:
    a future date, no project, no findings, a photo that is not one."""
    kind, body = InspectionKind(kind), InspectionBody(body)
    projects = list(projects)
    if not may_record(actor, body, jurisdiction, projects):
        if body == InspectionBody.MONITORING_GROUP and any(
            can_inspect_as_group(actor, p) for p in projects
        ):
            raise ValidationError({"projects": om.INSPECTION_GROUP_NOT_ALL})
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    errors = {}
    if not projects or any(
        p.jurisdiction_id != jurisdiction.pk or p.stage not in HEARD_STAGES or not p.elected
        for p in projects
    ):
        errors["projects"] = om.INSPECTION_PROJECTS_REQUIRED
    findings = (findings or "").strip()
    if not findings:
        errors["findings"] = om.INSPECTION_FINDINGS_REQUIRED
    elif len(findings) > MAX_TEXT:
        errors["findings"] = om.OPINION_TEXT_TOO_LONG % {"limit": MAX_TEXT}
    if held_on > as_date(today):
        errors["held_on"] = om.INSPECTION_DATE_IN_FUTURE
    deputies = list(deputies)
    if any(d.jurisdiction_id != jurisdiction.pk for d in deputies):
        errors["deputies"] = om.INSPECTION_DEPUTY_OUTSIDE
    if kind == InspectionKind.GROUP_REPORT:
        if body != InspectionBody.MONITORING_GROUP:
            errors["body"] = om.GROUP_REPORT_BY_GROUP
        elif "projects" not in errors:
            errors.update(_group_report_errors(projects, held_on))
    photos = list(photos)
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = om.PHOTOS_TOO_MANY % {"limit": MAX_PHOTOS}
    if errors:
        raise ValidationError(errors)
    for upload, _caption in photos:
        validate_photo(upload)
    title = (title or "").strip()[:120] or (
        f"{kind.label}：" + "、".join(p.title for p in projects)
    )[:120]
    inspection = create_with_reason(
        Inspection,
        actor=actor,
        why=_("%(kind)s on %(date)s recorded") % {"kind": kind.label, "date": held_on},
        jurisdiction=jurisdiction,
        kind=kind,
        body=body,
        held_on=held_on,
        title=title,
        others=(others or "").strip()[:300],
        findings=findings,
        created_by=actor,
    )
    inspection.deputies.set(deputies)
    for project in projects:
        create_with_reason(
            InspectionSubject,
            actor=actor,
            why=_("%(kind)s “%(title)s” on %(date)s")
            % {"kind": kind.label, "title": title, "date": held_on.isoformat()},
            inspection=inspection,
            project=project,
        )
    for upload, caption in photos:
        _add_photo(actor, inspection, upload, caption)
    audit_record(
        actor=actor,
        action="inspection.record",
        jurisdiction=jurisdiction,
        target=inspection,
        summary=_("%(body)s: %(kind)s “%(title)s” on %(date)s")
        % {"body": body.label, "kind": kind.label, "title": title, "date": held_on.isoformat()},
        data={
            "kind": kind.value,
            "body": body.value,
            "held_on": held_on,
            "projects": [p.pk for p in projects],
            "photos": len(photos),
        },
    )
    return inspection


def _require_recorder(actor, inspection: Inspection) -> list[Project]:
    projects = [s.project for s in inspection.subjects.select_related("project")]
    if not may_record(actor, inspection, inspection.jurisdiction, projects):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    return projects


@transaction.atomic
def inspection_add_photo(
    *, actor, inspection: Inspection, upload, caption: str = ""
) -> InspectionPhoto:
    _require_recorder(actor, inspection)
    if inspection.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"photos": om.PHOTOS_TOO_MANY % {"limit": MAX_PHOTOS}})
    validate_photo(upload)
    photo = _add_photo(actor, inspection, upload, caption)
    audit_record(
        actor=actor,
        action="inspection.photo",
        jurisdiction=inspection.jurisdiction,
        target=photo,
        summary=_("Photo added to “%(title)s”") % {"title": inspection.title},
        data={"inspection": inspection.pk, "size": photo.size},
    )
    return photo


@transaction.atomic
def inspection_issue_opinion(
    *, actor, inspection: Inspection, project: Project, text: str, due: datetime.date | None
) -> Opinion:
    """A review opinion of the inspection on one project it looked at, to its lead unit."""
    projects = _require_recorder(actor, inspection)
    if project.pk not in {p.pk for p in projects}:
        raise ValidationError({"project": om.PROJECT_NOT_INSPECTED})
    return review_opinion_issue(
        actor=actor,
        project=project,
        text=text,
        due=due,
        issued_on=inspection.held_on,
        inspection=inspection,
    )
