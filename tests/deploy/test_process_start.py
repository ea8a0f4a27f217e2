"""A server process settles before its first request (core/process_start.py): the views
are imported and what is loaded is frozen out of the collector's full passes."""

import gc
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_settling_imports_the_views_and_freezes_what_was_loaded():
    from core.process_start import settle_process

    try:
        settle_process()
        assert gc.get_freeze_count() > 10_000
        assert "core.views.inbox" in sys.modules and "core.api.v1.ballots" in sys.modules
    finally:
        gc.unfreeze()


def test_the_wsgi_application_settles_its_process():
    probe = "import gc, core.wsgi; print(gc.get_freeze_count())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    answer = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert answer.returncode == 0, answer.stderr[-2000:]
    assert int(answer.stdout.strip().splitlines()[-1]) > 10_000
