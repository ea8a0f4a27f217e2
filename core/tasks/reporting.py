"""Celery tasks of the reporting area."""

from celery import shared_task
from django.utils import translation


# A large export takes longer than the default task time limit (settings).
@shared_task(acks_late=True, soft_time_limit=900, time_limit=960)
def run_export(job_id: int, language: str = "zh-hans") -> None:
    """Build one export's workbook; a job already finished is left as it is."""
    from core.services.exports import export_run

    with translation.override(language):
        export_run(job_id=job_id)
