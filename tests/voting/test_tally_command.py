"""The ``tally`` management command (voting-rules.md §3).

These tests need the Django settings, so they run under pytest-django. None of
them is marked ``django_db``: pytest-django refuses database access in such a
test, so a query from the command would fail it.
"""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from core.voting import errors as e
from core.voting import tally

pytestmark = pytest.mark.skipif(
    not apps.ready, reason="needs the Django settings (run under pytest-django)"
)

ROOT = Path(__file__).resolve().parents[2]
COMMAND_SOURCE = ROOT / "core" / "management" / "commands" / "tally.py"

DOCUMENT = {
    "kind": "selection",
    "rules": {"seats": 2, "mode": "for_against_abstain", "tie_policy": "include_all"},
    "deputies_total": 5,
    "present": 5,
    "candidates": [
        {"id": "water", "category": "水利"},
        {"id": "roads", "category": "交通"},
        {"id": "market", "category": "商贸"},
    ],
    "ballots": [
        {"water": "yes", "roads": "yes", "market": "no"},
        {"water": "yes", "roads": "yes"},
        {"water": "yes", "market": "yes"},
        {"roads": "yes", "market": "abstain"},
        {"water": "yes", "roads": "yes", "market": "yes"},
    ],
}


def run_tally(*args, stdin=None):
    """Run the command; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = io.StringIO(stdin)
    try:
        call_command("tally", *args, **options)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path, document, name="vote.json"):
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_tally_prints_the_result_of_a_file_as_json(tmp_path):
    status, out, err = run_tally(write(tmp_path, DOCUMENT))
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert result == tally(DOCUMENT)
    assert result["elected"] == ["water", "roads"]


def test_tally_reads_stdin_when_the_file_is_a_dash():
    status, out, _ = run_tally("-", stdin=json.dumps(DOCUMENT))
    assert status == 0
    assert json.loads(out) == tally(DOCUMENT)


def test_tally_accepts_a_file_that_starts_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(json.dumps(DOCUMENT).encode("utf-8-sig"))
    status, out, _ = run_tally(str(path))
    assert status == 0
    assert json.loads(out)["valid"] is True


def test_void_vote_is_a_result_not_an_error(tmp_path):
    document = {**DOCUMENT, "present": 2}
    status, out, err = run_tally(write(tmp_path, document))
    assert (status, err) == (0, "")
    assert json.loads(out)["reason"] == "quorum_not_met"


def test_tally_needs_no_database(tmp_path, django_db_blocker):
    with django_db_blocker.block():
        status, _, _ = run_tally(write(tmp_path, DOCUMENT))
    assert status == 0


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (
            {"rules": {"seats": 0}},
            "rules.seats: " + e.MUST_BE_INTEGER_AT_LEAST.format(minimum=1),
        ),
        (
            {"rules": {"seats": 2, "tie_policy": "lottery"}},
            "rules.tie_policy: "
            + e.UNKNOWN_VALUE.format(value='"lottery"', choices="include_all, runoff"),
        ),
        (
            {"present": 6},
            "present: " + e.PRESENT_ABOVE_TOTAL.format(present=6, total=5),
        ),
        (
            {"candidates": [{"id": "water"}, {"id": "roads"}, {"id": "water"}]},
            "candidates[2].id: " + e.DUPLICATE_ID.format(id='"water"'),
        ),
        (
            {"rules": {"seats": 1}},
            "candidates: "
            + e.DIFFERENTIAL_OUT_OF_BOUNDS.format(
                candidates=3, seats=1, ratio="2", low=0.2, high=0.5
            ),
        ),
        (
            {"deputies_total": "5"},
            "deputies_total: " + e.MUST_BE_INTEGER_AT_LEAST.format(minimum=1),
        ),
        ({"kind": None}, "kind: " + e.MISSING),
    ],
)
def test_malformed_input_exits_with_status_2_and_one_line_naming_the_field(tmp_path, change, line):
    status, out, err = run_tally(write(tmp_path, {**DOCUMENT, **change}))
    assert status == 2
    assert out == ""
    assert err.splitlines() == [line]


def test_paper_count_for_an_unknown_id_is_reported_with_its_path(tmp_path):
    entry = {"ballots_returned": 5, "ballots_invalid": 0, "counts": {"x": {"yes": 1}}}
    document = {k: v for k, v in DOCUMENT.items() if k != "ballots"}
    document["paper"] = {"entries": [entry, entry]}
    status, _, err = run_tally(write(tmp_path, document))
    assert status == 2
    assert err.splitlines() == ["paper.entries[0].counts.x: " + e.NOT_ON_SLATE.format(id='"x"')]


def test_input_that_is_not_json_exits_with_status_2():
    status, out, err = run_tally("-", stdin='{"kind": "selection",')
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("document: not valid JSON: ")


def test_nan_is_not_json():
    status, _, err = run_tally("-", stdin='{"kind": "selection", "present": NaN}')
    assert status == 2
    assert err.startswith("document: not valid JSON: ")


def test_json_that_is_not_an_object_exits_with_status_2():
    status, _, err = run_tally("-", stdin="[]")
    assert status == 2
    assert err.splitlines() == ["document: " + e.MUST_BE_OBJECT]


def test_unreadable_file_exits_with_status_2(tmp_path):
    missing = tmp_path / "missing.json"
    status, _, err = run_tally(str(missing))
    assert status == 2
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"file: cannot read {json.dumps(str(missing))}: ")


def test_file_that_is_not_utf8_exits_with_status_2(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"kind": "sélection"}'.encode("latin-1"))
    status, _, err = run_tally(str(path))
    assert status == 2
    assert err.startswith("document: not valid JSON: ")


def test_command_imports_the_engine_and_no_models():
    tree = ast.parse(COMMAND_SOURCE.read_text(encoding="utf-8"))
    modules = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("core")
    ]
    modules += [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name.startswith("core")
    ]
    assert modules
    assert all(m == "core.voting" or m.startswith("core.voting.") for m in modules)


def run_manage_py(*args):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "tally", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_manage_py_tally_exits_with_status_2_and_one_stderr_line_on_malformed_input(tmp_path):
    path = write(tmp_path, {**DOCUMENT, "candidates": "water, roads"})
    completed = run_manage_py(path)
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.splitlines() == ["candidates: " + e.MUST_BE_LIST]


def test_manage_py_tally_prints_the_result_on_stdout(tmp_path):
    completed = run_manage_py(write(tmp_path, DOCUMENT))
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == tally(DOCUMENT)
