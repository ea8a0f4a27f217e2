"""The API tests' client and fixtures: tokens issued through the service, and a client that
speaks JSON with a token or a session."""

import json

import pytest
from django.test import Client

from core.services.api_tokens import api_token_issue


class ApiClient:
    """Django's test client, sending JSON and a bearer token when given one."""

    def __init__(self, token: str | None = None, language: str = "en"):
        self.client = Client()
        self.headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if token:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def login(self, user):
        self.client.force_login(user)
        return self

    def get(self, url, params=None, **extra):
        return self.client.get(url, params or {}, **self.headers, **extra)

    def post(self, url, body=None, **extra):
        return self.client.post(
            url,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            **self.headers,
            **extra,
        )

    def delete(self, url, **extra):
        return self.client.delete(url, **self.headers, **extra)


@pytest.fixture
def issue_token(world, db):
    def issue(user, scopes=("read",), code=None, name="Test system"):
        jurisdiction = world.jurisdictions[code] if code else _home(user)
        token, raw = api_token_issue(
            actor=None, name=name, user=user, jurisdiction=jurisdiction, scopes=list(scopes)
        )
        return token, raw

    return issue


def _home(user):
    from permissions.scope import home_jurisdictions

    if hasattr(user, "_scope_assignments"):
        del user._scope_assignments
    return home_jurisdictions(user)[0]


@pytest.fixture
def api(issue_token):
    """api(user=None, scopes=None, session=False): a JSON client as anonymous, as a token
    of `user` with `scopes`, or as `user`'s browser session."""

    def make(user=None, scopes=("read",), session=False, code=None, language="en"):
        if user is None:
            return ApiClient(language=language)
        if session:
            return ApiClient(language=language).login(user)
        _token, raw = issue_token(user, scopes, code)
        return ApiClient(raw, language=language)

    return make


@pytest.fixture(autouse=True)
def fresh_throttles(monkeypatch):
    """The limits out of the way (tests that check them set their own). The counters live
    in the shared cache, which is never cleared here: other tests' keys live there too."""
    from core.api.v1 import throttles

    for throttle in throttles.THROTTLES:
        monkeypatch.setattr(throttle, "rate", "1000000/min", raising=False)


@pytest.fixture(autouse=True)
def eager_celery():
    """Deliveries run in this process, even where REDIS_URL is set (a live worker is the
    integration suite's business)."""
    from core.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def racing_count(throttles, calls: int = 16) -> int:
    """How many of ``calls`` requests from one new address, checked from 8 threads at
    once against the address limit, are let through."""
    import secrets
    from concurrent.futures import ThreadPoolExecutor

    address = f"127.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    request = type("Request", (), {"META": {"REMOTE_ADDR": address}})()
    throttle = throttles.AddressRateThrottle()
    with ThreadPoolExecutor(8) as pool:
        waits = list(
            pool.map(lambda _n: throttles.wait_for(request, None, [throttle]), range(calls))
        )
    return waits.count(None)
