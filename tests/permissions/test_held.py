"""While a page is read, the held permissions are read once and answer as the database."""

import pytest
from django.test import RequestFactory
from guardian.shortcuts import assign_perm

from core.models import Jurisdiction, Office
from core.selectors.suggestions import acting_jurisdictions
from permissions.checks import has_step
from permissions.held import HeldPermissionsMiddleware, held_permissions
from permissions.roles import Role, Step, perm

pytestmark = pytest.mark.django_db


def during(method, function):
    """Run `function` as the view of a request with this method; its result."""
    result = {}

    def view(request):
        result["value"] = function()
        return None

    HeldPermissionsMiddleware(view)(getattr(RequestFactory(), method.lower())("/"))
    return result["value"]


def test_a_page_read_answers_every_step_as_the_database(world):
    targets = [
        *Jurisdiction.objects.filter(code__in=["qh", "qh-dh", "qh-xs"]),
        *Office.objects.filter(jurisdiction__code="qh-dh"),
    ]
    users = list({u.pk: u for (code, _), u in world.users.items() if code == "qh-dh"}.values())
    questions = [(u, s, t) for u in users for s in Step for t in targets]
    expected = [has_step(u, s, t) for u, s, t in questions]
    assert during("GET", lambda: [has_step(u, s, t) for u, s, t in questions]) == expected
    expected = [acting_jurisdictions(u, s) for u in users for s in Step]
    assert during("GET", lambda: [acting_jurisdictions(u, s) for u in users for s in Step]) == (
        expected
    )


def test_a_page_read_asks_once_per_user(world, django_assert_num_queries):
    clerk = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    township = world.jurisdictions["qh-dh"]

    def many():
        with django_assert_num_queries(1):
            return [has_step(clerk, step, township) for step in Step]

    assert any(during("GET", many))


def test_a_form_sent_sees_a_grant_at_once(world):
    clerk = world.users[("qh-dh", Role.GOVERNMENT_OFFICE)]
    elsewhere = world.jurisdictions["qh-xs"]

    def grant_then_ask():
        assert held_permissions(clerk) is None
        before = has_step(clerk, Step.ASSIGN_STUDY, elsewhere)
        assign_perm(perm(Step.ASSIGN_STUDY), clerk, elsewhere)
        return before, has_step(clerk, Step.ASSIGN_STUDY, elsewhere)

    assert during("POST", grant_then_ask) == (False, True)
    assert held_permissions(clerk) is None  # nothing kept after the request
