"""Two clerks route the same suggestion at once on PostgreSQL: the row lock lets one
through; the other is told it has already been routed, and one trail step is written."""

import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, connections

from core import deputies_messages as dm
from core.models import Channel, Suggestion, SuggestionStatus
from core.services import suggestions
from core.services.organisation import role_assign
from permissions.roles import Role

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_two_clerks_routing_one_suggestion_at_once(fresh_world, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("the row lock under test is PostgreSQL's")
    world = fresh_world
    township = world.jurisdictions["qh-dh"]
    suggestion = suggestions.suggestion_submit(
        actor=None,
        jurisdiction=township,
        channel=Channel.ONLINE,
        title="跨镇道路拓宽",
        text="两镇之间道路狭窄。",
        proposer_name="吴文军",
    )
    first = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    second = User.objects.create_user("qh.dh.government2", password="x")
    role_assign(actor=None, user=second, role=Role.GOVERNMENT_OFFICE, jurisdiction=township)

    original = suggestions._trail

    def slow_trail(*args, **kwargs):
        time.sleep(0.6)  # hold the row lock long enough for the other clerk to collide
        return original(*args, **kwargs)

    monkeypatch.setattr(suggestions, "_trail", slow_trail)
    barrier = threading.Barrier(2)
    outcomes = {}

    def route(user, level):
        barrier.wait()
        try:
            suggestions.suggestion_route(actor=user, suggestion=suggestion, level=level, note="")
            outcomes[user.username] = "done"
        except ValidationError as refused:
            outcomes[user.username] = refused.messages[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=route, args=(first, "street")),
        threading.Thread(target=route, args=(second, "next_year")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert list(outcomes.values()).count("done") == 1, outcomes
    refused = next(v for v in outcomes.values() if v != "done")
    assert refused == str(dm.ROUTE_NOT_ALLOWED_NOW % {"code": suggestion.receipt_code})
    suggestion = Suggestion.objects.get(pk=suggestion.pk)
    assert suggestion.status in (SuggestionStatus.ACCEPTED, SuggestionStatus.POOLED)
    assert suggestion.trail.count() == 1
