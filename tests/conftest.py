"""Shared fixtures. The demo organisation (a county, two townships, a street, their
offices, deputies and one user per role) is built once per session through the services;
each test then runs in a transaction that is rolled back."""

import pytest
from django.conf import settings

from core.demo import CaseDriver, DemoWorld


def pytest_configure(config):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tellers' passphrases are stretched at the least cost the library allows.
    settings.BALLOT_KEY_STRENGTH = "min"


@pytest.fixture(scope="session")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        built = DemoWorld()
        built.build_organisation()
    return built


@pytest.fixture
def make_case(world, db):
    """Build a case in a jurisdiction and walk it, through the services, to a named point
    (see CaseDriver.run_to)."""

    counter = iter(range(10_000))

    def make(code: str = "qh-dh", to: str = "assign_study", index: int | None = None):
        n = next(counter) if index is None else index
        before = set(world.jurisdictions[code].projects.values_list("pk", flat=True))
        world.build_case(n, code, "assign_study")
        project = world.jurisdictions[code].projects.exclude(pk__in=before).get()
        driver = CaseDriver(world, code, project)
        driver.run_to(to)
        driver.refresh()
        return driver

    return make


@pytest.fixture
def user_of(world):
    def get(code: str, role: str):
        user = world.users[(code, role)]
        if hasattr(user, "_scope_assignments"):
            del user._scope_assignments
        return user

    return get


@pytest.fixture
def fresh_world(transactional_db):
    """The demo organisation built inside a transactional test (integration suites), where
    the session-wide one cannot be used: such tests commit for real and flush at the end."""
    built = DemoWorld()
    built.build_organisation()
    return built
