"""The reporting API: the dashboard's and the map's figures as JSON, same scope."""

import pytest
from django.urls import reverse

from permissions.roles import Role

pytestmark = pytest.mark.django_db


def test_the_dashboard_json_counts_the_own_subtree_only(
    client, make_case, make_sibling_case, user_of
):
    make_case("qh-dh", to="closed_commend")
    make_sibling_case("qh2-ds", to="closed_commend")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    data = client.get(reverse("api-reporting-dashboard"), {"year": 2026}).json()
    assert data["scope"] == {"jurisdiction": "qh", "year": 2026, "category": None}
    assert data["totals"]["registered"] == 1 and data["totals"]["completed"] == 1
    assert {row["jurisdiction"] for row in data["by_jurisdiction"]} == {
        "qh",
        "qh-dh",
        "qh-xs",
        "qh-nm",
    }


def test_the_map_json_gives_every_step(client, make_case, user_of):
    make_case("qh-dh", to="study")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    data = client.get(reverse("api-reporting-map", args=["project"])).json()
    assert data["steps"]["study_feasibility"]["now"] == 1
    assert client.get(reverse("api-reporting-map", args=["other"])).status_code == 404


def test_a_department_gets_no_figures(client, user_of):
    client.force_login(user_of("qh-dh", "works"))
    assert client.get(reverse("api-reporting-dashboard")).status_code == 403


def test_the_header_links_follow_the_roles(client, user_of):
    client.force_login(user_of("qh", Role.SUPERVISOR))
    html = client.get(reverse("core:cases")).content.decode()
    assert reverse("supervision:dashboard") in html
    assert reverse("supervision:imports") not in html
    client.force_login(user_of("qh", Role.CONGRESS_OFFICE))
    html = client.get(reverse("core:cases")).content.decode()
    assert reverse("supervision:dashboard") in html and reverse("supervision:imports") in html
    client.force_login(user_of("qh", "works"))
    html = client.get(reverse("core:cases")).content.decode()
    assert reverse("supervision:dashboard") not in html
