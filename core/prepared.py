"""Prepared statements for the few hot reads whose planning costs more than their running.

PostgreSQL plans every statement it is sent. For a short read with several subqueries
or joins (a ballot's standing, an inbox page) the plan takes longer than the read: about
0.8 ms against 0.2 ms for the ballot's standing. Inside ``prepared()`` the statements
Django sends on this thread's connection are bound on the server and prepared once per
connection (psycopg keeps them by their text), so a pooled connection plans each of them
once.

Only the statements named in code use it, and each is tested to answer exactly as
unprepared. PostgreSQL plans them generically from their first run (the connection's
``plan_cache_mode``, set in settings.py), since their plans do not depend on the values.
Outside it, on SQLite, and where connections do not outlive a request
(``PREPARED_STATEMENTS``), nothing changes: Django binds parameters on the client and
prepares nothing. A rollback on the connection drops what was prepared (psycopg's rule),
and the next block prepares again. Production's pool is psycopg's own, which keeps
prepared statements with its connections; an external pooler in transaction mode would
not, and needs ``PREPARED_STATEMENTS=0``.
"""

from contextlib import contextmanager
from functools import cache

from django.conf import settings
from django.db import connections

# psycopg prepares a statement asked to (``prepare=True``), or one run this many times;
# Django's connections set no threshold, which disables preparing altogether.
ONLY_WHEN_ASKED = 2**31
# The statements a connection keeps prepared, the least recently used dropped first
# (psycopg keeps 100): the pages and steps that prepare theirs run a few hundred kinds.
KEPT = 400


@cache
def _preparing_cursor():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """Django's server-side binding cursor, preparing every statement it runs."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

        def _send_query_prepared(self, name, pgq, **kwargs):
            # Django's query log (DEBUG, tests) reads the statement psycopg last sent as
            # text, which a prepared statement never is: the text with $n placeholders
            self._query = pgq
            return super()._send_query_prepared(name, pgq, **kwargs)

    return PreparingCursor


@contextmanager
def prepared(using: str = "default"):
    """Run the block's statements on ``using`` as prepared statements (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory, raw.prepare_threshold
    raw.cursor_factory = _preparing_cursor()
    if raw.prepare_threshold is None:  # Django's default: psycopg then prepares nothing
        raw.prepare_threshold = ONLY_WHEN_ASKED
    if raw.prepared_max is not None and raw.prepared_max < KEPT:
        raw.prepared_max = KEPT
    try:
        yield
    finally:
        if connection.connection is raw:
            raw.cursor_factory, raw.prepare_threshold = previous
