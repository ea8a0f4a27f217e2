"""Backups that restore: deploy/backup.sh, the files wiped and an empty database on a
new machine, deploy/restore.sh, and every case, history row, decision-log entry and
ballot is back (verify_audit passes on the restored log)."""

import os
import shutil
import subprocess
import sys

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.models import Project
from core.models.voting import SealedBallot
from core.services import supervision
from core.services.audit import audit_record
from permissions.roles import Role
from tests.voting.session_setup import deputies, ids, open_session

from .conftest import ROOT, database_url, require_live_services
from .stack import database_on

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def table_digests(url: str) -> dict[str, tuple[int, str]]:
    """Per table of the public schema: its row count and an md5 of all its rows."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        digests = {}
        for table in tables:
            rows = "coalesce(string_agg(t::text, '|' ORDER BY t::text), '')"
            count, digest = conn.execute(
                f'SELECT count(*), md5({rows}) FROM "{table}" t'
            ).fetchone()
            digests[table] = (count, digest)
        return digests


def run(argv, env):
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_backup_restores_every_case_history_row_decision_and_ballot(
    fresh_world, tmp_path, settings
):
    require_live_services()
    world = fresh_world
    settings.MEDIA_ROOT = tmp_path / "media"
    # cases at several points, a file, decisions on the log, a session's secret ballots
    for n, target in enumerate(("closed_commend", "implementing", "infeasible")):
        world.build_case(n, "qh-dh", target)
    for n in range(3, 6):
        world.build_case(n, "qh-dh", "candidate")
    candidates = list(Project.objects.filter(jurisdiction__code="qh-dh", stage="candidate"))
    session = open_session(world, candidates, rules={"seats": 2})
    a, b, c = ids(candidates)
    from core.services import voting as voting_services

    for deputy, marks in zip(deputies(), [{a: "yes", b: "no"}, {b: "yes", c: "yes"}], strict=False):
        voting_services.ballot_cast(actor=deputy.user, session=session, marks=marks)
    attachment = supervision.attachment_add(
        actor=world.users[("qh-dh", Role.CONGRESS_OFFICE)],
        project=candidates[0],
        upload=SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes"),
    )
    from django.db import transaction

    with transaction.atomic():
        audit_record(actor=None, action="test.decision", jurisdiction=world.jurisdictions["qh-dh"])
    assert SealedBallot.objects.count() == 2  # sealed to the tellers until the count

    source = database_url()
    env = {
        **os.environ,
        "DATABASE_URL": source,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "core.settings",
        "DEBUG": "0",
    }
    before = table_digests(source)
    folder = run(["bash", "deploy/backup.sh", str(tmp_path / "backups")], env).strip()

    # The machine is lost: the files are gone; a new, empty database takes its place.
    shutil.rmtree(settings.MEDIA_ROOT)
    restored = f"{connection.settings_dict['NAME']}_restored"
    server = database_on(source, "postgres")
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        conn.execute(f'CREATE DATABASE "{restored}"')
    try:
        target = database_on(source, restored)
        run(["bash", "deploy/restore.sh", folder], {**env, "DATABASE_URL": target})
        after = table_digests(target)
        assert after == before
        for table in (
            "core_project",
            "core_historicalproject",
            "core_auditentry",
            "core_sealedballot",
            "core_participation",
        ):
            assert after[table][0] > 0, table
        assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == b"%PDF-1.4 minutes"
        out = run([sys.executable, "manage.py", "verify_audit"], {**env, "DATABASE_URL": target})
        assert "decision log intact" in out, out
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')


def test_a_damaged_backup_is_refused(tmp_path):
    folder = tmp_path / "backup"
    folder.mkdir()
    (folder / "db.dump").write_bytes(b"dump")
    (folder / "media.tar.gz").write_bytes(b"files")
    subprocess.run(
        "sha256sum db.dump media.tar.gz > SHA256SUMS", shell=True, cwd=folder, check=True
    )
    (folder / "db.dump").write_bytes(b"dump, changed")
    result = subprocess.run(
        ["bash", "deploy/restore.sh", str(folder)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "damaged" in result.stderr
