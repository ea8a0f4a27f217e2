"""Suggestions through the API: the hotline pushes them in once, whatever it retries;
anyone follows one by its receipt code."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from core.models import Suggestion
from core.models.api import IdempotencyKey
from core.services.projects import project_register
from permissions.roles import Role

from .clients import ApiClient

pytestmark = pytest.mark.django_db

BODY = {
    "channel": "hotline",
    "title": "东湖小区路灯不亮",
    "text": "东湖小区北门至菜场一段路灯坏了半年，晚上行人看不清路。",
    "location": "东湖小区北门",
    "category": "transport",
    "proposer_name": "王建国",
    "proposer_contact": "13900001111",
}


@pytest.fixture
def hotline(world, issue_token, django_user_model):
    account = django_user_model.objects.create_user("qh.dh.hotline")
    _token, raw = issue_token(account, ("suggest",), code="qh-dh", name="12345 hotline")
    return ApiClient(raw)


def _post(client, body=BODY, key="hotline-call-000123"):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(reverse("v1-suggestions"), body, **extra)


def test_the_hotline_enters_a_suggestion_and_a_retry_makes_no_second_one(hotline):
    first = _post(hotline)
    assert first.status_code == 201, first.json()
    created = first.json()
    assert created["jurisdiction"] == "qh-dh" and created["channel"] == "hotline"
    assert created["category"] == "transport" and created["status"] == "received"
    again = _post(hotline)
    assert again.status_code == 201 and again.json() == created
    assert again["Idempotent-Replayed"] == "true"
    assert Suggestion.objects.filter(title=BODY["title"]).count() == 1
    other = _post(hotline, key="hotline-call-000124")
    assert other.status_code == 201 and other.json()["id"] != created["id"]
    assert Suggestion.objects.filter(title=BODY["title"]).count() == 2


def test_the_same_key_with_another_body_is_refused(hotline):
    assert _post(hotline).status_code == 201
    changed = _post(hotline, {**BODY, "title": "另一件事"})
    assert changed.status_code == 422
    assert changed.json()["error"]["code"] == "idempotency_key_reused"
    assert changed.json()["error"]["field"] == "Idempotency-Key"
    assert not Suggestion.objects.filter(title="另一件事").exists()


@pytest.mark.parametrize("key", [None, "short", "has space in it", "x" * 101])
def test_a_missing_or_malformed_key_is_refused(hotline, key):
    answer = _post(hotline, key=key)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "idempotency_key_required"
    assert not Suggestion.objects.filter(title=BODY["title"]).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"text": "长" * 5001}, "text"),
        ({"proposer_name": None}, "proposer_name"),
        ({"channel": "telepathy"}, "channel"),
        ({"category": "no-such-category"}, "category"),
        ({"jurisdiction": "qh-xs"}, "jurisdiction"),
        ({"title": ["a", "list"]}, "title"),
    ],
)
def test_a_bad_suggestion_names_its_field_and_leaves_nothing(hotline, change, field):
    before = Suggestion.objects.count()
    answer = _post(hotline, {**BODY, **change})
    assert answer.status_code == 400, answer.json()
    error = answer.json()["error"]
    assert error["code"] == "invalid" and error["field"] == field
    assert Suggestion.objects.count() == before and not IdempotencyKey.objects.exists()
    # corrected, the same key goes through
    assert _post(hotline).status_code == 201


def test_a_body_that_is_not_json_is_a_parse_error(hotline):
    answer = hotline.client.post(
        reverse("v1-suggestions"),
        "{not json",
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="hotline-call-000999",
        **hotline.headers,
    )
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "parse_error"


def test_a_clerk_enters_one_by_session_and_a_department_may_not(api, user_of):
    clerk = api(user_of("qh-dh", Role.GOVERNMENT_OFFICE), session=True)
    answer = _post(clerk, {**BODY, "channel": "paper"})
    assert answer.status_code == 201 and answer.json()["channel"] == "paper"
    works = api(user_of("qh-dh", "works"), session=True)
    refused = _post(works, key="works-entry-0001")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"


def test_a_read_only_token_may_not_enter_suggestions(api, user_of):
    reader = api(user_of("qh-dh", Role.GOVERNMENT_OFFICE), ("read",))
    answer = _post(reader)
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "scope_missing"


def test_anyone_follows_a_suggestion_by_its_receipt_code(hotline, world, user_of):
    code = _post(hotline).json()["receipt_code"]
    receipt = ApiClient().get(reverse("v1-suggestion-receipt", args=[code.lower()]))
    assert receipt.status_code == 200
    data = receipt.json()
    assert data["status"] == "received" and data["projects"] == []
    assert "proposer_name" not in data and "13900001111" not in receipt.content.decode()
    suggestion = Suggestion.objects.get(receipt_code=code)
    project_register(
        actor=user_of("qh-dh", Role.GOVERNMENT_OFFICE),
        jurisdiction=world.jurisdictions["qh-dh"],
        suggestions=[suggestion],
        title="东湖小区照明改造（内部名）",
        category=suggestion.category,
        year=2026,
    )
    data = ApiClient().get(reverse("v1-suggestion-receipt", args=[code])).json()
    # before the Party committee's approval, not even the project's title is public
    assert data["projects"] == [
        {"title": None, "outcome": "studying", "infeasible_reason": None, "board": None}
    ]


def test_an_unknown_receipt_code_is_404(world):
    answer = ApiClient(language="zh-hans").get(
        reverse("v1-suggestion-receipt", args=["NOSUCHCODE"])
    )
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"
    assert answer.json()["error"]["message"] != "No suggestion has this receipt code."


def test_the_list_shows_only_the_callers_jurisdiction(api, user_of, hotline):
    _post(hotline)
    mine = api(user_of("qh-dh", Role.GOVERNMENT_OFFICE)).get(reverse("v1-suggestions")).json()
    theirs = api(user_of("qh-xs", Role.GOVERNMENT_OFFICE)).get(reverse("v1-suggestions")).json()
    assert BODY["title"] in [s["title"] for s in mine["results"]]
    assert BODY["title"] not in [s["title"] for s in theirs["results"]]


@pytest.mark.integration  # commits for real and flushes: run with the integration suite
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_racing_retries_make_one_suggestion(fresh_world, django_user_model):
    from core.services.api_tokens import api_token_issue

    account = django_user_model.objects.create_user("race.hotline")
    _token, raw = api_token_issue(
        actor=None,
        name="hotline",
        user=account,
        jurisdiction=fresh_world.jurisdictions["qh-dh"],
        scopes=["suggest"],
    )
    answers = []

    def send():
        answers.append(_post(ApiClient(raw), key="race-key-00001"))
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Suggestion.objects.filter(title=BODY["title"]).count() == 1
    assert {a.status_code for a in answers} <= {201, 409}
    assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
