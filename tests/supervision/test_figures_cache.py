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


def test_the_warm_up_keeps_a_large_scope_s_figures_before_anyone_asks(
    large, make_case, user_of, client
):
    from core.services.figures_warmup import figures_warm, large_scopes

    make_case("qh-dh", to="implementing")
    assert [j.code for j in large_scopes()] == ["qh"]  # its townships are not large scopes
    # this year, next year and all years; the dashboard and the project flow's map
    assert figures_warm() == 6
    client.force_login(user_of("qh", Role.SUPERVISOR))
    url = reverse("supervision:map", args=["project"])
    with (
        mock.patch.object(dashboard, "dashboard_figures") as dashboard_computed,
        mock.patch.object(process_map, "step_figures") as map_computed,
    ):
        page = dashboard_of(client)
        assert client.get(url, {"under": "qh", "year": YEAR}).status_code == 200
        everything = client.get(reverse("supervision:dashboard"), {"under": "qh", "year": "all"})
    assert dashboard_computed.call_count == map_computed.call_count == 0
    assert page.context["totals"]["registered"] == 1
    assert everything.context["totals"]["registered"] == 1
    assert "数据截至" in page.content.decode()


def test_the_warm_up_computes_what_a_supervisor_s_own_request_computes(
    large, make_case, user_of, client
):
    from core.services.figures_warmup import figures_warm

    make_case("qh-dh", to="implementing")
    make_case("qh", to="candidate")
    client.force_login(user_of("qh", Role.SUPERVISOR))
    computed = dashboard_of(client).context
    map_computed = client.get(
        reverse("supervision:map", args=["project"]), {"under": "qh", "year": YEAR}
    ).context
    cache.clear()
    figures_warm()
    kept = dashboard_of(client).context
    map_kept = client.get(
        reverse("supervision:map", args=["project"]), {"under": "qh", "year": YEAR}
    ).context
    assert kept["data"] == computed["data"]
    assert kept["totals"] == computed["totals"]

    def steps(context):  # an open step's time spent grows by the second: compared in days
        return [
            (r["name"], r["figures"].now, r["figures"].overdue, r["figures"].ended)
            + (r["figures"].median_days,)
            for r in context["steps"]
        ]

    assert steps(map_kept) == steps(map_computed)
    assert map_kept["totals"] == map_computed["totals"]
    assert [(r["jurisdiction"], r["n"]) for r in map_kept["by_jurisdiction"]] == [
        (r["jurisdiction"], r["n"]) for r in map_computed["by_jurisdiction"]
    ]


def test_the_warm_up_leaves_small_scopes_to_their_requests(make_case, settings):
    from core.services.figures_warmup import figures_warm, large_scopes

    cache.clear()
    settings.SUPERVISION_CACHE_MIN_JURISDICTIONS = 100
    make_case("qh-dh", to="implementing")
    assert large_scopes() == []
    assert figures_warm() == 0


def test_the_warm_up_runs_as_a_celery_task_on_the_beat(large, make_case, user_of, client):
    from core.services.calendar import BEAT_SCHEDULE
    from core.tasks.supervision import warm_figures

    assert "supervision.warm_figures" in {entry.task for entry in BEAT_SCHEDULE}
    make_case("qh-dh", to="implementing")
    assert warm_figures.apply().get() == 6  # run here, as a worker would run it


def test_the_warm_up_s_reader_reads_one_subtree_and_may_do_nothing(world):
    from core.models import Jurisdiction, Project
    from permissions.scope import SubtreeReader, jurisdiction_q, reads_whole_subtree

    township = Jurisdiction.objects.get(code="qh-dh")
    reader = SubtreeReader(township)
    assert reads_whole_subtree(reader, township)
    assert not reads_whole_subtree(reader, Jurisdiction.objects.get(code="qh"))
    readable = set(Jurisdiction.objects.filter(jurisdiction_q(reader, field=None)))
    assert readable == {township}
    assert not reader.has_perm("core.view_project")
    assert not reader.has_perm("core.view_project", Project.objects.first())
    assert reader.get_all_permissions() == set()
