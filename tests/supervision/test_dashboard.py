"""The supervisors' dashboard: its scope, its figures, the lists behind them, its queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.selectors import dashboard
from core.selectors.projects import search_projects
from permissions.roles import Role

pytestmark = pytest.mark.django_db

YEAR = 2026


def figures_for(user, code=None, year=YEAR):
    filters = dashboard.resolve_filters(user, code=code, year=year, category=None)
    return filters, dashboard.dashboard_figures(user, filters)


def test_a_county_supervisor_counts_its_townships_and_never_a_sibling_county(
    make_case, make_sibling_case, user_of
):
    make_case("qh-dh", to="closed_commend")
    make_case("qh-xs", to="implementing")
    make_case("qh", to="candidate")
    make_sibling_case("qh2-ds", to="closed_commend")
    make_sibling_case("qh2-ds", to="implementing")
    make_sibling_case("qh2", to="not_elected")

    filters, data = figures_for(user_of("qh", Role.SUPERVISOR))
    totals = data["totals"]
    assert filters.root.code == "qh"
    assert totals["registered"] == 3
    assert totals["elected"] == 2
    assert totals["completed"] == 1
    assert totals["not_elected"] == 0
    assert sorted(row["jurisdiction"].code for row in data["by_jurisdiction"]) == [
        "qh",
        "qh-dh",
        "qh-nm",
        "qh-xs",
    ]
    assert sum(row["registered"] for row in data["by_jurisdiction"]) == 3
    assert data["deputies"]["total"] == 32  # 8 deputies in each of its four jurisdictions


def test_the_sibling_county_cannot_be_chosen_even_by_its_code(
    make_case, make_sibling_case, user_of
):
    make_case("qh-dh", to="implementing")
    make_sibling_case("qh2-ds", to="implementing")
    supervisor = user_of("qh", Role.SUPERVISOR)
    filters, data = figures_for(supervisor, code="qh2")
    assert filters.root.code == "qh"
    assert data["totals"]["registered"] == 1
    assert "qh2" not in [j.code for j in filters.roots]


def test_a_township_supervisor_sees_only_its_township(make_case, user_of):
    make_case("qh-dh", to="implementing")
    make_case("qh-xs", to="implementing")
    _filters, data = figures_for(user_of("qh-dh", Role.SUPERVISOR))
    assert data["totals"]["registered"] == 1


def test_the_dashboard_page_shows_only_its_own_cases(client, make_case, make_sibling_case, user_of):
    own = make_case("qh-dh", to="implementing").project
    other = make_sibling_case("qh2-ds", to="implementing").project
    client.force_login(user_of("qh", Role.SUPERVISOR))
    response = client.get(reverse("supervision:dashboard"), {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    assert "清河二区" not in html and "东山镇" not in html
    # the list behind "registered" lists exactly the own case
    listing = client.get(reverse("core:cases"), {"set": "registered", "under": "qh", "year": YEAR})
    text = listing.content.decode()
    assert own.title in text
    assert reverse("core:case", args=[own.pk]) in text
    assert reverse("core:case", args=[other.pk]) not in text


def test_every_figure_equals_the_length_of_the_list_behind_it(make_case, user_of):
    for target in ("closed_commend", "closed_normal", "implementing", "not_elected", "study"):
        make_case("qh-dh", to=target)
    supervisor = user_of("qh", Role.SUPERVISOR)
    _filters, data = figures_for(supervisor)
    for name in dashboard.SET_LABELS:
        listed = search_projects(supervisor, year=YEAR, under="qh", subset=name).count()
        assert listed == data["totals"][name], name


def test_dashboard_links_carry_the_filters_to_the_case_list(client, make_case, user_of):
    make_case("qh-dh", to="closed_commend")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    html = client.get(reverse("supervision:dashboard"), {"year": YEAR}).content.decode()
    links = set(re.findall(r'href="(/work/cases/\?[^"]+)"', html))
    assert any("set=completed" in link and "under=qh" in link for link in links)
    for link in links:
        assert f"year={YEAR}" in link or "year=" in link
        assert "under=" in link or "jurisdiction=" in link


def test_rates_and_satisfaction(make_case, user_of):
    make_case("qh-dh", to="closed_commend")  # 93.5 %
    make_case("qh-dh", to="closed_normal")  # 78.2 %
    make_case("qh-dh", to="implementing")
    make_case("qh-dh", to="accountability")  # 52.4 %
    _filters, data = figures_for(user_of("qh", Role.SUPERVISOR))
    totals = data["totals"]
    assert totals["elected"] == 4
    assert totals["completed"] == 3
    assert totals["completion_rate"] == 75
    assert totals["on_time"] == 3 and totals["on_time_rate"] == 100
    assert totals["band_commend"] == 1
    assert totals["band_normal"] == 1
    assert totals["band_accountability"] == 1
    assert round(float(totals["satisfaction"]), 1) == round((93.5 + 78.2 + 52.4) / 3, 1)


def test_the_congress_office_sees_the_dashboard_of_its_own_jurisdiction(client, make_case, user_of):
    make_case("qh-dh", to="implementing")
    make_case("qh-xs", to="implementing")
    office = user_of("qh-dh", Role.CONGRESS_OFFICE)
    _filters, data = figures_for(office)
    assert data["totals"]["registered"] == 1
    client.force_login(office)
    assert client.get(reverse("supervision:dashboard")).status_code == 200


def test_a_department_may_not_open_the_dashboard(client, user_of):
    client.force_login(user_of("qh-dh", "works"))
    assert client.get(reverse("supervision:dashboard")).status_code == 403
    assert client.get(reverse("supervision:map", args=["project"])).status_code == 403


def _count_queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_dashboard_query_count_does_not_grow_with_the_cases(
    client, make_case, user_of, django_assert_max_num_queries
):
    client.force_login(user_of("qh", Role.SUPERVISOR))
    url = reverse("supervision:dashboard")
    make_case("qh-dh", to="implementing")
    few = _count_queries(client, url, {"year": YEAR})
    for target in ("closed_commend", "not_elected", "study", "candidate", "evaluation"):
        make_case("qh-xs", to=target)
        make_case("qh-nm", to=target)
    many = _count_queries(client, url, {"year": YEAR})
    assert many == few
    with django_assert_max_num_queries(30):
        client.get(url, {"year": "all"})


def test_the_annual_report_is_printable_and_scoped(client, make_case, make_sibling_case, user_of):
    own = make_case("qh-dh", to="closed_commend").project
    other = make_sibling_case("qh2-ds", to="closed_commend").project
    client.force_login(user_of("qh", Role.SUPERVISOR))
    response = client.get(reverse("supervision:annual", args=["qh", YEAR]))
    assert response.status_code == 200
    html = response.content.decode()
    assert own.title in html and 'data-action="print"' in html
    assert "东山镇" not in html and other.jurisdiction.name not in html
    assert client.get(reverse("supervision:annual", args=["qh2", YEAR])).status_code == 404


def test_the_suggestions_behind_the_figure_are_scoped(
    client, make_case, make_sibling_case, user_of
):
    make_case("qh-dh", to="study")
    make_sibling_case("qh2-ds", to="study")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    response = client.get(reverse("supervision:suggestions"), {"year": "all"})
    html = response.content.decode()
    assert "东湖镇" in html and "东山镇" not in html


def test_the_jurisdiction_filter_offers_the_way_up_beside_and_down(user_of, client):
    """A few dozen choices however large the province: the chosen jurisdiction's
    ancestors, its siblings and its children, never the whole tree at once."""
    supervisor = user_of("qh", Role.SUPERVISOR)
    filters = dashboard.resolve_filters(supervisor, code="qh", year=YEAR, category=None)
    assert [j.code for j in filters.choices] == [j.code for j in filters.roots]  # one level
    filters = dashboard.resolve_filters(supervisor, code="qh-dh", year=YEAR, category=None)
    assert {j.code for j in filters.choices} == {"qh", "qh-dh", "qh-nm", "qh-xs"}
    client.force_login(supervisor)
    page = client.get(reverse("supervision:dashboard"), {"under": "qh-dh", "year": YEAR})
    options = re.findall(r'<option value="([a-z0-9-]+)"', page.content.decode())
    assert {"qh", "qh-dh", "qh-xs"} <= set(options)


def test_a_deep_tree_offers_only_the_chosen_branch(user_of, make_case):
    from core.models import Jurisdiction, Level
    from core.selectors.dashboard import Filters

    county = Jurisdiction.objects.get(code="qh")
    village = Jurisdiction.objects.create(
        code="qh-dh-c1",
        name="东湖村",
        level=Level.TOWNSHIP,
        parent=county.children.get(code="qh-dh"),
    )
    roots = list(Jurisdiction.objects.filter(path__startswith=county.path).order_by("path"))
    filters = Filters(root=county, year=YEAR, category=None, roots=roots)
    assert village not in filters.choices  # a grandchild: reached through its township
    filters = Filters(root=village, year=YEAR, category=None, roots=roots)
    assert {j.code for j in filters.choices} == {"qh", "qh-dh", "qh-dh-c1"}
