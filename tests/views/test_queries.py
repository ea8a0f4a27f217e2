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


# The case page of a case in implementation with a reviewed report, an answered opinion,
# files on the case, the report and the answer, and more comments than it shows, read
# again by its township's congress office (the header's counts and the timeline cached):
# every query of the page, the session's and the header's included. A list without rows
# costs none.
CASE_PAGE_QUERIES = 19


def test_case_page_query_count_is_pinned(
    world, make_case, client, settings, tmp_path, django_assert_num_queries
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.models import Attachment, Comment
    from core.selectors.task_counts import NAV_COUNTS_SECONDS
    from core.views.work import COMMENTS_SHOWN

    settings.NAV_COUNTS_SECONDS = NAV_COUNTS_SECONDS  # as in production
    settings.MEDIA_ROOT = tmp_path
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
    report = case.project.reports.get()
    opinion = report.opinions.first()
    for name, where in (
        ("现场照片.pdf", {}),
        ("季度报表.pdf", {"report": report}),
        ("整改说明.pdf", {"report": report, "opinion": opinion}),
    ):
        Attachment.objects.create(
            project=case.project,
            file=SimpleUploadedFile(name, b"%PDF-1.4"),
            name=name,
            size=8,
            uploaded_by=deputy,
            **where,
        )
    url = reverse("core:case", args=[case.project.pk])
    client.get(url)  # the session's first renewal, the timeline and the counts cached
    with django_assert_num_queries(CASE_PAGE_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"共 {COMMENTS_SHOWN + 5} 条" in html
    files, reports = html.split('id="people-h"')[1].split('id="reports-h"')
    reports = reports.split("</section>")[0]
    assert "现场照片.pdf" in files and "季度报表.pdf" not in files and "整改说明.pdf" not in files
    answer = reports.split('class="opinion"')[1]
    assert "整改说明.pdf" in answer and "季度报表.pdf" not in answer
    assert "季度报表.pdf" in reports and "现场照片.pdf" not in reports
