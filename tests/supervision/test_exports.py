"""Excel exports: the progress table in the offices' shape, vote and satisfaction results,
built by a Celery task with progress and a download for the requester only."""

import io
from unittest import mock

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models.reporting import ExportJob, ExportKind, JobStatus
from core.services import exports
from permissions.roles import Role

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def in_process_worker():
    """The task runs here, whatever the broker (a live worker: test_export_worker.py)."""
    from core.tasks.reporting import run_export

    with mock.patch.object(run_export, "delay", side_effect=lambda *args: run_export(*args)):
        yield


def run(actor, world, kind, code="qh", capture=None):
    with capture(execute=True):
        job = exports.export_request(
            actor=actor, kind=kind, jurisdiction=world.jurisdictions[code], year=YEAR
        )
    job.refresh_from_db()
    return job


def sheet_of(job):
    with job.file.open("rb") as handle:
        return openpyxl.load_workbook(io.BytesIO(handle.read())).active


def rows_of(sheet, first_row):
    return [
        [cell for cell in row]
        for row in sheet.iter_rows(min_row=first_row, values_only=True)
        if any(cell is not None for cell in row)
    ]


def test_the_progress_table_has_a_row_per_project_and_a_column_group_per_quarter(
    world, make_case, user_of, django_capture_on_commit_callbacks
):
    closed = make_case("qh-dh", to="closed_commend").project
    implementing = make_case("qh-xs", to="implementing").project
    make_case("qh-dh", to="study")  # not elected: not in the table
    job = run(
        user_of("qh", Role.SUPERVISOR),
        world,
        ExportKind.PROGRESS,
        capture=django_capture_on_commit_callbacks,
    )
    assert job.status == JobStatus.DONE and job.progress == 100 and job.rows == 2
    sheet = sheet_of(job)
    fixed = len(exports.PROGRESS_FIXED)
    per_quarter = len(exports.PROGRESS_QUARTER)
    # the quarter groups are merged over their columns in the second header row
    merged = {str(r) for r in sheet.merged_cells.ranges}
    first = sheet.cell(row=2, column=fixed + 1)
    assert f"{first.coordinate}:{sheet.cell(row=2, column=fixed + per_quarter).coordinate}" in (
        merged
    )
    assert sheet.cell(row=2, column=fixed + 1).value == str(exports.QUARTER_NAMES[1])
    assert sheet.cell(row=3, column=fixed + 1).value == str(exports.PROGRESS_QUARTER[0])
    data = rows_of(sheet, 4)
    assert len(data) == 2
    by_title = {row[2]: row for row in data}
    row = by_title[closed.title]
    q1 = fixed  # zero-based index of the first quarter's progress
    assert row[q1] == 30 and row[q1 + per_quarter] == 100
    assert row[q1 + 2 * per_quarter] is None
    assert by_title[implementing.title][q1] is None  # no report yet
    # the next step's due date and how late it is, after the quarters
    due_column = fixed + per_quarter * 4 + 1
    assert sheet.cell(row=2, column=due_column + 1).value == str(exports.PROGRESS_TAIL[1])
    assert row[due_column] is None and row[due_column + 1] is None  # closed: nothing owed


def test_the_progress_table_says_how_late_the_step_owed_is(
    world, make_case, user_of, django_capture_on_commit_callbacks
):
    import datetime

    from core.models.calendar import TaskDeadline
    from core.selectors.calendar import calendar_today

    late = make_case("qh-dh", to="planning").project
    TaskDeadline.objects.filter(project=late).update(
        due=calendar_today() - datetime.timedelta(days=9)
    )
    job = run(
        user_of("qh", Role.SUPERVISOR),
        world,
        ExportKind.PROGRESS,
        capture=django_capture_on_commit_callbacks,
    )
    row = rows_of(sheet_of(job), 4)[0]
    due_column = len(exports.PROGRESS_FIXED) + len(exports.PROGRESS_QUARTER) * 4 + 1
    assert row[due_column].date() == calendar_today() - datetime.timedelta(days=9)
    assert row[due_column + 1] == 9


