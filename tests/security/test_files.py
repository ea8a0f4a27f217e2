"""Files behind permissions: attachments and exports are read only through views that
check the reader's scope; nothing under MEDIA_ROOT has a public URL."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import RoleAssignment
from core.services import exports, supervision
from permissions.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FILES_ACCEL_PREFIX = ""


@pytest.fixture
def attachment(make_case, user_of):
    case = make_case("qh-dh", to="study")
    return supervision.attachment_add(
        actor=user_of("qh-dh", Role.CONGRESS_OFFICE),
        project=case.project,
        upload=SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4 secret minutes"),
    )


def test_the_case_page_links_the_checked_view_not_the_file(client, attachment, user_of):
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    html = client.get(reverse("core:case", args=[attachment.project_id])).content.decode()
    assert reverse("core:attachment", args=[attachment.pk]) in html
    assert attachment.file.name not in html and "/media/" not in html


def test_a_reader_of_the_case_downloads_the_attachment(client, attachment, user_of):
    for reader in (user_of("qh-dh", Role.GOVERNMENT_OFFICE), user_of("qh", Role.SUPERVISOR)):
        client.force_login(reader)
        response = client.get(reverse("core:attachment", args=[attachment.pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 secret minutes"
        assert "attachment;" in response["Content-Disposition"]
        assert response["Cache-Control"] == "private, no-store"


def test_another_jurisdiction_and_the_anonymous_get_nothing(client, attachment, user_of):
    url = reverse("core:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(user_of("qh-xs", Role.CONGRESS_OFFICE))
    assert client.get(url).status_code == 404
    assert client.get(reverse("core:attachment", args=[attachment.pk + 999])).status_code == 404


def test_a_revoked_role_reads_the_attachment_no_more(client, attachment, user_of):
    clerk = user_of("qh-dh", Role.GOVERNMENT_OFFICE)
    client.force_login(clerk)
    url = reverse("core:attachment", args=[attachment.pk])
    assert client.get(url).status_code == 200
    RoleAssignment.objects.filter(user=clerk).delete()
    assert client.get(url).status_code == 404


def test_media_has_no_public_url(client, attachment, settings):
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    settings.DEBUG = True
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_behind_nginx_the_view_hands_the_file_to_an_internal_location(
    client, attachment, user_of, settings
):
    settings.FILES_ACCEL_PREFIX = "/protected-files/"
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    response = client.get(reverse("core:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"].startswith("/protected-files/attachments/")
    assert "%E7%8E%B0" in response["X-Accel-Redirect"]  # the name, URL-encoded
    assert response.content == b""


def test_an_export_is_no_longer_downloadable_once_the_role_is_revoked(
    client, world, make_case, user_of, django_capture_on_commit_callbacks
):
    from core.tasks.reporting import run_export

    make_case("qh-dh", to="closed_commend")
    supervisor = user_of("qh", Role.SUPERVISOR)
    with (
        mock.patch.object(run_export, "delay", side_effect=lambda *a: run_export(*a)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        job = exports.export_request(
            actor=supervisor, kind="progress", jurisdiction=world.jurisdictions["qh"], year=2026
        )
    job.refresh_from_db()
    url = reverse("supervision:export_download", args=[job.pk])
    client.force_login(supervisor)
    assert client.get(url).status_code == 200
    RoleAssignment.objects.filter(user=supervisor).delete()
    assert client.get(url).status_code == 404
    assert client.get(reverse("supervision:export_status", args=[job.pk])).status_code == 404
