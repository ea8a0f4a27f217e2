"""The counting engine is pure Python: no Django import anywhere in core/voting.

The engine must count the same way in the web app, in the ``tally`` command
and in a plain script, so it may depend on the standard library only.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import core.voting

ENGINE = Path(core.voting.__file__).resolve().parent
SOURCES = sorted(ENGINE.glob("*.py"))


def imported_modules(source: Path) -> list[str]:
    """Top-level names of the absolute imports in one file."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module.split(".")[0])
    return names


def test_engine_has_source_files_to_check():
    assert {"__init__.py", "selection.py", "satisfaction.py"} <= {p.name for p in SOURCES}


def test_engine_imports_only_the_standard_library():
    for source in SOURCES:
        for name in imported_modules(source):
            assert name != "django", f"{source.name} imports django"
            assert name in sys.stdlib_module_names, f"{source.name} imports {name}"


def test_engine_counts_with_django_blocked():
    # core/__init__.py starts Celery, which pulls Django in; the engine is
    # loaded under a bare "core" package so that only its own imports count.
    script = textwrap.dedent(
        """
        import importlib.abc, sys, types

        class BlockDjango(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name == "django" or name.startswith("django."):
                    raise ImportError("django is blocked")
                return None

        sys.meta_path.insert(0, BlockDjango())
        core = types.ModuleType("core")
        core.__path__ = [sys.argv[1]]
        sys.modules["core"] = core

        from core.voting import tally

        result = tally({
            "kind": "selection",
            "rules": {"seats": 1, "differential": [0, 1]},
            "deputies_total": 3,
            "present": 3,
            "candidates": [{"id": "a"}, {"id": "b"}],
            "ballots": [{"a": "yes"}, {"a": "yes", "b": "no"}, {"b": "yes"}],
        })
        assert result["elected"] == ["a"], result
        assert not [m for m in sys.modules if m == "django" or m.startswith("django.")]
        print("counted without django")
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script, str(ENGINE.parent)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "counted without django"
