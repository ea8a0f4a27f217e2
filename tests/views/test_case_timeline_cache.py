"""The case page's timeline is rendered once per change of the case: a new history row of
any kind or a finished step shows at once, in each language, and nothing else re-renders it."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.views import case_timeline as cached
from permissions.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders():
    cache.clear()
    with mock.patch.object(cached, "case_timeline", wraps=cached.case_timeline) as spy:
        yield spy


def page(client, case, language="zh-hans"):
    response = client.get(
        reverse("core:case", args=[case.project.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content.decode()


def timeline_of(body):
    return body.split('id="timeline-h"')[1]


def test_the_timeline_is_rendered_once_until_the_case_changes(world, make_case, client, renders):
    case = make_case("qh-dh", to="candidate")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    first = timeline_of(page(client, case))
    assert timeline_of(page(client, case)) == first
    assert renders.call_count == 1

    client.post(reverse("core:case_comment", args=[case.project.pk]), {"text": "请公布选址方案"})
    assert "请公布选址方案" in page(client, case)  # a new history row: rendered again
    assert renders.call_count == 2
    page(client, case)
    assert renders.call_count == 2


def test_a_finished_step_shows_at_once(world, make_case, client, renders):
    case = make_case("qh-dh", to="study")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    before = timeline_of(page(client, case)).count("ev-task")
    case.refresh()
    case.study()
    assert timeline_of(page(client, case)).count("ev-task") > before
    assert renders.call_count == 2


def test_each_language_has_its_own_timeline(world, make_case, client, renders):
    case = make_case("qh-dh", to="candidate")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    chinese = timeline_of(page(client, case, "zh-hans"))
    english = timeline_of(page(client, case, "en"))
    assert "Project registered" in english and "Project registered" not in chinese
    assert renders.call_count == 2


def test_without_a_cache_the_timeline_is_still_shown(world, make_case, client, renders):
    case = make_case("qh-dh", to="candidate")
    client.force_login(world.users[("qh-dh", Role.CONGRESS_OFFICE)])
    down = ConnectionError("down")
    with (
        mock.patch.object(cached.cache, "get", side_effect=down),
        mock.patch.object(cached.cache, "set", side_effect=down),
    ):
        body = page(client, case)
    assert case.project.title in body and 'class="timeline"' in body
