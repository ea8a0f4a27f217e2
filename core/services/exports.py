"""Excel exports: the project progress table in the shape offices send upward, the vote
results and the satisfaction results.

A request creates an ExportJob; a Celery task builds the workbook (`export_run`) and the
page polls its progress. The rows are the requester's scope: the chosen jurisdiction with
its sub-jurisdictions, as far as the requester may read them.
"""

import io
import logging
import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow.workflow.status import STATUS

from core.models import Band, Project, QuarterlyReport, ReportStatus
from core.models.calendar import TaskDeadline
from core.models.meetings import ProjectRating, RatingPurpose
from core.models.reporting import ExportJob, ExportKind, JobStatus
from permissions.checks import can_view_supervision
from permissions.scope import can_read_jurisdiction, jurisdiction_q

from .history import create_with_reason, save_with_reason

logger = logging.getLogger(__name__)

EXPORT_CHOICE_INVALID = gettext_lazy("Choose an export, a jurisdiction and a year.")
EXPORT_FAILED = gettext_lazy("The export failed; try again or tell the administrator.")
EXPORT_NOT_QUEUED = gettext_lazy("The export could not be started just now; please try again.")

PROGRESS_EVERY = 200  # rows between two progress updates
QUARTERS = (1, 2, 3, 4)


@transaction.atomic
def export_request(
    *, actor, kind: str, jurisdiction, year: int, category=None, language: str | None = None
) -> ExportJob:
    """Queue an export; the workbook is built by a Celery task after commit."""
    if not can_view_supervision(actor) or not can_read_jurisdiction(actor, jurisdiction):
        raise PermissionDenied
    if kind not in ExportKind.values or not 2000 <= int(year) <= 2100:
        raise ValidationError(EXPORT_CHOICE_INVALID)
    job = create_with_reason(
        ExportJob,
        actor=actor,
        why=_("Export requested"),
        kind=kind,
        requested_by=actor,
        jurisdiction=jurisdiction,
        year=year,
        category=category,
    )
    language = language or translation.get_language() or "zh-hans"
    transaction.on_commit(lambda: _dispatch(job.pk, language))
    return job


def _dispatch(job_id: int, language: str) -> None:
    """Hand the job to a worker; if the broker is down, the job says so at once (the
    requester can start it again) instead of waiting for ever."""
    from core.tasks.reporting import run_export

    try:
        run_export.delay(job_id, language)
    except Exception:
        logger.exception("export %s could not be queued", job_id)
        job = ExportJob.objects.filter(pk=job_id, status=JobStatus.PENDING).first()
        if job is not None:
            job.status = JobStatus.FAILED
            job.error = str(EXPORT_NOT_QUEUED)
            job.finished = timezone.now()
            save_with_reason(job, actor=job.requested_by, reason=_("Export not queued"))


def export_projects(job: ExportJob):
    """The projects of an export: the requester's scope under the chosen jurisdiction."""
    qs = Project.objects.filter(
        jurisdiction_q(job.requested_by),
        jurisdiction__path__startswith=job.jurisdiction.path,
        year=job.year,
    )
    if job.category_id:
        qs = qs.filter(category_id=job.category_id)
    if job.kind == ExportKind.PROGRESS:
        qs = qs.filter(elected=True)
    elif job.kind == ExportKind.VOTES:
        qs = qs.filter(elected__isnull=False)
    else:
        # the year-end band, or the year-end rating of a project not finished (marked)
        unfinished = ProjectRating.objects.filter(
            year=job.year, purpose=RatingPurpose.YEAR_END, unfinished=True
        ).values("project_id")
        qs = qs.filter(
            Q(band__in=[Band.COMMEND, Band.NORMAL, Band.ACCOUNTABILITY]) | Q(pk__in=unfinished)
        )
    return qs.select_related("jurisdiction", "category", "lead_unit").order_by(
        "jurisdiction__path", "category__order", "vote_rank", "title", "pk"
    )


