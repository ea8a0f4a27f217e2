"""An index for the queue: open steps by the permission they need and the object it is
held on (see core.selectors.tasks.queue_q), so that "which steps may this clerk take"
reads a few index entries instead of every open step of the province.

viewflow's Task is not our model, so the index is plain SQL (valid on PostgreSQL and
SQLite alike); it changes no model state.
"""

from django.db import migrations

INDEX = "core_scale_task_queue_idx"


class Migration(migrations.Migration):
    dependencies = [
        ('core', '0011_hardening'),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            sql=(
                f"CREATE INDEX IF NOT EXISTS {INDEX} ON viewflow_task "
                "(owner_permission, owner_permission_obj_pk) WHERE status = 'NEW'"
            ),
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
