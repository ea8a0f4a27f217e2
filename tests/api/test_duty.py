"""Deputies' duty records through the API, by the duty-record page's rule: a deputy reads
their own, the congress office its deputies'; anyone else's is 404. The record is the
page's, and like the page it never shows how a deputy voted."""

import inspect

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.api.v1 import deputies as api_deputies
from core.models import Deputy
from core.selectors import duty
from core.services import suggestions as suggestion_services
from permissions.roles import Role
from tests.voting.session_setup import cast_all, close_and_announce, ids, open_session

pytestmark = pytest.mark.django_db


def _deputies(code="qh-dh"):
    found = list(Deputy.objects.filter(jurisdiction__code=code).order_by("pk"))
    for deputy in found:
        if deputy.user and hasattr(deputy.user, "_scope_assignments"):
            del deputy.user._scope_assignments
    return found


def _propose(deputy, title):
    return suggestion_services.deputy_suggestion_submit(
        actor=deputy.user, deputy=deputy, title=title, text=f"{title}，请予研究。"
    )


def test_a_deputy_reads_their_own_record_as_the_page_shows_it(api, world):
    mine = _deputies()[0]
    _propose(mine, "修缮村口道路")
    year = timezone.localdate().year
    for client in (api(mine.user), api(mine.user, session=True)):
        record = client.get(reverse("v1-my-duty")).json()
        assert record["deputy"] == {
            "id": mine.pk,
            "name": mine.name,
            "jurisdiction": "qh-dh",
            "delegation": mine.delegation,
        }
        page = duty.duty_record(mine, year)
        assert record["year"] == year and record["rank"] == page.rank
        assert [line["source"] for line in record["lines"]] == [s.code for s in duty.DUTY_SOURCES]
        lines = {line["source"]: line for line in record["lines"]}
        assert lines["suggestions_made"]["count"] == 1
        assert lines["suggestions_made"]["points"] == "2.0"
        assert record["total"] == str(page.total.quantize(duty.Decimal("0.1")))
        assert client.get(reverse("v1-deputy-duty", args=[mine.pk])).json() == record
        assert client.get(reverse("v1-my-duty"), {"year": year - 1}).json()["year"] == year - 1
        assert client.get(reverse("v1-my-duty"), {"year": ""}).json()["year"] == year


def test_who_reads_whose_record_is_the_pages_rule(api, world, user_of):
    mine, other = _deputies()[:2]
    stranger = _deputies("qh-xs")[0]
    cases = [
        (mine.user, mine, 200),
        (mine.user, other, 404),
        (stranger.user, mine, 404),
        (user_of("qh-dh", Role.CONGRESS_OFFICE), mine, 200),
        (user_of("qh-dh", Role.GOVERNMENT_OFFICE), mine, 404),
        (user_of("qh-xs", Role.CONGRESS_OFFICE), mine, 404),
        (user_of("qh", Role.CONGRESS_OFFICE), mine, 404),
        (user_of("qh", Role.SUPERVISOR), mine, 404),
    ]
    for user, deputy, expected in cases:
        for session in (False, True):
            answer = api(user, session=session).get(reverse("v1-deputy-duty", args=[deputy.pk]))
            assert answer.status_code == expected, (user.username, deputy.name, session)
            if expected == 404:
                assert answer.json()["error"]["code"] == "not_found"
    office = api(user_of("qh-dh", Role.CONGRESS_OFFICE))
    assert office.get(reverse("v1-deputy-duty", args=[10**12])).status_code == 404


def test_an_account_that_is_no_active_deputy_has_no_own_record(api, world, user_of):
    clerk = api(user_of("qh-dh", Role.CONGRESS_OFFICE))
    answer = clerk.get(reverse("v1-my-duty"))
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"
    retired = _deputies()[2]
    reader = api(retired.user)
    Deputy.objects.filter(pk=retired.pk).update(active=False)
    assert reader.get(reverse("v1-my-duty")).status_code == 404
    assert reader.get(reverse("v1-deputies")).json()["count"] == 0


def test_the_list_is_the_ranking_for_the_office_and_oneself_for_a_deputy(api, world, user_of):
    here = _deputies()
    _propose(here[3], "增设公交站")
    office = api(user_of("qh-dh", Role.CONGRESS_OFFICE)).get(reverse("v1-deputies")).json()
    assert office["count"] == len(here)
    ranked = {r["deputy"]["id"]: r["rank"] for r in office["results"]}
    year = timezone.localdate().year
    page = {r.deputy.pk: r.rank for r in duty.ranking(world.jurisdictions["qh-dh"], year)}
    assert ranked == page and ranked[here[3].pk] == 1
    own = api(here[0].user).get(reverse("v1-deputies")).json()
    assert [r["deputy"]["id"] for r in own["results"]] == [here[0].pk]
    for user in (user_of("qh", Role.SUPERVISOR), user_of("qh-xs", Role.CONGRESS_OFFICE)):
        listed = api(user).get(reverse("v1-deputies"), {"under": "qh-dh"}).json()
        assert listed["count"] == 0, user.username
    county = api(user_of("qh", Role.CONGRESS_OFFICE)).get(reverse("v1-deputies")).json()
    assert {r["deputy"]["jurisdiction"] for r in county["results"]} == {"qh"}


