"""API v1 against its own OpenAPI schema: schemathesis generates requests for every
operation, as an anonymous caller, as a token of each scope and as a browser session, on
a seeded database. No answer may be a 500, and every answer must be one the schema
describes (status, content type, body).

Run time is bounded by `EXAMPLES` per operation and caller (about 2,000 requests in all,
about a minute).
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.models import Deputy
from permissions.roles import Role
from tests.voting.session_setup import open_session

from .oversight_setup import build_year

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("API_SCHEMA_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_connection():
    """Django's WSGI handler closes the database connection after each request; here the
    requests run inside the test's transaction, so (as Django's own test client does) the
    connection is kept open."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(world, make_case, issue_token, user_of, django_user_model):
    """Cases at several steps, a session, a supervision year (a meeting, an inspection,
    changes, an answered review opinion), and one caller per kind."""
    cases = [make_case("qh-dh", to=to) for to in ("assign_study", "study", "implementing")]
    make_case("qh-xs", to="study")
    session = open_session(
        world, [make_case("qh-dh", to="candidate").project for _ in range(3)], rules={"seats": 2}
    )
    deputy = Deputy.objects.filter(jurisdiction__code="qh-dh").order_by("pk").first().user
    hotline = django_user_model.objects.create_user("schema.hotline")
    congress = user_of("qh-dh", Role.CONGRESS_OFFICE)
    callers = {"anonymous": {}}
    for name, user, scopes in (
        ("read", user_of("qh", Role.SUPERVISOR), ("read",)),
        ("suggest", hotline, ("suggest",)),
        ("act", user_of("qh-dh", Role.GOVERNMENT_OFFICE), ("read", "act")),
        ("vote", deputy, ("read", "vote")),
    ):
        code = "qh-dh" if name == "suggest" else None
        _token, raw = issue_token(user, scopes, code=code)
        callers[name] = {"headers": {"Authorization": f"Bearer {raw}"}}
    browser = Client()
    browser.force_login(congress)
    browser.get("/accounts/login/")  # sets the CSRF cookie, so the session's POSTs go through
    csrf = browser.cookies["csrftoken"].value
    callers["session"] = {
        "cookies": {"sessionid": browser.cookies["sessionid"].value, "csrftoken": csrf},
        "headers": {"X-CSRFToken": csrf, "Referer": "http://localhost/"},
    }
    year = build_year(world, make_case)
    ids = {
        "projects": cases[1].project.pk,
        "tasks": cases[0].task("assign_study").pk,
        "sessions": session.pk,
        "webhooks": 1,
        "meetings": year.meeting.pk,
        "inspections": year.inspection.pk,
        "changes": year.approved.pk,
        "deputies": Deputy.objects.get(user=deputy).pk,
    }
    return callers, ids


def _run(operation, caller, sent, path_parameters=None):
    strategy = operation.as_strategy(path_parameters=path_parameters)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    def check(case):
        response = case.call(
            headers={"Accept-Language": "en", **caller.get("headers", {})},
            cookies=caller.get("cookies"),
        )
        case.validate_response(response, checks=CHECKS)
        sent.append(response.status_code)

    check()


def test_every_operation_answers_as_its_schema_says(seeded, keep_connection):
    callers, ids = seeded
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    sent: list[int] = []
    for operation in operations:
        area = operation.path.split("/")[3]
        for name, caller in callers.items():
            try:
                _run(operation, caller, sent)
                if "{id}" in operation.path and area in ids:
                    _run(operation, caller, sent, {"id": ids[area]})
            except Exception as failure:
                failure.add_note(f"{operation.method.upper()} {operation.path} as {name}")
                raise
    statuses = {code: sent.count(code) for code in sorted(set(sent))}
    print(f"{len(sent)} requests: {statuses}")
    assert len(sent) >= 2000, statuses
    assert statuses.get(200, 0) + statuses.get(201, 0) > 200, statuses


def test_the_schema_describes_every_filter_and_the_errors(world):
    schema = Client().get("/api/v1/schema/?format=json").json()
    listing = schema["paths"]["/api/v1/projects/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert names >= {"q", "year", "stage", "step", "jurisdiction", "under", "category", "set"}
    assert names >= {"overdue", "page", "page_size"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"401", "403", "404", "429"} <= set(responses), (method, path)
    for path, filters in (
        ("/api/v1/meetings/", {"jurisdiction", "under", "year", "kind", "status"}),
        ("/api/v1/inspections/", {"jurisdiction", "under", "year", "kind", "body"}),
        ("/api/v1/changes/", {"jurisdiction", "under", "year", "kind", "status"}),
        ("/api/v1/deputies/", {"jurisdiction", "under", "year"}),
        ("/api/v1/deputies/me/duty/", {"year"}),
        ("/api/v1/deputies/{id}/duty/", {"year"}),
    ):
        operation = schema["paths"][path]["get"]
        assert {p["name"] for p in operation["parameters"]} >= filters, path
        assert "400" in operation["responses"], path
    error = schema["components"]["schemas"]["ErrorDetail"]["properties"]
    assert set(error) == {"code", "message", "field", "fields"}
    create = schema["paths"]["/api/v1/suggestions/"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in create["parameters"])
