"""A long export runs in a live Celery worker (PostgreSQL and Redis): the job moves from
waiting to running to ready, its progress only goes up, and the file can be downloaded."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models.reporting import ExportJob, ExportKind, JobStatus
from core.services import exports
from permissions.roles import Role
from tests.integration.conftest import live_celery, wait_for  # noqa: F401  (fixture)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_long_export_runs_in_the_worker_with_progress(
    fresh_world,
    live_celery,  # noqa: F811  (the fixture imported above)
    settings,
    tmp_path,
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    live_celery.extra_env["MEDIA_ROOT"] = str(media)
    year = timezone.localdate().year
    call_command("generate_cases", 3000, under="qh", years=str(year), stdout=None)
    live_celery.start_worker()
    supervisor = fresh_world.users[("qh", Role.SUPERVISOR)]
    job = exports.export_request(
        actor=supervisor,
        kind=ExportKind.PROGRESS,
        jurisdiction=fresh_world.jurisdictions["qh"],
        year=year,
    )
    seen = []

    def finished():
        current = ExportJob.objects.get(pk=job.pk)
        seen.append(current.progress)
        return current.status in (JobStatus.DONE, JobStatus.FAILED) and current

    done = wait_for(finished, 120, interval=0.05, what="the export to finish")
    assert done.status == JobStatus.DONE, live_celery.logs()
    assert done.rows > 1000
    assert seen == sorted(seen)
    statuses = list(done.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == [JobStatus.PENDING, JobStatus.RUNNING, JobStatus.DONE]
    client = Client()
    client.force_login(supervisor)
    response = client.get(reverse("supervision:export_download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"PK"  # an .xlsx is a zip
