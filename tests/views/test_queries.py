"""Inbox, queue and case pages keep a constant number of queries as rows grow."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permissions.roles import Role

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    cache.clear()  # the header's badge counts are cached: count the page without them cached
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["core:queue", "core:cases", "core:archive", "core:inbox"])
def test_task_and_case_lists_do_not_grow_with_rows(world, make_case, client, page):
    client.force_login(world.users[("qh-dh", Role.GOVERNMENT_OFFICE)])
    make_case("qh-dh", to="assign_study")
    few = count_queries(client, reverse(page))
    for _ in range(6):
        make_case("qh-dh", to="assign_study")
    many = count_queries(client, reverse(page))
    assert many == few


def test_inbox_with_taken_tasks_is_constant(world, make_case, client):
    from core.services.steps import task_assign
    from flows.project_flow import ProjectFlow

    user = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    client.force_login(user)

    def take_new():
        case = make_case("qh-dh", to="assign_study")
        from core.services.steps import open_task

        task_assign(actor=user, task=open_task(case.project.process, ProjectFlow.assign_study))

    take_new()
    few = count_queries(client, reverse("core:inbox"))
    for _ in range(5):
        take_new()
    assert count_queries(client, reverse("core:inbox")) == few


def test_case_page_is_constant_as_the_case_grows(
    world, make_case, client, django_assert_max_num_queries
):
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    case = make_case("qh-dh", to="implementing")
    url = reverse("core:case", args=[case.project.pk])

    def quarter_round(quarter):
        case.report(quarter, 20 * quarter)
        case.review(sign_off=False)
        case.answer()
        case.review()
        case.refresh()

    quarter_round(1)
    count_queries(client, url)  # warm the session
    few = count_queries(client, url)
    for quarter in (2, 3):
        quarter_round(quarter)
    many = count_queries(client, url)
    assert many == few
    cache.clear()
    with django_assert_max_num_queries(few):
        client.get(url)


# The case page of a case in implementation with a reviewed report, an answered opinion
# and more comments than it shows, read again by its township's congress office (the
# header's counts and the timeline cached): every query of the page, the session's and
# the header's included. A list without rows costs none.
CASE_PAGE_QUERIES = 19


def test_case_page_query_count_is_pinned(
    world, make_case, client, settings, django_assert_num_queries
):
    from core.models import Comment
    from core.selectors.task_counts import NAV_COUNTS_SECONDS
    from core.views.work import COMMENTS_SHOWN

    settings.NAV_COUNTS_SECONDS = NAV_COUNTS_SECONDS  # as in production
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    case = make_case("qh-dh", to="implementing")
    case.report(1, 20)
    case.review(sign_off=False)
    case.answer()
    case.review()
    case.refresh()
    deputy = case.project.jurisdiction.deputies.first().user
    for n in range(COMMENTS_SHOWN + 5):
        Comment.objects.create(project=case.project, author=deputy, text=f"意见{n}")
    url = reverse("core:case", args=[case.project.pk])
    client.get(url)  # the session's first renewal, the timeline and the counts cached
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert f"共 {COMMENTS_SHOWN + 5} 条" in response.content.decode()
