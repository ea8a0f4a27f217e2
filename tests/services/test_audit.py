"""The decision log: appended in the change's transaction, chained, and checked."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from core.models import AuditEntry, AuditHead
from core.services.audit import audit_record, verify_audit_log

pytestmark = pytest.mark.django_db


def _log(world, n=3, code="qh-dh"):
    j = world.jurisdictions[code]
    with transaction.atomic():
        return [
            audit_record(actor=None, action="test.decision", jurisdiction=j, summary=f"#{i}")
            for i in range(n)
        ]


def _raw(sql, params=()):
    """Change the table as a database administrator would, around the application."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_entries_chain_one_after_another(world):
    first, second, third = _log(world)
    assert (second.seq, third.seq) == (first.seq + 1, first.seq + 2)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert AuditHead.objects.get(chain=first.chain).hash == third.hash
    assert verify_audit_log()[1] == []


def test_an_edited_entry_is_found_and_named(world):
    entries = _log(world)
    _raw("UPDATE core_auditentry SET summary = %s WHERE id = %s", ["changed", entries[1].pk])
    problems = verify_audit_log()[1]
    assert [(p.seq, p.kind) for p in problems] == [(entries[1].seq, "edited")]


def test_a_deleted_entry_is_found_and_named(world):
    entries = _log(world)
    _raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].pk])
    problems = verify_audit_log()[1]
    assert [(p.seq, p.kind) for p in problems] == [(entries[1].seq, "deleted")]


def test_a_deleted_last_entry_is_found(world):
    entries = _log(world)
    _raw("DELETE FROM core_auditentry WHERE id = %s", [entries[2].pk])
    problems = verify_audit_log()[1]
    assert [(p.seq, p.kind) for p in problems] == [(entries[2].seq, "truncated")]


def test_an_inserted_entry_is_found(world):
    entries = _log(world)
    last = entries[-1]
    _raw(
        "INSERT INTO core_auditentry (chain, seq, at, actor_name, action, target_type, "
        "target_id, summary, data, prev_hash, hash, jurisdiction_id) "
        "VALUES (%s, %s, %s, '', 'session.announce', '', '', 'forged', '{}', %s, %s, %s)",
        [last.chain, last.seq + 1, last.at, last.hash, "0" * 64, last.jurisdiction_id],
    )
    problems = verify_audit_log()[1]
    assert (last.seq + 1, "edited") in [(p.seq, p.kind) for p in problems]


def test_the_database_refuses_to_change_an_entry_on_postgresql(world):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    entry = _log(world, 1)[0]
    from django.db import DatabaseError

    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")


def test_verify_audit_command_says_which_entry(world, capsys):
    entries = _log(world)
    call_command("verify_audit")
    _raw("UPDATE core_auditentry SET action = 'x' WHERE id = %s", [entries[0].pk])
    with pytest.raises(SystemExit) as done:
        call_command("verify_audit")
    assert done.value.code == 1
    assert f"#{entries[0].seq}: edited" in capsys.readouterr().err
