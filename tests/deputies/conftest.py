"""Fixtures of the deputies' area: deputies with accounts, a community with its handler,
a liaison station; all built through the services on the demo organisation."""

import pytest
from django.contrib.auth.models import User

from core.models import Community, Deputy
from core.services import organisation, stations
from permissions.roles import Role


@pytest.fixture
def deputy_of(world):
    def get(code: str = "qh-dh", n: int = 0) -> Deputy:
        deputy = Deputy.objects.filter(jurisdiction__code=code).order_by("pk")[n]
        if hasattr(deputy.user, "_scope_assignments"):
            del deputy.user._scope_assignments
        return deputy

    return get


@pytest.fixture
def handler(world, db):
    user = User.objects.create_user("qh.dh.xf", first_name="社区书记")
    organisation.role_assign(
        actor=None,
        user=user,
        role=Role.COMMUNITY_HANDLER,
        jurisdiction=world.jurisdictions["qh-dh"],
    )
    return user


@pytest.fixture
def community(world, handler):
    return Community.objects.create(
        jurisdiction=world.jurisdictions["qh-dh"], name="幸福社区", handler=handler
    )


@pytest.fixture
def station(world, user_of, deputy_of):
    return stations.station_save(
        actor=user_of("qh-dh", Role.CONGRESS_OFFICE),
        jurisdiction=world.jurisdictions["qh-dh"],
        code="dh-zx",
        name="东湖镇中心代表联络站",
        address="东湖镇人民路1号",
        reception_hours="每月15日上午",
        deputies=[deputy_of("qh-dh", 0), deputy_of("qh-dh", 1)],
    )
