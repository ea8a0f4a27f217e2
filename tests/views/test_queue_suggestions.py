"""Suggestions waiting to be routed are in the government office's queue and its badge
count, and in no other role's; routing one drops it at once."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.models import Channel
from core.models.project import RouteLevel
from core.selectors import task_counts
from core.services import suggestions as services
from permissions.roles import Role

pytestmark = pytest.mark.django_db

QUEUE = "/work/queue/"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.NAV_COUNTS_SECONDS = 30  # as in production
    cache.clear()
    yield
    cache.clear()


def suggest(world, code="qh-dh", title="幸福社区路灯不亮"):
    return services.suggestion_submit(
        actor=None,
        jurisdiction=world.jurisdictions[code],
        channel=Channel.ONLINE,
        title=title,
        text="幸福社区3栋门口路灯坏了两个月，晚上出行不安全。",
        proposer_name="王秀英",
        proposer_contact="13900000001",
        location="幸福社区3栋",
    )


def test_a_suggestion_to_route_is_in_the_government_offices_queue_only(
    world, client, django_capture_on_commit_callbacks
):
    suggestion = suggest(world)
    gov = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    client.force_login(gov)
    body = client.get(QUEUE).content.decode()
    assert suggestion.receipt_code in body
    assert reverse("core:suggestion_route", args=[suggestion.pk]) in body
    assert task_counts.nav_counts(gov, compute=False) == {"inbox": 0, "queue": 1}
    for other in (
        world.users[("qh-dh", Role.PARTY_OFFICE)],
        world.users[("qh-dh", Role.CONGRESS_OFFICE)],
        world.users[("qh-xs", Role.GOVERNMENT_OFFICE)],
    ):
        client.force_login(other)
        assert suggestion.receipt_code not in client.get(QUEUE).content.decode(), other.username
        assert task_counts.count_tasks(other)["queue"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_route(
            actor=gov, suggestion=suggestion, level=RouteLevel.NEXT_YEAR, note="明年再议"
        )
    assert task_counts.nav_counts(gov, compute=False) is None
    client.force_login(gov)
    assert suggestion.receipt_code not in client.get(QUEUE).content.decode()
