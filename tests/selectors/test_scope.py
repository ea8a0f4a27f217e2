"""Users of sibling townships never see each other's cases: lists, search, maps, API."""

import pytest
from django.urls import reverse

from core.selectors import projects as project_selectors
from core.selectors import tasks as task_selectors
from permissions.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_townships(make_case):
    east = [make_case("qh-dh", to=t) for t in ("assign_study", "study", "implementing")]
    west = [make_case("qh-xs", to=t) for t in ("assign_study", "study", "implementing")]
    return east, west


def test_sibling_townships_see_only_their_own_cases(world, two_townships, user_of):
    east, west = two_townships
    for role in (Role.CONGRESS_OFFICE, Role.GOVERNMENT_OFFICE, Role.SUPERVISOR, "works"):
        user = user_of("qh-dh", role)
        seen = set(project_selectors.projects_for_user(user).values_list("pk", flat=True))
        assert {c.project.pk for c in east} <= seen
        assert not seen & {c.project.pk for c in west}
        tasks = task_selectors.scoped_tasks(user)
        assert not tasks.filter(process__projectprocess__project__jurisdiction__code="qh-xs")


def test_county_supervisor_sees_every_township_but_county_offices_see_only_the_county(
    world, two_townships, user_of
):
    east, west = two_townships
    supervisor = user_of("qh", Role.SUPERVISOR)
    seen = set(project_selectors.projects_for_user(supervisor).values_list("pk", flat=True))
    assert {c.project.pk for c in east + west} <= seen
    congress = user_of("qh", Role.CONGRESS_OFFICE)
    assert not project_selectors.projects_for_user(congress).filter(
        jurisdiction__code__in=["qh-dh", "qh-xs"]
    )


def test_no_page_or_api_of_a_township_shows_the_siblings_cases(world, two_townships, client):
    east, west = two_townships
    west_titles = {c.project.title for c in west} - {c.project.title for c in east}
    for role in (Role.CONGRESS_OFFICE, Role.GOVERNMENT_OFFICE, "works", Role.SUPERVISOR):
        client.force_login(world.users[("qh-dh", role)])
        pages = [
            reverse("core:inbox"),
            reverse("core:queue"),
            reverse("core:archive"),
            reverse("core:cases"),
            reverse("core:cases") + "?q=改造",
            reverse("core:suggestions"),
            reverse("api-projects"),
            reverse("api-queue"),
            reverse("api-inbox"),
            reverse("api-suggestions"),
        ]
        for url in pages:
            body = client.get(url).content.decode()
            for title in west_titles:
                assert title not in body, f"{title} leaked on {url} to {role}"
        for case in west:
            assert client.get(reverse("core:case", args=[case.project.pk])).status_code == 404
            assert client.get(reverse("core:case_chart", args=[case.project.pk])).status_code == 404


def test_queue_offers_a_department_only_its_own_offices_studies(world, make_case, user_of):
    case = make_case("qh-dh", to="study")
    own = user_of("qh-dh", case.dept)
    other = user_of("qh-dh", "social" if case.dept == "works" else "works")
    assert task_selectors.queue(own).filter(process=case.project.process).exists()
    assert not task_selectors.queue(other).filter(process=case.project.process).exists()
