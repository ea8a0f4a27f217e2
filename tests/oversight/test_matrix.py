"""Every form page of the supervision year × every role, own and sibling jurisdiction:
only the step's role opens it; the others get 403 (same jurisdiction) or 404 (a case they
cannot see)."""

import pytest
from django.urls import reverse

from core.models import Deputy
from permissions.roles import Role

pytestmark = pytest.mark.django_db

ROLES = [
    Role.CONGRESS_OFFICE,
    Role.GOVERNMENT_OFFICE,
    Role.PARTY_OFFICE,
    "works",
    "social",
    Role.TELLER,
    Role.SUPERVISOR,
    Role.DEPUTY,
]
# page -> (where the case is walked to, the role that may open it)
CASE_PAGES = {
    "oversight:change_propose": ("implementing", Role.GOVERNMENT_OFFICE),
    "oversight:phase_add": ("implementing", Role.GOVERNMENT_OFFICE),
    "oversight:unfinished_rating": ("implementing", Role.CONGRESS_OFFICE),
    "oversight:follow_up": ("closed_after_accountability", Role.CONGRESS_OFFICE),
}
PAGES = {
    "oversight:meeting_plan": Role.CONGRESS_OFFICE,
}


def user(world, code, role):
    if role == Role.DEPUTY:
        deputy = Deputy.objects.filter(jurisdiction__code=code).order_by("pk").first()
        return deputy.user
    found = world.users[(code, role)]
    if hasattr(found, "_scope_assignments"):
        del found._scope_assignments
    return found


@pytest.mark.parametrize("page", sorted(CASE_PAGES))
def test_case_pages_open_only_for_their_role(world, make_case, client, page):
    to, allowed = CASE_PAGES[page]
    case = make_case("qh-dh", to=to)
    url = reverse(page, args=[case.project.pk])
    for role in ROLES:
        client.force_login(user(world, "qh-dh", role))
        expected = 200 if role == allowed else 403
        assert client.get(url).status_code == expected, (role, "own")
        client.force_login(user(world, "qh-xs", role))
        assert client.get(url).status_code == 404, (role, "sibling")


@pytest.mark.parametrize("page", sorted(PAGES))
def test_office_pages_open_only_for_their_role(world, client, page):
    for role in ROLES:
        client.force_login(user(world, "qh-dh", role))
        expected = 200 if role == PAGES[page] else 403
        assert client.get(reverse(page)).status_code == expected, role