def test_vote_and_satisfaction_results(
    world, make_case, user_of, django_capture_on_commit_callbacks
):
    elected = make_case("qh-dh", to="closed_normal").project
    not_elected = make_case("qh-dh", to="not_elected").project
    make_case("qh-dh", to="candidate")  # no result yet
    office = user_of("qh", Role.SUPERVISOR)
    votes = sheet_of(
        run(office, world, ExportKind.VOTES, capture=django_capture_on_commit_callbacks)
    )
    data = {row[2]: row for row in rows_of(votes, 3)}
    assert set(data) == {elected.title, not_elected.title}
    assert data[elected.title][5] == elected.vote_yes
    satisfaction = sheet_of(
        run(office, world, ExportKind.SATISFACTION, capture=django_capture_on_commit_callbacks)
    )
    data = {row[2]: row for row in rows_of(satisfaction, 3)}
    assert set(data) == {elected.title}
    assert data[elected.title][4] == pytest.approx(78.2)


def test_an_export_holds_only_the_requesters_scope(
    world, make_case, make_sibling_case, user_of, django_capture_on_commit_callbacks
):
    own = make_case("qh-dh", to="implementing").project
    other = make_sibling_case("qh2-ds", to="implementing").project
    job = run(
        user_of("qh", Role.SUPERVISOR),
        world,
        ExportKind.PROGRESS,
        capture=django_capture_on_commit_callbacks,
    )
    titles = {row[2] for row in rows_of(sheet_of(job), 4)}
    assert own.title in titles and other.title not in titles
    with pytest.raises(PermissionDenied):
        exports.export_request(
            actor=user_of("qh", Role.SUPERVISOR),
            kind=ExportKind.PROGRESS,
            jurisdiction=other.jurisdiction,
            year=YEAR,
        )


def test_the_page_starts_an_export_and_polls_it_until_the_download(
    client, make_case, user_of, django_capture_on_commit_callbacks
):
    make_case("qh-dh", to="implementing")
    supervisor = user_of("qh", Role.SUPERVISOR)
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("supervision:exports"),
            {"kind": "progress", "under": "qh", "year": YEAR, "category": ""},
        )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    status = client.get(reverse("supervision:export_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["download"] == reverse("supervision:export_download", args=[job.pk])
    download = client.get(status["download"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    page = client.get(reverse("supervision:exports")).content.decode()
    assert status["download"] in page
    # nobody else may poll or download it
    client.force_login(user_of("qh-dh", Role.SUPERVISOR))
    assert client.get(reverse("supervision:export_status", args=[job.pk])).status_code == 404
    assert client.get(status["download"]).status_code == 404


def test_a_bad_request_is_refused_with_a_message(client, user_of):
    client.force_login(user_of("qh", Role.SUPERVISOR))
    response = client.post(
        reverse("supervision:exports"),
        {"kind": "nonsense", "under": "qh", "year": "x"},
        follow=True,
    )
    assert str(exports.EXPORT_CHOICE_INVALID) in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_failing_export_is_marked_failed_not_left_running(
    world, user_of, django_capture_on_commit_callbacks
):
    boom = mock.Mock(side_effect=RuntimeError("disk full"))
    with mock.patch.dict(exports.BUILDERS, {ExportKind.PROGRESS: boom}):
        job = run(
            user_of("qh", Role.SUPERVISOR),
            world,
            ExportKind.PROGRESS,
            capture=django_capture_on_commit_callbacks,
        )
    assert job.status == JobStatus.FAILED
    assert job.error == str(exports.EXPORT_FAILED)
    # running it again leaves a finished job alone
    assert exports.export_run(job_id=job.pk).status == JobStatus.FAILED


def test_the_export_job_keeps_its_history(world, user_of, django_capture_on_commit_callbacks):
    job = run(
        user_of("qh", Role.SUPERVISOR),
        world,
        ExportKind.VOTES,
        capture=django_capture_on_commit_callbacks,
    )
    statuses = list(job.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == [JobStatus.PENDING, JobStatus.RUNNING, JobStatus.DONE]


def test_an_export_that_cannot_be_queued_says_so_at_once(
    world, user_of, django_capture_on_commit_callbacks
):
    from core.tasks.reporting import run_export

    with mock.patch.object(run_export, "delay", side_effect=ConnectionError("broker down")):
        job = run(
            user_of("qh", Role.SUPERVISOR),
            world,
            ExportKind.VOTES,
            capture=django_capture_on_commit_callbacks,
        )
    assert job.status == JobStatus.FAILED
    assert job.error == str(exports.EXPORT_NOT_QUEUED)
