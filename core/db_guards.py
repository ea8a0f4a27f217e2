"""Rules the database itself enforces, beyond what Django's migrations describe.

The decision log is append-only: on PostgreSQL a trigger refuses UPDATE and DELETE of its
entries to every role, the application's included. Installed after every migrate (and so
also in test databases built without migrations); idempotent.
"""

from django.db import connections

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION core_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'the decision log is append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry;
CREATE TRIGGER core_auditentry_append_only
  BEFORE UPDATE OR DELETE ON core_auditentry
  FOR EACH ROW EXECUTE FUNCTION core_refuse_change();
"""


def install_append_only_guards(sender=None, using="default", **kwargs):
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(APPEND_ONLY_SQL)
