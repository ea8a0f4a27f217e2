"""A second county beside the demo county, for the tests of reading scope.

Its code starts with the demo county's ("qh2" beside "qh"), so a scope that matched
path prefixes carelessly would leak it."""

import pytest

from core import demo
from core.demo import CaseDriver, DemoWorld
from core.models import Level

SIBLING = [
    ("qh2", "清河二区", Level.COUNTY, None),
    ("qh2-ds", "东山镇", Level.TOWNSHIP, "qh2"),
]


@pytest.fixture
def sibling(db, world, monkeypatch):
    """The sibling county and its township, with offices, deputies and one user per role,
    built through the services (rolled back after each test)."""
    monkeypatch.setattr(demo, "JURISDICTIONS", SIBLING)
    other = DemoWorld()
    other.build_organisation()
    return other


@pytest.fixture
def make_sibling_case(sibling):
    counter = iter(range(100, 10_000))

    def make(code: str = "qh2-ds", to: str = "assign_study"):
        before = set(sibling.jurisdictions[code].projects.values_list("pk", flat=True))
        sibling.build_case(next(counter), code, "assign_study")
        project = sibling.jurisdictions[code].projects.exclude(pk__in=before).get()
        driver = CaseDriver(sibling, code, project)
        driver.run_to(to)
        driver.refresh()
        return driver

    return make
