"""Celery tasks of the supervisors' pages."""

from celery import shared_task


@shared_task(name="supervision.warm_figures", acks_late=True, ignore_result=True)
def warm_figures() -> int:
    """Compute the large scopes' process maps and dashboards before a reader asks."""
    from core.services.figures_warmup import figures_warm

    return figures_warm()