@pytest.mark.parametrize(
    "url, params",
    [
        ("v1-deputies", {"year": "soon"}),
        ("v1-deputies", {"year": "1999"}),
        ("v1-my-duty", {"year": "2101"}),
        ("v1-deputy-duty", {"year": "x"}),
    ],
)
def test_a_bad_year_is_a_400_naming_it(api, world, url, params):
    mine = _deputies()[0]
    args = [mine.pk] if url == "v1-deputy-duty" else []
    for language, word in (("en", "integer"), ("zh-hans", "整数")):
        answer = api(mine.user, language=language).get(reverse(url, args=args), params)
        assert answer.status_code == 400
        error = answer.json()["error"]
        assert error["code"] == "invalid" and error["field"] == "year"
        if params["year"].isalpha():
            assert word in error["message"]


def test_the_list_takes_a_constant_number_of_queries(api, world, user_of):
    for n, deputy in enumerate(_deputies()[:4]):
        _propose(deputy, f"建议{n}")
    office = api(user_of("qh-dh", Role.CONGRESS_OFFICE), session=True)
    office.get(reverse("v1-deputies"))  # warm the caches (content types, permissions)
    counts = []
    for size in (1, 3, 8):
        with CaptureQueriesContext(connection) as queries:
            answer = office.get(reverse("v1-deputies"), {"page_size": size})
        assert len(answer.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_a_token_without_read_or_narrowed_elsewhere_reads_nothing(api, world, user_of):
    mine = _deputies()[0]
    refused = api(mine.user, scopes=("vote",)).get(reverse("v1-my-duty"))
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "scope_missing"
    assert api().get(reverse("v1-my-duty")).status_code == 401
    assert api().get(reverse("v1-deputies")).status_code == 401
    office = api(user_of("qh-dh", Role.CONGRESS_OFFICE), scopes=("suggest",))
    assert office.get(reverse("v1-deputy-duty", args=[mine.pk])).status_code == 403


# -- secrecy: nothing the API shows depends on how anyone voted ---------------------------
class Rollback(Exception):
    pass


def _everything_shown(api, world, year) -> list:
    office = api(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    shown = [office.get(reverse("v1-deputies"), {"year": year, "page_size": 100}).json()]
    for deputy in _deputies():
        shown.append(office.get(reverse("v1-deputy-duty", args=[deputy.pk]), {"year": year}).json())
        own = api(deputy.user)
        shown.append(own.get(reverse("v1-my-duty"), {"year": year}).json())
        shown.append(own.get(reverse("v1-deputies"), {"year": year}).json())
    return shown


def _after_a_vote(api, world, make_case, marks_for) -> list:
    try:
        with transaction.atomic():
            projects = [make_case("qh-dh", to="candidate", index=n).project for n in range(3)]
            session = open_session(world, projects, rules={"seats": 2})
            candidates = ids(projects)
            cast_all(session, [marks_for(n, candidates) for n in range(6)])
            close_and_announce(world, session)
            raise Rollback(_everything_shown(api, world, session.year))
    except Rollback as done:
        return done.args[0]


def test_the_record_through_the_api_is_the_same_whatever_the_ballots_say(api, world, make_case):
    first_two = _after_a_vote(
        api,
        world,
        make_case,
        lambda n, c: {cid: "yes" if i < 2 else "no" for i, cid in enumerate(c)},
    )
    all_no = _after_a_vote(api, world, make_case, lambda n, c: dict.fromkeys(c, "no"))
    mixed = _after_a_vote(
        api,
        world,
        make_case,
        lambda n, c: {cid: ("yes" if (n + i) % 3 == 0 else "no") for i, cid in enumerate(c)},
    )
    assert first_two == all_no == mixed
    # it does show that they voted: six deputies cast a ballot, two did not
    listed = first_two[0]["results"]
    voted = [
        next(line["count"] for line in r["lines"] if line["source"] == "votes_cast") for r in listed
    ]
    assert sorted(voted) == [0, 0, 1, 1, 1, 1, 1, 1]


def test_the_api_reads_no_ballot():
    source = inspect.getsource(api_deputies)
    assert "Ballot" not in source and "marks" not in source
