"""Casting a ballot through the API: the web ballot's service (sealed, one per deputy,
a tracker back), a request whose size does not depend on the marks, and answers of one
fixed length whatever they say."""

import json

import pytest
from django.urls import reverse

from core import messages as vm
from core.api.v1.ballots import BALLOT_BYTES
from core.models.voting import Participation, SealedBallot
from permissions.roles import Role
from tests.voting.session_setup import deputies, open_session

from .clients import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world, make_case):
    projects = [make_case("qh-dh", to="candidate").project for _ in range(3)]
    return open_session(world, projects, rules={"seats": 2})


def _deputy_client(issue_token, user, scopes=("read", "vote")):
    _token, raw = issue_token(user, scopes)
    return ApiClient(raw)


def _cast(client, session, codes, **extra):
    return client.post(reverse("v1-session-ballot", args=[session.pk]), extra | {"marks": codes})


def _all(session, code):
    return {str(c.project_id): code for c in session.candidates.all()}


def test_a_deputy_casts_a_sealed_ballot_and_gets_a_tracker(issue_token, session):
    deputy = deputies()[0].user
    client = _deputy_client(issue_token, deputy)
    shown = client.get(reverse("v1-session-ballot", args=[session.pk])).json()
    assert shown["codes"] == ["Y", "N", "A", "-"] and len(shown["candidates"]) == 3
    codes = _all(session, "N")
    codes[shown["candidates"][0]["id"]] = "Y"
    cast = _cast(client, session, codes)
    assert cast.status_code == 201 and len(cast.content) == BALLOT_BYTES
    assert cast["Cache-Control"] == "no-store"
    tracker = cast.json()["tracker"]
    sealed = SealedBallot.objects.get(session=session)
    assert sealed.tracker == tracker
    assert b'"yes"' not in bytes(sealed.sealed) and b'"no"' not in bytes(sealed.sealed)
    assert Participation.objects.filter(session=session, deputy__user=deputy).exists()
    again = _cast(client, session, codes)
    assert again.status_code == 409 and len(again.content) == BALLOT_BYTES
    assert again.json()["error"]["message"] == str(vm.BALLOT_ALREADY_CAST)
    assert SealedBallot.objects.filter(session=session).count() == 1


def test_answers_and_requests_have_one_size_whatever_the_marks(issue_token, session):
    sizes, requests = set(), set()
    for n, code in enumerate(["Y", "N", "A"]):
        client = _deputy_client(issue_token, deputies()[n].user)
        codes = _all(session, code if code != "Y" else "N")
        if code == "Y":
            codes[next(iter(codes))] = "Y"
        requests.add(len(json.dumps({"marks": codes})))
        answer = _cast(client, session, codes)
        assert answer.status_code == 201
        sizes.add(len(answer.content))
    too_many = _cast(_deputy_client(issue_token, deputies()[3].user), session, _all(session, "Y"))
    assert too_many.status_code == 400
    sizes.add(len(too_many.content))
    assert sizes == {BALLOT_BYTES} and len(requests) == 1


@pytest.mark.parametrize(
    "body_of",
    [
        lambda s: {"marks": {}},
        lambda s: {"marks": {**_all(s, "N"), "999999": "N"}},
        lambda s: {"marks": dict(list(_all(s, "N").items())[:2])},
        lambda s: {"marks": _all(s, "yes")},
        lambda s: {"marks": _all(s, "N"), "pad": "xx"},
        lambda s: {"marks": _all(s, "N"), "pad": " " * 5000},
        lambda s: {"marks": _all(s, "N"), "extra": 1},
        lambda s: {"marks": [1, 2]},
    ],
)
def test_a_malformed_ballot_is_refused_and_nothing_written(issue_token, session, body_of):
    client = _deputy_client(issue_token, deputies()[0].user)
    answer = client.post(reverse("v1-session-ballot", args=[session.pk]), body_of(session))
    assert answer.status_code == 400 and len(answer.content) == BALLOT_BYTES
    assert answer.json()["error"]["code"] == "invalid"
    assert not SealedBallot.objects.filter(session=session).exists()
    assert not Participation.objects.filter(session=session).exists()


def test_only_a_deputys_vote_token_may_cast(issue_token, session, user_of, api):
    deputy = deputies()[0].user
    reader = _deputy_client(issue_token, deputy, scopes=("read",))
    refused = _cast(reader, session, _all(session, "N"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "scope_missing"
    clerk = api(user_of("qh-dh", Role.CONGRESS_OFFICE), ("read", "vote"))
    not_deputy = _cast(clerk, session, _all(session, "N"))
    assert not_deputy.status_code == 403 and len(not_deputy.content) == BALLOT_BYTES
    assert not_deputy.json()["error"]["message"] == str(vm.BALLOT_NOT_A_DEPUTY)
    stranger = api(deputies("qh-xs")[0].user, ("read", "vote"))
    assert _cast(stranger, session, _all(session, "N")).status_code == 404
    assert not SealedBallot.objects.filter(session=session).exists()


def test_a_deputy_votes_by_session_too(session):
    deputy = deputies()[0].user
    browser = ApiClient().login(deputy)
    cast = _cast(browser, session, _all(session, "A"))
    assert cast.status_code == 201 and len(cast.content) == BALLOT_BYTES


def test_a_hall_of_deputies_behind_one_address_is_not_throttled_by_it(
    issue_token, session, monkeypatch
):
    """The per-address limit would refuse a congress hall voting through one network:
    the ballot has a hall's limit per address instead; other endpoints keep theirs."""
    import secrets

    from core.api.v1 import throttles

    monkeypatch.setattr(throttles.AddressRateThrottle, "rate", "2/min", raising=False)
    monkeypatch.setattr(throttles.HallAddressRateThrottle, "rate", "9/min", raising=False)
    hall = f"127.{secrets.randbelow(250)}.{secrets.randbelow(250)}.7"
    url = reverse("v1-session-ballot", args=[session.pk])
    for deputy in deputies()[:4]:
        client = _deputy_client(issue_token, deputy.user)
        assert client.get(url, REMOTE_ADDR=hall).status_code == 200
        codes = _all(session, "N")
        assert client.post(url, {"marks": codes}, REMOTE_ADDR=hall).status_code == 201
    assert SealedBallot.objects.filter(session=session).count() == 4
    board = _deputy_client(issue_token, deputies()[5].user)
    for _ in range(2):
        board.get(reverse("v1-board", args=["qh-dh"]), REMOTE_ADDR=hall)
    refused = board.get(reverse("v1-board", args=["qh-dh"]), REMOTE_ADDR=hall)
    assert refused.status_code == 429
    # the hall's own limit still holds: the ninth ballot request from it passes, not the tenth
    late = _deputy_client(issue_token, deputies()[6].user)
    assert late.get(url, REMOTE_ADDR=hall).status_code == 200
    assert late.get(url, REMOTE_ADDR=hall).status_code == 429
