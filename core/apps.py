from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Livelihood projects")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from axes.signals import user_locked_out

        from core import checks  # noqa: F401  (registers the deployment checks)
        from core.db_guards import install_append_only_guards
        from core.services.accounts import on_user_locked_out

        post_migrate.connect(install_append_only_guards, sender=self)

        from viewflow.workflow.signals import task_finished

        from core.services.webhook_events import on_task_finished

        task_finished.connect(on_task_finished, dispatch_uid="webhook-events")

        from core.api import admin as api_admin  # noqa: F401  (registers the token admin)

        user_locked_out.connect(on_user_locked_out, dispatch_uid="core.lockout_record")
        _connect_task_counts()
        from django.contrib.auth.signals import user_logged_in

        from core.idle_sessions import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="core.idle_session_login")
        _connect_public_board()


def _connect_public_board():
    """The public board's cached sections go stale when anything it shows changes: a
    project, a report, an approved change, a rating, a published comment."""
    from django.db.models.signals import post_delete, post_save

    from core.models import CandidateComment, Project, QuarterlyReport
    from core.models.changes import ProjectChange
    from core.models.meetings import ProjectRating
    from core.views.public import board_changed

    shown = (Project, QuarterlyReport, ProjectChange, ProjectRating, CandidateComment)
    for signal in (post_save, post_delete):
        for model in shown:
            signal.connect(board_changed, sender=model, dispatch_uid=f"board-{model.__name__}")


def _connect_task_counts():
    """The header's cached badge counts go stale when a task or a permission changes."""
    from django.db.models.signals import post_delete, post_save
    from guardian.models import UserObjectPermission
    from viewflow.workflow.models import Task

    from core.models import RoleAssignment
    from core.models.voting import Participation
    from core.selectors import task_counts

    post_save.connect(
        task_counts.participation_changed, sender=Participation, dispatch_uid="nav-voted"
    )
    for signal in (post_save, post_delete):
        signal.connect(task_counts.task_changed, sender=Task, dispatch_uid="nav-task")
        for model in (UserObjectPermission, RoleAssignment):
            signal.connect(
                task_counts.permissions_changed, sender=model, dispatch_uid=f"nav-{model.__name__}"
            )
