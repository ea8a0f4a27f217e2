"""Production differs by environment only: deploy/production.env.example holds every
setting it needs, `check --deploy` has nothing to say about it, and without its own
SECRET_KEY production refuses to start."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "production.env.example"


def example_env() -> dict:
    values = {}
    for line in EXAMPLE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def manage(*args, env: dict) -> subprocess.CompletedProcess:
    """manage.py in a clean environment: only what the test passes (no .env of a
    developer's, no key of the test run's)."""
    base = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    base["DJANGO_SETTINGS_MODULE"] = "core.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_the_production_example_loaded():
    env = {**example_env(), "SECRET_KEY": secrets.token_urlsafe(64)}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_refuses_to_start_without_its_own_secret_key():
    env = example_env()
    assert env["SECRET_KEY"] == "", "the example must not carry a usable key"
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_mode_runs_on_the_built_in_key():
    result = manage("check", env={"DEBUG": "1"})
    assert result.returncode == 0, result.stderr


def test_check_deploy_names_what_a_bare_environment_leaves_out():
    result = manage("check", "--deploy", env={"SECRET_KEY": secrets.token_urlsafe(64)})
    out = result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "livelihood.W002"):
        assert warning in out


def test_a_tls_proxy_without_trusted_proxy_count_is_reported():
    env = {**example_env(), "SECRET_KEY": secrets.token_urlsafe(64), "TRUSTED_PROXY_COUNT": "0"}
    result = manage("check", "--deploy", env=env)
    assert "livelihood.W001" in result.stdout + result.stderr


def test_every_setting_read_from_the_environment_is_in_the_production_example():
    source = (ROOT / "core" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z_]+)"', source))
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "BEHIND_TLS_PROXY"} <= read
    missing = read - set(example_env())
    assert not missing, f"not in {EXAMPLE.name}: {sorted(missing)}"


def test_the_image_carries_no_local_state():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert not re.search(r"^COPY \. ", dockerfile, re.MULTILINE)
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".env", "db.sqlite3", "media/", ".git", ".venv"):
        assert path in ignored
