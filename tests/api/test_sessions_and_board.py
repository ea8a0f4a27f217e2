"""Voting sessions through the API (read-only: rules, slate, attendance, the result only
once announced), the announcement as a webhook event, and the public board without
login."""

import json

import pytest
from django.urls import reverse

from permissions.roles import Role
from tests.voting.session_setup import (
    approved_session,
    cast_all,
    close_and_announce,
    ids,
    open_session,
)

from .clients import ApiClient
from .receiver import Receiver

pytestmark = pytest.mark.django_db


def _candidates(make_case, n):
    return [make_case("qh-dh", to="candidate").project for _ in range(n)]


def test_a_session_shows_rules_slate_and_attendance_and_hides_the_result_until_announced(
    api, world, make_case, user_of
):
    a, b, c = _candidates(make_case, 3)
    session = open_session(world, [a, b, c], rules={"seats": 2})
    reader = api(user_of("qh-dh", Role.CONGRESS_OFFICE))
    listed = reader.get(reverse("v1-sessions")).json()
    assert [s["id"] for s in listed["results"]] == [session.pk]
    detail = reader.get(reverse("v1-session", args=[session.pk])).json()
    assert detail["status"] == "open" and detail["rules"]["seats"] == 2
    assert [c_["project"] for c_ in detail["slate"]] == [a.pk, b.pk, c.pk]
    assert len(detail["attendance"]) == 8 and all(row["present"] for row in detail["attendance"])
    early = reader.get(reverse("v1-session-result", args=[session.pk]))
    assert early.status_code == 404 and early.json()["error"]["code"] == "not_public_yet"

    yes_yes_no = {ids([a])[0]: "yes", ids([b])[0]: "yes", ids([c])[0]: "no"}
    cast_all(session, [yes_yes_no] * 8)
    close_and_announce(world, session)
    result = reader.get(reverse("v1-session-result", args=[session.pk])).json()
    assert result["status"] == "announced"
    assert [row["title"] for row in result["rows"]][:2] == [a.title, b.title]
    assert result["rows"][0]["figures"]["yes"] == 8
    assert result["document"]["elected"] == ids([a, b])


def test_another_jurisdictions_session_is_404(api, world, make_case, user_of):
    session = approved_session(world, _candidates(make_case, 3), rules={"seats": 2})
    stranger = api(user_of("qh-xs", Role.CONGRESS_OFFICE))
    for name in ("v1-session", "v1-session-result"):
        assert stranger.get(reverse(name, args=[session.pk])).status_code == 404
    assert stranger.get(reverse("v1-sessions")).json()["count"] == 0


def test_an_announcement_is_sent_to_the_subscribers(
    api, world, make_case, user_of, django_capture_on_commit_callbacks
):
    a, b, c = _candidates(make_case, 3)
    session = open_session(world, [a, b, c], rules={"seats": 2})
    cast_all(session, [{ids([a])[0]: "yes", ids([b])[0]: "yes", ids([c])[0]: "no"}] * 8)
    receiver = Receiver().up()
    try:
        dashboard = api(user_of("qh", Role.SUPERVISOR))
        subscribed = dashboard.post(
            reverse("v1-webhooks"), {"url": receiver.url, "events": ["result.announced"]}
        )
        assert subscribed.status_code == 201
        with django_capture_on_commit_callbacks(execute=True):
            close_and_announce(world, session)
    finally:
        receiver.down()
    (event,) = [json.loads(body) for _headers, body in receiver.received]
    assert event["event"] == "result.announced" and event["data"]["session"] == session.pk
    assert event["data"]["status"] == "announced"


def test_the_board_needs_no_login_and_shows_only_what_is_public(world, make_case):
    studying = make_case("qh-dh", to="study").project
    candidate = make_case("qh-dh", to="candidate").project
    elected = make_case("qh-dh", to="implementing").project
    anonymous = ApiClient()
    index = anonymous.get(reverse("v1-board-index")).json()
    assert {"code": "qh-dh", "name": "东湖镇", "level": "township", "parent": "qh"} in index
    board = anonymous.get(reverse("v1-board", args=["qh-dh"]))
    assert board.status_code == 200
    text = board.content.decode()
    assert studying.title not in text
    (year,) = board.json()["years"]
    assert [p["title"] for p in year["candidates"]] == [candidate.title]
    assert [p["title"] for p in year["elected"]] == [elected.title]
    assert "proposer" not in text
    assert anonymous.get(reverse("v1-board", args=["nowhere"])).status_code == 404
