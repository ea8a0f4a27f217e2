"""The supervisors' figures over a large scope are computed once per few minutes, shared
only by readers who see the whole scope, and the page says when they were computed."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.selectors import dashboard, process_map
from permissions.roles import Role

pytestmark = pytest.mark.django_db

YEAR = 2026


@pytest.fixture
def large(settings):
    cache.clear()
    settings.SUPERVISION_CACHE_MIN_JURISDICTIONS = 4  # the demo county and its townships


def dashboard_of(client, code="qh"):
    response = client.get(reverse("supervision:dashboard"), {"under": code, "year": YEAR})
    assert response.status_code == 200
    return response


def test_a_supervisor_of_a_large_scope_gets_figures_computed_once(
    large, make_case, user_of, client
):
    make_case("qh-dh", to="implementing")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    with mock.patch.object(
        dashboard, "dashboard_figures", wraps=dashboard.dashboard_figures
    ) as computed:
        first = dashboard_of(client)
        second = dashboard_of(client)
    assert computed.call_count == 1
    assert first.context["totals"]["registered"] == second.context["totals"]["registered"] == 1
    assert "数据截至" in second.content.decode()


def test_the_process_map_of_a_large_scope_is_computed_once(large, make_case, user_of, client):
    make_case("qh-dh", to="implementing")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    url = reverse("supervision:map", args=["project"])
    with mock.patch.object(process_map, "step_figures", wraps=process_map.step_figures) as computed:
        for _ in range(2):
            assert client.get(url, {"under": "qh", "year": YEAR}).status_code == 200
    assert computed.call_count == 1


def test_a_reader_of_part_of_the_scope_never_shares_the_figures(large, make_case, user_of, client):
    """The county's congress office reads its own jurisdiction only: its figures are its
    own, computed for each request, whatever a supervisor's page left in the cache."""
    make_case("qh-dh", to="implementing")
    make_case("qh", to="candidate")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    assert dashboard_of(client).context["totals"]["registered"] == 2
    client.force_login(user_of("qh", Role.CONGRESS_OFFICE))
    own = dashboard_of(client)
    assert own.context["totals"]["registered"] == 1
    assert "数据截至" not in own.content.decode()


def test_a_small_scope_is_computed_on_every_request(make_case, user_of, client, settings):
    cache.clear()
    settings.SUPERVISION_CACHE_MIN_JURISDICTIONS = 100
    client.force_login(user_of("qh", Role.SUPERVISOR))
    assert dashboard_of(client).context["totals"]["registered"] == 0
    make_case("qh-dh", to="implementing")
    page = dashboard_of(client)
    assert page.context["totals"]["registered"] == 1
    assert "数据截至" not in page.content.decode()


def test_a_scope_keeps_its_figures_apart_from_another_year_or_category(
    large, make_case, user_of, client
):
    make_case("qh-dh", to="implementing")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    assert dashboard_of(client).context["totals"]["registered"] == 1
    other = client.get(reverse("supervision:dashboard"), {"under": "qh", "year": YEAR - 1})
    assert other.context["totals"]["registered"] == 0


def test_with_the_cache_down_the_figures_are_computed(large, make_case, user_of, client):
    make_case("qh-dh", to="implementing")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    from core.selectors import figures_cache

    with mock.patch.object(figures_cache.cache, "get", side_effect=ConnectionError("down")):
        page = dashboard_of(client)
    assert page.context["totals"]["registered"] == 1
