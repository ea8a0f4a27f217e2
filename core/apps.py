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
