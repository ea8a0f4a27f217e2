from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Livelihood projects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core.db_guards import install_append_only_guards

        post_migrate.connect(install_append_only_guards, sender=self)
        _connect_task_counts()
        _connect_public_board()


def _connect_public_board():
    """The public board's cached sections go stale when a project or a report changes."""
    from django.db.models.signals import post_delete, post_save

    from core.models import Project, QuarterlyReport
    from core.views.public import board_changed

    for signal in (post_save, post_delete):
        for model in (Project, QuarterlyReport):
            signal.connect(board_changed, sender=model, dispatch_uid=f"board-{model.__name__}")


def _connect_task_counts():
    """The header's cached badge counts go stale when a task or a permission changes."""
    from django.db.models.signals import post_delete, post_save
    from guardian.models import UserObjectPermission
    from viewflow.workflow.models import Task

    from core.models import RoleAssignment
    from core.selectors import task_counts

    for signal in (post_save, post_delete):
        signal.connect(task_counts.task_changed, sender=Task, dispatch_uid="nav-task")
        for model in (UserObjectPermission, RoleAssignment):
            signal.connect(
                task_counts.permissions_changed, sender=model, dispatch_uid=f"nav-{model.__name__}"
            )
