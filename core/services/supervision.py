"""Writes of the supervision loop: progress reports, opinions, answers, attachments."""

import re
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import messages
from core.models import (
    Attachment,
    Milestone,
    MilestoneStatus,
    Opinion,
    Project,
    QuarterlyReport,
    ReportStatus,
    Stage,
)
from permissions.checks import can_comment_on_project

from .history import create_with_reason, save_with_reason
from .steps import task_step


def _flow():
    from flows.project_flow import ProjectFlow

    return ProjectFlow


def validate_upload(upload) -> None:
    """Refuse a file of a type or size an office may not attach."""
    allowed = [ext.lower() for ext in settings.ATTACHMENT_EXTENSIONS]
    extension = PurePath(upload.name).suffix.lower().lstrip(".")
    if extension not in allowed:
        raise ValidationError(
            {"attachment": messages.FILE_TYPE_NOT_ALLOWED % {"allowed": ", ".join(allowed)}}
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "attachment": messages.FILE_TOO_LARGE
                % {"limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            }
        )


def _attach(*, actor, project, upload, report=None, opinion=None) -> Attachment:
    validate_upload(upload)
    return create_with_reason(
        Attachment,
        actor=actor,
        why=_("Attachment “%(name)s”") % {"name": upload.name},
        project=project,
        report=report,
        opinion=opinion,
        file=upload,
        name=PurePath(upload.name).name[:200],
        size=upload.size,
        uploaded_by=actor,
    )


@transaction.atomic
def attachment_add(*, actor, project: Project, upload) -> Attachment:
    if not can_comment_on_project(actor, project):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    return _attach(actor=actor, project=project, upload=upload)


def report_submit(
    *,
    actor,
    task,
    year: int,
    quarter: int,
    progress: int,
    funds_spent,
    milestone_notes: str = "",
    problems: str = "",
    regression_reason: str = "",
    completed: bool = False,
    milestones_done=(),
    attachments=(),
) -> QuarterlyReport:
    """The lead unit's quarterly report (一季一通报).

    Progress may not exceed 100 % nor go back without a stated reason; a completion
    report needs 100 %. A quarter already signed off cannot be reported again.
    """
    project = task.process.coerced.project
    errors = {}
    if progress > 100:
        errors["progress"] = messages.PROGRESS_OVER_100
    elif progress < project.progress and not regression_reason.strip():
        errors["regression_reason"] = messages.PROGRESS_BACKWARDS_NEEDS_REASON
    if completed and progress != 100:
        errors["completed"] = messages.COMPLETION_NEEDS_100
    if Decimal(funds_spent) < 0:
        errors["funds_spent"] = messages.FUNDS_NEGATIVE
    if (
        QuarterlyReport.objects.filter(
            project=project,
            year=year,
            quarter=quarter,
            status=ReportStatus.SIGNED_OFF,
            completed=False,
        ).exists()
        and not completed
    ):
        errors["quarter"] = messages.QUARTER_ALREADY_SIGNED_OFF
    for upload in attachments:
        try:
            validate_upload(upload)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    with task_step(actor=actor, task=task, node=_flow().submit_report) as activation:
        project = activation.process.project
        report = create_with_reason(
            QuarterlyReport,
            actor=actor,
            why=_("Report for %(year)s Q%(quarter)s") % {"year": year, "quarter": quarter},
            project=project,
            year=year,
            quarter=quarter,
            progress=progress,
            funds_spent=funds_spent,
            milestone_notes=milestone_notes,
            problems=problems,
            regression_reason=regression_reason.strip(),
            completed=completed,
            submitted_by=actor,
        )
        for milestone in Milestone.objects.filter(project=project, pk__in=list(milestones_done)):
            if milestone.status != MilestoneStatus.DONE:
                milestone.status = MilestoneStatus.DONE
                save_with_reason(milestone, actor=actor, reason=_("Reported done"))
        for upload in attachments:
            _attach(actor=actor, project=project, upload=upload, report=report)
        project.progress = progress
        project.funds_spent = funds_spent
        if completed:
            project.completion_summary = milestone_notes
            project.stage = Stage.ACCEPTANCE
        save_with_reason(
            project,
            actor=actor,
            reason=_("Progress %(progress)s%% reported") % {"progress": progress},
        )
        activation.task.data = {"report": report.pk}
    return report


def opinion_texts(opinions: str | list[str]) -> list[str]:
    """Opinions as a list: given one by one, or as one text separated by blank lines
    (whatever the line endings)."""
    if isinstance(opinions, str):
        opinions = re.split(r"\n\s*\n", opinions.replace("\r\n", "\n").replace("\r", "\n"))
    return [text.strip() for text in opinions if text and text.strip()]


def report_review(
    *, actor, task, sign_off: bool, opinions: str | list[str] = ""
) -> QuarterlyReport:
    """The monitoring group signs a report off, or returns it with opinions to answer.

    One member acts on the group's behalf; the record says so."""
    texts = opinion_texts(opinions)
    if not sign_off and not texts:
        raise ValidationError({"opinions": messages.OPINION_REQUIRED_WHEN_RETURNED})
    with task_step(actor=actor, task=task, node=_flow().review_report) as activation:
        project = activation.process.project
        report = project.reports.order_by("-submitted_at", "-pk").first()
        if sign_off:
            report.status = ReportStatus.SIGNED_OFF
            report.signed_off_by = actor
            report.signed_off_at = timezone.now()
            save_with_reason(report, actor=actor, reason=_("Signed off by the monitoring group"))
            for text in texts:
                create_with_reason(
                    Opinion,
                    actor=actor,
                    why=_("Opinion with the sign-off"),
                    project=project,
                    report=report,
                    text=text,
                    author=actor,
                    answer="—",
                    answered_at=timezone.now(),
                )
        else:
            report.status = ReportStatus.RETURNED
            save_with_reason(report, actor=actor, reason=_("Returned with opinions"))
            for text in texts:
                create_with_reason(
                    Opinion,
                    actor=actor,
                    why=_("Monitoring group opinion"),
                    project=project,
                    report=report,
                    text=text,
                    author=actor,
                )
        activation.task.data = {"report": report.pk, "signed_off": sign_off}
    return report


def opinions_answer(
    *, actor, task, answers: dict[int, str], attachments: dict | None = None
) -> QuarterlyReport:
    """The lead unit answers every open opinion, each with an optional file; the report
    goes back for sign-off."""
    attachments = attachments or {}
    for upload in attachments.values():
        validate_upload(upload)
    with task_step(actor=actor, task=task, node=_flow().answer_opinions) as activation:
        project = activation.process.project
        report = project.reports.order_by("-submitted_at", "-pk").first()
        open_opinions = list(report.opinions.filter(answered_at__isnull=True))
        if any(not (answers.get(o.pk) or "").strip() for o in open_opinions):
            raise ValidationError({"answers": messages.ANSWER_EVERY_OPINION})
        for opinion in open_opinions:
            opinion.answer = answers[opinion.pk].strip()
            opinion.answered_by = actor
            opinion.answered_at = timezone.now()
            save_with_reason(opinion, actor=actor, reason=_("Opinion answered"))
            if attachments.get(opinion.pk):
                _attach(
                    actor=actor,
                    project=project,
                    upload=attachments[opinion.pk],
                    report=report,
                    opinion=opinion,
                )
        report.status = ReportStatus.ANSWERED
        save_with_reason(report, actor=actor, reason=_("Opinions answered"))
    return report
