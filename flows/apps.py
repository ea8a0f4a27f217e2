from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = _("Case flows")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Importing the flows at start-up resolves their nodes, so permissions and the
        # node registry are in place before the first request or migrate.
        from . import project_flow, voting_flow  # noqa: F401
