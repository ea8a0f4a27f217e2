"""Every page of the deputies' area, for every role of the township, of its sibling and
of the county above: only the roles of the one permission table get in; everyone else
gets 404 (missing and forbidden look the same), and a refused POST writes nothing."""

import pytest
from django.urls import reverse

from core.models import Community, DutyPointRule, Suggestion
from permissions.roles import Role

pytestmark = pytest.mark.django_db

ROLES = [
    Role.CONGRESS_OFFICE,
    Role.GOVERNMENT_OFFICE,
    Role.PARTY_OFFICE,
    "works",
    Role.TELLER,
    Role.SUPERVISOR,
    Role.DEPUTY,
]

# page -> the roles of 东湖镇 that may open it
PAGES = {
    "deputies:ranking": {Role.CONGRESS_OFFICE},
    "deputies:ranking_export": {Role.CONGRESS_OFFICE},
    "deputies:points": {Role.CONGRESS_OFFICE},
    "deputies:groups": {Role.GOVERNMENT_OFFICE},
    "deputies:special": {Role.GOVERNMENT_OFFICE},
    "deputies:mine": {Role.DEPUTY},
}


def _user(world, code, role):
    if role == Role.DEPUTY:
        from core.models import Deputy

        user = Deputy.objects.filter(jurisdiction__code=code).order_by("pk").first().user
    else:
        user = world.users[(code, role)]
    if hasattr(user, "_scope_assignments"):
        del user._scope_assignments
    return user


@pytest.mark.parametrize("name", list(PAGES))
def test_only_the_tables_roles_open_each_page(name, world, client):
    for role in ROLES:
        client.force_login(_user(world, "qh-dh", role))
        expected = 200 if role in PAGES[name] else 404
        assert client.get(reverse(name) + "?j=qh-dh").status_code == expected, (name, role)


def test_a_township_page_asked_for_with_another_places_code_shows_ones_own(world, client):
    client.force_login(_user(world, "qh-xs", Role.CONGRESS_OFFICE))
    response = client.get(reverse("deputies:ranking") + "?j=qh-dh")
    assert response.status_code == 200 and response.context["jurisdiction"].code == "qh-xs"


def test_refused_posts_write_nothing(world, client):
    for role in ROLES:
        if role == Role.CONGRESS_OFFICE:
            continue
        client.force_login(_user(world, "qh-dh", role))
        client.post(reverse("deputies:points") + "?j=qh-dh", {"suggestions_made": "9"})
    assert not DutyPointRule.objects.exists()


def test_the_community_queue_is_the_handlers_own(world, client):
    other = Community.objects.create(jurisdiction=world.jurisdictions["qh-dh"], name="东湖村")
    suggestion = Suggestion.objects.create(
        jurisdiction=world.jurisdictions["qh-dh"],
        year=2027,
        channel="online",
        title="村口路灯",
        text="村口路灯不亮",
        proposer_name="某居民",
        status="routed",
        route_level="community",
        community=other,  # a community without a handler
    )
    for role in ROLES:
        client.force_login(_user(world, "qh-dh", role))
        assert client.get(reverse("deputies:community")).status_code == 404
        url = reverse("deputies:community_handle", args=[suggestion.pk])
        assert client.post(url, {"note": "已办"}).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.handled_at is None
