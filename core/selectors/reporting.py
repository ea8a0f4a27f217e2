"""Reads of export jobs and import batches: each user sees only their own, and an export
only while they may still read its jurisdiction's supervision figures."""

from django.http import Http404

from core.models.reporting import ExportJob, ImportBatch
from permissions.checks import can_import_roster, can_view_supervision
from permissions.scope import home_jurisdictions, jurisdiction_q


def export_jobs_for(user):
    if not can_view_supervision(user):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(jurisdiction_q(user), requested_by=user).select_related(
        "jurisdiction", "category"
    )


def export_job_for(user, pk: int) -> ExportJob:
    job = export_jobs_for(user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def import_jurisdictions(user) -> list:
    """The jurisdictions where the user may import rosters (the congress office's own)."""
    if not user.is_authenticated:
        return []
    return [j for j in home_jurisdictions(user) if can_import_roster(user, j)]


def import_batches_for(user):
    return ImportBatch.objects.filter(uploaded_by=user).select_related("jurisdiction")


def import_batch_for(user, pk: int) -> ImportBatch:
    batch = import_batches_for(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch
