"""Projects through the API: the case-list page's own FilterSet, pagination with a fixed
number of queries, one case with its timeline; another jurisdiction's case is 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permissions.roles import Role

pytestmark = pytest.mark.django_db


def _titles(answer):
    assert answer.status_code == 200, answer.json()
    return {p["title"] for p in answer.json()["results"]}


def test_the_filters_narrow_the_list_as_the_page_does(api, client, make_case, user_of):
    study = make_case("qh-dh", to="study").project
    candidate = make_case("qh-dh", to="candidate").project
    closed = make_case("qh-dh", to="closed_commend").project
    township = make_case("qh-xs", to="study").project
    supervisor = user_of("qh", Role.SUPERVISOR)
    reader = api(supervisor)
    client.force_login(supervisor)
    url = reverse("v1-projects")
    cases = [
        ({"stage": "study"}, {study.title, township.title}),
        ({"step": "study_feasibility"}, {study.title, township.title}),
        ({"under": "qh-dh"}, {study.title, candidate.title, closed.title}),
        ({"jurisdiction": "qh-xs"}, {township.title}),
        ({"set": "completed"}, {closed.title}),
        ({"set": "candidates", "under": "qh-dh"}, {candidate.title, closed.title}),
        ({"q": study.title[-4:], "under": "qh-dh"}, {study.title}),
        ({"year": 2026, "category": study.category.code, "stage": "study"}, {study.title}),
    ]
    for params, expected in cases:
        assert _titles(reader.get(url, params)) >= expected, params
        listed = _titles(reader.get(url, params))
        page = client.get(reverse("core:cases"), params)
        for project in (study, candidate, closed, township):
            on_page = project.title in page.content.decode()
            assert on_page == (project.title in listed), (params, project.title)


def test_overdue_finds_the_cases_with_a_late_step(api, make_case, user_of, settings):
    planning = make_case("qh-dh", to="planning").project
    study = make_case("qh-dh", to="study").project
    reader = api(user_of("qh-dh", Role.CONGRESS_OFFICE))
    settings.CALENDAR_TODAY = "2030-01-01"
    late = _titles(reader.get(reverse("v1-projects"), {"overdue": "true"}))
    on_time = _titles(reader.get(reverse("v1-projects"), {"overdue": "false"}))
    assert planning.title in late and study.title not in late
    assert study.title in on_time and planning.title not in on_time
    listed = reader.get(reverse("v1-projects"), {"overdue": "true"}).json()["results"]
    assert all(p["overdue"] for p in listed)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"year": "soon"}, "year"),
        ({"year": "1999"}, "year"),
        ({"stage": "nowhere"}, "stage"),
        ({"step": "fly"}, "step"),
        ({"set": "everything"}, "set"),
        ({"overdue": "perhaps"}, "overdue"),
        ({"page_size": "many"}, None),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api, user_of, params, field):
    answer = api(user_of("qh-dh", Role.CONGRESS_OFFICE)).get(reverse("v1-projects"), params)
    if field is None:  # page_size that does not parse falls back to the default
        assert answer.status_code == 200
        return
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"
    assert answer.json()["error"]["field"] == field


def test_the_page_ignores_a_filter_that_does_not_parse(client, make_case, user_of):
    project = make_case("qh-dh", to="study").project
    client.force_login(user_of("qh-dh", Role.CONGRESS_OFFICE))
    page = client.get(reverse("core:cases"), {"year": "soon", "set": "everything"})
    assert page.status_code == 200 and project.title in page.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_page_size(api, make_case, user_of):
    for n, to in enumerate(
        ["study", "planning", "implementing", "candidate", "study", "party_review"]
    ):
        make_case("qh-dh", to=to, index=200 + n)
    reader = api(user_of("qh", Role.SUPERVISOR), session=True)
    counts = {}
    for size in (1, 3, 6):
        with CaptureQueriesContext(connection) as queries:
            answer = reader.get(reverse("v1-projects"), {"page_size": size})
        assert len(answer.json()["results"]) == size
        counts[size] = len(queries)
    assert counts[1] == counts[3] == counts[6], counts
    lists = ("v1-inbox", "v1-queue", "v1-sessions", "v1-suggestions")
    for url in (reverse(name) for name in lists):
        sizes = []
        for size in (1, 50):
            with CaptureQueriesContext(connection) as queries:
                assert reader.get(url, {"page_size": size}).status_code == 200
            sizes.append(len(queries))
        assert sizes[0] == sizes[1], (url, sizes)


def test_a_page_holds_at_most_100(api, make_case, user_of):
    make_case("qh-dh", to="study")
    answer = api(user_of("qh-dh", Role.CONGRESS_OFFICE)).get(
        reverse("v1-projects"), {"page_size": 10_000}
    )
    assert answer.status_code == 200 and answer.json()["count"] == 1


def test_one_case_with_its_timeline(api, make_case, user_of):
    case = make_case("qh-dh", to="implementing")
    detail = api(user_of("qh-dh", Role.CONGRESS_OFFICE)).get(
        reverse("v1-project", args=[case.project.pk])
    )
    assert detail.status_code == 200
    data = detail.json()
    assert data["stage"] == "implementing" and data["milestones"]
    titles = [event["title"] for event in data["timeline"] if event["kind"] == "task"]
    assert "Study feasibility" in titles and "Implementation plan" in titles
    assert [s["step"] for s in data["open_steps"]] == ["submit_report"]


def test_another_jurisdictions_case_is_404_as_a_missing_one(api, make_case, user_of):
    case = make_case("qh-xs", to="study")
    reader = api(user_of("qh-dh", Role.CONGRESS_OFFICE))
    for pk in (case.project.pk, 10**9):
        answer = reader.get(reverse("v1-project", args=[pk]))
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "not_found"


def test_the_page_keeps_the_dashboards_under_and_set_and_offers_step_and_overdue(
    client, make_case, user_of
):
    make_case("qh-dh", to="study")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    page = client.get(reverse("core:cases"), {"under": "qh-dh", "set": "registered"})
    html = page.content.decode()
    assert '<input type="hidden" name="under" value="qh-dh">' in html
    assert '<input type="hidden" name="set" value="registered">' in html
    assert '<option value="study_feasibility">' in html and 'name="overdue"' in html
