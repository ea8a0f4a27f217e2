"""Forms start from what the system already knows."""

import pytest
from django.urls import reverse

from core.models import Channel, RouteLevel
from core.services import suggestions
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def _suggestion(world, code, title="湖滨村路灯安装", location="湖滨村"):
    return suggestions.suggestion_submit(
        actor=None,
        jurisdiction=world.jurisdictions[code],
        channel=Channel.ONLINE,
        title=title,
        text="夜间出行不便，建议安装路灯。",
        proposer_name="王建国",
        location=location,
        year=2027,  # collected for 2027's projects
    )


def test_registering_from_suggestions_copies_what_they_say(world, client):
    first = _suggestion(world, "qh-dh")
    second = _suggestion(world, "qh-dh", title="新桥村路灯", location="新桥村")
    client.force_login(world.users[("qh-dh", Role.GOVERNMENT_OFFICE)])
    response = client.get(
        reverse("core:project_register"),
        {"suggestion": [first.pk, second.pk], "j": "qh-dh"},
    )
    form = response.context["form"]
    assert form.initial["title"] == first.title
    assert form.initial["location"] == "湖滨村、新桥村"
    assert first.text in form.initial["reason"]
    assert form.initial["year"] == 2027


def test_routing_defaults_to_the_jurisdictions_own_level(world, client):
    township = _suggestion(world, "qh-dh")
    client.force_login(world.users[("qh-dh", Role.GOVERNMENT_OFFICE)])
    form = client.get(reverse("core:suggestion_route", args=[township.pk])).context["form"]
    assert form.initial["level"] == RouteLevel.STREET
    county = _suggestion(world, "qh")
    client.force_login(world.users[("qh", Role.GOVERNMENT_OFFICE)])
    form = client.get(reverse("core:suggestion_route", args=[county.pk])).context["form"]
    assert form.initial["level"] == RouteLevel.DISTRICT
