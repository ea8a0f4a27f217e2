"""Every refusal of API v1 is JSON with a stable code, a message in the language asked
for and the field at fault; the limits per token and per address hold."""

import secrets
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from core.api.v1 import throttles
from core.api.v1.errors import NOT_FOUND
from permissions.roles import Role

from .clients import ApiClient, racing_count

pytestmark = pytest.mark.django_db


def test_the_message_follows_accept_language_and_the_code_does_not(api, user_of):
    url = reverse("v1-project", args=[123456])
    user = user_of("qh-dh", Role.CONGRESS_OFFICE)
    english = api(user, language="en").get(url).json()["error"]
    chinese = api(user, language="zh-hans").get(url).json()["error"]
    assert english["code"] == chinese["code"] == "not_found"
    assert english["message"] == "Not found."
    assert chinese["message"] == "未找到。"
    with translation.override("en"):
        assert english["message"] == str(NOT_FOUND)


def test_a_bad_field_is_named_in_both_languages(api, user_of):
    user = user_of("qh-dh", Role.CONGRESS_OFFICE)
    for language in ("en", "zh-hans"):
        error = (
            api(user, language=language)
            .get(reverse("v1-projects"), {"stage": "nowhere"})
            .json()["error"]
        )
        assert error["code"] == "invalid" and error["field"] == "stage"
        assert error["fields"]["stage"] == [error["message"]]
    assert "nowhere" in error["message"]


def test_an_unknown_address_and_a_wrong_method_are_json(api, user_of):
    client = api(user_of("qh-dh", Role.CONGRESS_OFFICE))
    for url in (
        "/api/v1/nothing/here/",
        "/api/v1/projects/-1/",
        "/api/v1/projects/1234567890123456789012/",
    ):
        answer = client.get(url)
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found", url
    wrong = client.delete(reverse("v1-projects"))
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"


def test_a_form_body_is_an_unsupported_media_type(api, user_of):
    client = api(user_of("qh-dh", Role.GOVERNMENT_OFFICE), ("suggest",))
    answer = client.client.post(
        reverse("v1-suggestions"),
        {"title": "x"},
        HTTP_IDEMPOTENCY_KEY="form-body-00001",
        **client.headers,
    )
    assert answer.status_code == 415 and answer.json()["error"]["code"] == "unsupported_media_type"


def test_a_session_post_without_csrf_is_refused(api, user_of):
    browser = ApiClient()
    browser.client = browser.client.__class__(enforce_csrf_checks=True)
    browser.login(user_of("qh-dh", Role.GOVERNMENT_OFFICE))
    answer = browser.post(reverse("v1-suggestions"), {}, HTTP_IDEMPOTENCY_KEY="csrf-check-0001")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "permission_denied"


def test_a_token_is_throttled_on_its_own(issue_token, user_of, monkeypatch):
    monkeypatch.setattr(throttles.TokenRateThrottle, "rate", "3/min", raising=False)
    tokens = [
        issue_token(user_of("qh-dh", role))
        for role in (Role.CONGRESS_OFFICE, Role.GOVERNMENT_OFFICE)
    ]
    for token, _raw in tokens:  # a row id may come again after a rolled-back test
        cache.delete_many(_windows(f"throttle_api-token_{token.pk}"))
    first, second = (ApiClient(raw) for _token, raw in tokens)
    for _ in range(3):
        assert first.get(reverse("v1-projects")).status_code == 200
    refused = first.get(reverse("v1-projects"))
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0
    assert second.get(reverse("v1-projects")).status_code == 200


def test_an_address_is_throttled_whoever_calls(api, world, monkeypatch, user_of):
    monkeypatch.setattr(throttles.AddressRateThrottle, "rate", "4/min", raising=False)
    address, other = (f"127.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{n}" for n in (1, 2))
    url = reverse("v1-board", args=["qh-dh"])
    for _ in range(2):
        assert api().get(url, REMOTE_ADDR=address).status_code == 200
    signed_in = api(user_of("qh-dh", Role.CONGRESS_OFFICE))
    for _ in range(2):
        assert signed_in.get(url, REMOTE_ADDR=address).status_code == 200
    refused = api().get(url, REMOTE_ADDR=address)
    assert refused.status_code == 429 and refused.json()["error"]["code"] == "throttled"
    assert api().get(url, REMOTE_ADDR=other).status_code == 200


def _windows(key: str) -> list[str]:
    """The counters of a limit of a minute: this window's and the one before."""
    window = int(time.time() // 60)
    return [f"{key}:{window}", f"{key}:{window - 1}"]


def test_the_throttles_let_requests_through_when_the_cache_is_down(api, world, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    down = type("C", (), {"add": broken, "incr": broken, "get": broken})()
    monkeypatch.setattr(throttles.CacheThrottle, "cache", down)
    monkeypatch.setattr(throttles.AddressRateThrottle, "rate", "1/min", raising=False)
    for _ in range(3):
        assert api().get(reverse("v1-board", args=["qh-dh"])).status_code == 200


def test_racing_requests_are_each_counted(monkeypatch):
    """The counters are incremented, not read and written back: requests from many
    threads at once are all counted, and no more than the limit are served."""
    monkeypatch.setattr(throttles.AddressRateThrottle, "rate", "5/min", raising=False)
    assert racing_count(throttles) == 5


def test_a_limit_looks_back_a_whole_minute_across_the_window_boundary(monkeypatch):
    """Just after a minute's window begins, what was counted in the one before still
    counts (weighted by how much of it lies within the last minute)."""
    from django.core.cache import cache as default_cache

    monkeypatch.setattr(throttles.AddressRateThrottle, "rate", "4/min", raising=False)
    request = type("R", (), {"META": {"REMOTE_ADDR": "127.9.9.9"}})()
    throttle = throttles.AddressRateThrottle()
    key = throttle.get_cache_key(request, None)
    start = (int(time.time() // 60) + 10) * 60  # a window boundary ahead, never yet counted
    default_cache.delete_many([f"{key}:{start // 60 - 1}", f"{key}:{start // 60}"])
    monkeypatch.setattr(throttles.time, "time", lambda: start - 1.0)
    assert [throttles.wait_for(request, None, [throttle]) for _ in range(4)] == [None] * 4
    monkeypatch.setattr(throttles.time, "time", lambda: start + 3.0)  # the next window
    wait = throttles.wait_for(request, None, [throttle])
    assert wait is not None and 0 < wait <= 57
    monkeypatch.setattr(throttles.time, "time", lambda: start + 60 + 59.0)  # a minute later
    assert throttles.wait_for(request, None, [throttle]) is None


def test_the_old_api_still_answers_for_a_session(client, make_case, user_of):
    make_case("qh-dh", to="study")
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    old = client.get(reverse("api-projects"))
    assert old.json()["count"] == 1
    assert old["Deprecation"] == "true" and old["Link"] == '</api/v1/>; rel="successor-version"'
    assert "Deprecation" not in client.get(reverse("v1-projects"))
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/" in docs.content.decode()  # no CDN needed


def test_an_oversized_body_is_refused_before_it_is_read(api, user_of):
    client = api(user_of("qh-dh", Role.GOVERNMENT_OFFICE), ("suggest",))
    body = {"title": "x", "text": "长" * 200_000, "proposer_name": "王"}
    answer = client.post(reverse("v1-suggestions"), body, HTTP_IDEMPOTENCY_KEY="big-body-00001")
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "request_too_large"