def export_run(*, job_id: int) -> ExportJob | None:
    """Build the workbook of a job. Idempotent: a finished job is left as it is."""
    job = ExportJob.objects.select_related("requested_by", "jurisdiction").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    job.status = JobStatus.RUNNING
    job.progress = 0
    save_with_reason(job, actor=job.requested_by, reason=_("Export started"))
    try:
        projects = export_projects(job)
        total = projects.count()

        def progress(done: int) -> None:
            percent = min(99, done * 100 // total) if total else 99
            ExportJob.objects.filter(pk=job.pk).update(progress=percent, rows=done)

        builder = BUILDERS[job.kind]
        content = builder(job, projects, total, progress)
        job.refresh_from_db()
        job.file.save(file_name(job), ContentFile(content), save=False)
        job.status = JobStatus.DONE
        job.progress = 100
        job.rows = total
        job.finished = timezone.now()
        save_with_reason(job, actor=job.requested_by, reason=_("Export ready"))
    except Exception:
        logger.exception("export %s failed", job.pk)
        job.refresh_from_db()
        job.status = JobStatus.FAILED
        job.error = str(EXPORT_FAILED)
        job.finished = timezone.now()
        save_with_reason(job, actor=job.requested_by, reason=_("Export failed"))
    return job


def file_name(job: ExportJob) -> str:
    return f"{job.kind}-{job.jurisdiction.code}-{job.year}.xlsx"


def download_name(job: ExportJob) -> str:
    return f"{job.jurisdiction.name}{job.year}{job.get_kind_display()}.xlsx"


# -- workbooks -----------------------------------------------------------------------

# What makes a spreadsheet read a cell's text as a formula (or a DDE call) when typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def put(sheet, row: int, column: int, value):
    """Write one cell. Every string (a report's problems, a title, an office's name) is
    stored as text, never as a formula: openpyxl would store "=..." as a live formula in
    the supervisors' workbook. Text that starts like a formula also gets Excel's quote
    prefix, so that editing the cell does not turn it into one; characters a workbook
    cannot hold are dropped."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.value = value
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return {
        "title": Font(bold=True, size=14),
        "head": Font(bold=True),
        "fill": PatternFill("solid", fgColor="F2DCDB"),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "wrap": Alignment(vertical="top", wrap_text=True),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
    }


def _book(title: str, width: int):
    import openpyxl

    book = openpyxl.Workbook(write_only=False)
    sheet = book.active
    sheet.title = SHEET_TITLE_FORBIDDEN.sub(" ", title)[:31]
    styles = _styles()
    put(sheet, 1, 1, title).font = styles["title"]
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    return book, sheet, styles


def _head(sheet, styles, row: int, column: int, text, *, rows: int = 1, cols: int = 1) -> None:
    cell = put(sheet, row, column, str(text))
    cell.font, cell.fill, cell.alignment = styles["head"], styles["fill"], styles["center"]
    for r in range(row, row + rows):
        for c in range(column, column + cols):
            sheet.cell(row=r, column=c).border = styles["border"]
    if rows > 1 or cols > 1:
        sheet.merge_cells(
            start_row=row, start_column=column, end_row=row + rows - 1, end_column=column + cols - 1
        )


def _save(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number(value):
    return float(value) if value is not None else None


def _latest_by_quarter(project, year: int) -> dict[int, QuarterlyReport]:
    """Per quarter, the report that counts: the signed-off one, else the latest sent."""
    chosen: dict[int, QuarterlyReport] = {}
    for report in project.export_reports:
        if report.year != year:
            continue
        current = chosen.get(report.quarter)
        signed = report.status == ReportStatus.SIGNED_OFF
        if current is None or (signed and current.status != ReportStatus.SIGNED_OFF):
            chosen[report.quarter] = report
    return chosen


PROGRESS_FIXED = (
    gettext_lazy("No."),
    gettext_lazy("Jurisdiction"),
    gettext_lazy("Project"),
    gettext_lazy("Category"),
    gettext_lazy("Lead unit"),
    gettext_lazy("Responsible person"),
    gettext_lazy("Budget (10k yuan)"),
    gettext_lazy("Fund source"),
    gettext_lazy("Deadline"),
)
PROGRESS_QUARTER = (
    gettext_lazy("Progress %"),
    gettext_lazy("Funds spent (10k yuan)"),
    gettext_lazy("Progress made"),
    gettext_lazy("Problems"),
    gettext_lazy("Monitoring group"),
)
PROGRESS_TAIL = (
    gettext_lazy("Stage"),
    gettext_lazy("Next step due"),
    gettext_lazy("Days overdue"),
    gettext_lazy("Accepted on"),
    gettext_lazy("Satisfaction rate %"),
)
QUARTER_NAMES = {
    1: gettext_lazy("Q1"),
    2: gettext_lazy("Q2"),
    3: gettext_lazy("Q3"),
    4: gettext_lazy("Q4"),
}


def progress_workbook(job: ExportJob, projects, total: int, progress: Callable) -> bytes:
    """A row per project, a column group per quarter (the table offices send upward)."""
    reports = QuarterlyReport.objects.filter(year=job.year).order_by("submitted_at", "pk")
    open_deadlines = TaskDeadline.objects.filter(
        task__status__in=[STATUS.NEW, STATUS.ASSIGNED]
    ).order_by("due", "pk")
    projects = projects.prefetch_related(
        Prefetch("reports", queryset=reports, to_attr="export_reports"),
        Prefetch("deadlines", queryset=open_deadlines, to_attr="open_deadlines"),
    )
    today = timezone.localdate()
    fixed, per_quarter, tail = len(PROGRESS_FIXED), len(PROGRESS_QUARTER), len(PROGRESS_TAIL)
    width = fixed + per_quarter * len(QUARTERS) + tail
    title = _("%(year)s livelihood projects: progress — %(name)s") % {
        "year": job.year,
        "name": job.jurisdiction.name,
    }
    book, sheet, styles = _book(title, width)
    for index, text in enumerate(PROGRESS_FIXED, start=1):
        _head(sheet, styles, 2, index, text, rows=2)
    for q in QUARTERS:
        start = fixed + 1 + (q - 1) * per_quarter
        _head(sheet, styles, 2, start, QUARTER_NAMES[q], cols=per_quarter)
        for offset, text in enumerate(PROGRESS_QUARTER):
            _head(sheet, styles, 3, start + offset, text)
    for offset, text in enumerate(PROGRESS_TAIL):
        _head(sheet, styles, 2, fixed + per_quarter * len(QUARTERS) + 1 + offset, text, rows=2)
    statuses = dict(ReportStatus.choices)
    row = 4
    for number, project in enumerate(projects.iterator(chunk_size=500), start=1):
        by_quarter = _latest_by_quarter(project, job.year)
        values = [
            number,
            project.jurisdiction.name,
            project.title,
            str(project.category),
            project.lead_unit.name if project.lead_unit else "",
            project.plan_responsible,
            _number(project.budget),
            project.fund_source,
            project.deadline,
        ]
        for q in QUARTERS:
            report = by_quarter.get(q)
            if report is None:
                values += [None, None, "", "", ""]
            else:
                values += [
                    report.progress,
                    _number(report.funds_spent),
                    report.milestone_notes,
                    report.problems,
                    str(statuses.get(report.status, report.status)),
                ]
        due = project.open_deadlines[0].due if project.open_deadlines else None
        values += [
            project.get_stage_display(),
            due,
            (today - due).days if due and due < today else None,
            timezone.localtime(project.accepted_at).date() if project.accepted_at else None,
            _number(project.satisfaction_rate),
        ]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, row, column, value)
            cell.border = styles["border"]
            cell.alignment = styles["wrap"]
            if hasattr(value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"
        row += 1
        if number % PROGRESS_EVERY == 0:
            progress(number)
    sheet.freeze_panes = sheet.cell(row=4, column=4)
    for column, size in ((2, 12), (3, 30), (5, 18)):
        sheet.column_dimensions[sheet.cell(row=4, column=column).column_letter].width = size
    return _save(book)


def votes_workbook(job: ExportJob, projects, total: int, progress: Callable) -> bytes:
    """The congress vote: votes for, rank and outcome of every candidate put to the vote."""
    heads = (
        gettext_lazy("No."),
        gettext_lazy("Jurisdiction"),
        gettext_lazy("Project"),
        gettext_lazy("Category"),
        gettext_lazy("Budget (10k yuan)"),
        gettext_lazy("Votes for"),
        gettext_lazy("Rank"),
        gettext_lazy("Outcome"),
        gettext_lazy("Voted on"),
    )
    title = _("%(year)s livelihood projects: vote results — %(name)s") % {
        "year": job.year,
        "name": job.jurisdiction.name,
    }
    book, sheet, styles = _book(title, len(heads))
    for index, text in enumerate(heads, start=1):
        _head(sheet, styles, 2, index, text)
    for number, project in enumerate(projects.iterator(chunk_size=500), start=1):
        values = [
            number,
            project.jurisdiction.name,
            project.title,
            str(project.category),
            _number(project.budget),
            project.vote_yes,
            project.vote_rank,
            _("Elected") if project.elected else _("Not elected"),
            project.voted_on,
        ]
        for column, value in enumerate(values, start=1):
            cell = put(sheet, number + 2, column, value)
            cell.border = styles["border"]
            if hasattr(value, "isoformat"):
                cell.number_format = "yyyy-mm-dd"
        if number % PROGRESS_EVERY == 0:
            progress(number)
    sheet.column_dimensions["C"].width = 30
    return _save(book)


def satisfaction_workbook(job: ExportJob, projects, total: int, progress: Callable) -> bytes:
    """The deputies' year-end rating of every project, with its band."""
    heads = (
        gettext_lazy("No."),
        gettext_lazy("Jurisdiction"),
        gettext_lazy("Project"),
        gettext_lazy("Lead unit"),
        gettext_lazy("Satisfaction rate %"),
        gettext_lazy("Mean score"),
        gettext_lazy("Band"),
        gettext_lazy("Stage"),
        gettext_lazy("Not finished when rated"),
    )
    unfinished = {
        r.project_id: r
        for r in ProjectRating.objects.filter(
            project__in=projects, year=job.year, purpose=RatingPurpose.YEAR_END, unfinished=True
        )
    }
    title = _("%(year)s livelihood projects: satisfaction — %(name)s") % {
        "year": job.year,
        "name": job.jurisdiction.name,
    }
    book, sheet, styles = _book(title, len(heads))
    for index, text in enumerate(heads, start=1):
        _head(sheet, styles, 2, index, text)
    for number, project in enumerate(projects.iterator(chunk_size=500), start=1):
        rated = unfinished.get(project.pk)
        values = [
            number,
            project.jurisdiction.name,
            project.title,
            project.lead_unit.name if project.lead_unit else "",
            _number(rated.rate if rated else project.satisfaction_rate),
            _number(rated.mean_score if rated else project.satisfaction_mean),
            rated.get_band_display() if rated else project.get_band_display(),
            project.get_stage_display(),
            _("Not finished when rated") if rated else "",
        ]
        for column, value in enumerate(values, start=1):
            put(sheet, number + 2, column, value).border = styles["border"]
        if number % PROGRESS_EVERY == 0:
            progress(number)
    sheet.column_dimensions["C"].width = 30
    return _save(book)


BUILDERS = {
    ExportKind.PROGRESS: progress_workbook,
    ExportKind.VOTES: votes_workbook,
    ExportKind.SATISFACTION: satisfaction_workbook,
}
