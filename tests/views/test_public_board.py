"""The public board stays bounded and cached whatever the number of projects."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.views import public

pytestmark = pytest.mark.django_db

BOARD = reverse("public:board", args=["qh-dh"])


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


def test_the_board_is_paginated_within_a_year(client, make_case, monkeypatch):
    monkeypatch.setattr(public, "BOARD_PAGE_SIZE", 2)
    elected = [make_case("qh-dh", to="planning").project for _ in range(3)]
    first = client.get(BOARD).content.decode()
    second = client.get(BOARD, {"page": 2}).content.decode()
    shown = [p.title for p in elected]
    on_first = [t for t in shown if f"<h3>{t}</h3>" in first]
    on_second = [t for t in shown if f"<h3>{t}</h3>" in second]
    assert len(on_first) == 2 and len(on_second) == 1
    # the year's totals count every project, not only the page's
    assert "<strong>3</strong>" in first and "<strong>3</strong>" in second


def test_the_board_shows_one_year_at_a_time(client, make_case):
    project = make_case("qh-dh", to="planning").project
    older = make_case("qh-dh", to="planning").project
    type(older).objects.filter(pk=older.pk).update(year=2025)
    cache.clear()
    latest = client.get(BOARD)
    assert latest.context["year"] == 2026 and latest.context["years"] == [2026, 2025]
    body = latest.content.decode()
    assert project.title in body and older.title not in body
    body = client.get(BOARD, {"year": 2025}).content.decode()
    assert older.title in body and project.title not in body


@pytest.mark.parametrize(
    "params", [{"year": "abc"}, {"year": "1999"}, {"page": "-1"}, {"page": "x" * 50}]
)
def test_malformed_board_parameters_fall_back_to_the_latest_year(client, make_case, params):
    project = make_case("qh-dh", to="planning").project
    response = client.get(BOARD, params)
    assert response.status_code == 200
    assert project.title in response.content.decode()


def test_the_board_is_cached_until_a_project_of_the_jurisdiction_changes(client, make_case):
    case = make_case("qh-dh", to="planning")
    _, cold = queries(client, BOARD)
    response, warm = queries(client, BOARD)
    assert warm < cold
    other = make_case("qh-xs", to="planning")  # another township: still cached
    assert queries(client, BOARD)[1] == warm
    case.project.title = "东湖镇公交候车亭建设（调整）"
    case.project.save()
    response, again = queries(client, BOARD)
    assert again == cold
    assert "东湖镇公交候车亭建设（调整）" in response.content.decode()
    assert other.project.title not in response.content.decode()


def test_a_signed_off_report_refreshes_the_board(client, make_case):
    case = make_case("qh-dh", to="implementing")
    client.get(BOARD)
    case.report(1, 40)
    case.review(sign_off=True)
    body = client.get(BOARD).content.decode()
    assert 'aria-valuenow="40"' in body


def test_the_front_page_lists_two_levels_of_boards_and_is_cached(client, make_case, world):
    from core.models import Jurisdiction, Level

    village = Jurisdiction(code="qh-dh-cz", name="东湖镇陈庄村", level=Level.STREET)
    village.parent = world.jurisdictions["qh-dh"]
    village.save()
    make_case("qh-dh", to="planning")
    response, cold = queries(client, reverse("public:index"))
    body = response.content.decode()
    assert "东湖镇" in body and "清河区" in body
    assert "东湖镇陈庄村" not in body  # linked from 东湖镇's board instead
    _, warm = queries(client, reverse("public:index"))
    assert warm < cold
