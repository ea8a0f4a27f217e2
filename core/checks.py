"""System checks of our own: safe parsing of uploads, and (`manage.py check --deploy`) what
a production setting left out would cost, beside Django's own security checks."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security)
def check_safe_xml(app_configs, **kwargs):
    """Roster imports parse uploaded .xlsx files: openpyxl must parse their XML with
    defusedxml (it does whenever defusedxml is installed), or an entity bomb in an upload
    takes the web worker's memory."""
    from openpyxl.xml import DEFUSEDXML

    if DEFUSEDXML:
        return []
    return [
        Error(
            "openpyxl does not use defusedxml: uploaded workbooks are parsed unprotected.",
            hint="Install defusedxml (a dependency in pyproject.toml).",
            id="livelihood.E001",
        )
    ]


@register(Tags.security, deploy=True)
def check_production_stack(app_configs, **kwargs):
    problems = []
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.TRUSTED_PROXY_COUNT:
        problems.append(
            Warning(
                "The app is behind a TLS proxy (BEHIND_TLS_PROXY) but TRUSTED_PROXY_COUNT is "
                "0: every visitor has the proxy's address, so the public form's limits and "
                "the login lock-out treat all of them as one.",
                hint="Set TRUSTED_PROXY_COUNT=1 behind nginx.",
                id="livelihood.W001",
            )
        )
    if not settings.REDIS_URL:
        problems.append(
            Warning(
                "REDIS_URL is not set: the cache (the public form's limits) lives in each "
                "process's memory and Celery runs inside the web request.",
                hint="Set REDIS_URL (deploy/production.env.example).",
                id="livelihood.W002",
            )
        )
    return problems
