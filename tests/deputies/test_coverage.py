"""Figures offices quote: coverage (how many townships held a vote this year, and the
share), on the dashboard beside the funnel."""

import pytest
from django.urls import reverse

from core.selectors import coverage
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def test_coverage_counts_the_townships_that_voted_this_year(world, make_case, user_of, client):
    case = make_case("qh-dh", to="planning")
    make_case("qh-xs", to="candidate")  # not voted yet
    supervisor = user_of("qh", Role.SUPERVISOR)
    cov = coverage.coverage(supervisor, world.jurisdictions["qh"], case.project.year)
    assert (cov.units, cov.voted) == (3, 1)
    assert str(cov.share) == "33.3"
    assert [u.code for u in cov.voted_units] == ["qh-dh"]
    next_year = case.project.year + 1
    assert coverage.coverage(supervisor, world.jurisdictions["qh"], next_year).voted == 0
    # a township has no coverage figure of its own
    assert coverage.coverage(supervisor, world.jurisdictions["qh-dh"], case.project.year) is None

    client.force_login(supervisor)
    url = reverse("supervision:dashboard") + f"?under=qh&year={case.project.year}"
    page = client.get(url).content.decode()
    assert 'id="coverage-h"' in page and "33.3 %" in page


def test_coverage_reads_only_the_users_scope(world, make_case, user_of):
    case = make_case("qh-dh", to="planning")
    township_office = user_of("qh-dh", Role.CONGRESS_OFFICE)
    cov = coverage.coverage(township_office, world.jurisdictions["qh"], case.project.year)
    # a township's office reads its own township only: never its siblings
    assert (cov.units, cov.voted) == (1, 1)
    sibling_office = user_of("qh-xs", Role.CONGRESS_OFFICE)
    cov = coverage.coverage(sibling_office, world.jurisdictions["qh"], case.project.year)
    assert (cov.units, cov.voted) == (1, 0)
