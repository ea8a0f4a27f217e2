"""core/prepared.py: the block's statements are prepared on PostgreSQL and answer as
unprepared ones do; outside the block, and on SQLite, nothing is prepared."""

import pytest
from django.db import connection

from core.models import Jurisdiction
from core.prepared import prepared

pytestmark = pytest.mark.django_db


def _prepared_statements() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


def _read(code):
    return list(Jurisdiction.objects.filter(code=code).values_list("pk", "path"))


def test_the_block_answers_as_the_unprepared_read(world):
    for code in ("qh", "qh-dh", "qh-xs", "nowhere"):
        plain = _read(code)
        with prepared():
            assert _read(code) == plain  # and again, from the prepared statement
            assert _read(code) == plain


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_only_the_blocks_statements_are_prepared(world):
    before = _prepared_statements()
    _read("qh")
    assert _prepared_statements() == before
    with prepared():
        _read("qh-dh")
    made = _prepared_statements() - before
    assert len(made) == 1 and "core_jurisdiction" in next(iter(made))
    _read("qh-xs")  # after the block, Django's own cursor again: nothing more prepared
    assert _prepared_statements() - before == made


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_an_error_in_the_block_leaves_the_connection_as_it_was(world):
    connection.ensure_connection()
    raw = connection.connection
    before = raw.cursor_factory, raw.prepare_threshold
    with pytest.raises(ZeroDivisionError), prepared():
        assert raw.cursor_factory is not before[0]
        raise ZeroDivisionError
    assert (raw.cursor_factory, raw.prepare_threshold) == before
