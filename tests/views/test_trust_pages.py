"""The roles page and the decision log: the level above grants and revokes with a
reason; nobody else can; every reader sees only their own jurisdictions' record."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from core import messages
from core.models import AuditEntry, RoleAssignment
from permissions.roles import Role

pytestmark = pytest.mark.django_db


def test_the_county_congress_office_grants_and_revokes_a_township_role(world, client, user_of):
    newcomer = User.objects.create_user("qh.dh.clerk2", first_name="新干部")
    client.force_login(user_of("qh", Role.CONGRESS_OFFICE))
    page = client.get(reverse("trust:roles"))
    assert page.status_code == 200 and "qh-dh" in page.content.decode()
    missing_reason = client.post(
        reverse("trust:roles"),
        {"username": "qh.dh.clerk2", "role": "teller", "jurisdiction": "qh-dh", "reason": ""},
    )
    assert missing_reason.status_code == 400
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    done = client.post(
        reverse("trust:roles"),
        {"username": "qh.dh.clerk2", "role": "teller", "jurisdiction": "qh-dh", "reason": "补选"},
    )
    assert done.status_code == 302
    assignment = RoleAssignment.objects.get(user=newcomer)
    # the grantee sees it, with the record
    client.force_login(newcomer)
    mine = client.get(reverse("trust:roles")).content.decode()
    assert "补选" in mine
    client.force_login(user_of("qh", Role.CONGRESS_OFFICE))
    client.post(reverse("trust:role_revoke", args=[assignment.pk]), {"reason": "调离"})
    assert not RoleAssignment.objects.filter(user=newcomer).exists()
    assert AuditEntry.objects.filter(action="role.revoke", target_id=str(newcomer.pk)).exists()


def test_a_township_office_cannot_grant_in_its_own_or_a_sibling_jurisdiction(
    world, client, user_of
):
    clerk = user_of("qh-dh", Role.CONGRESS_OFFICE)
    client.force_login(clerk)
    for code in ("qh-dh", "qh-xs"):
        response = client.post(
            reverse("trust:roles"),
            {"username": clerk.username, "role": "teller", "jurisdiction": code, "reason": "x"},
        )
        assert response.status_code == 403
    other = RoleAssignment.objects.filter(jurisdiction__code="qh-xs").first()
    response = client.post(reverse("trust:role_revoke", args=[other.pk]), {"reason": "x"})
    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=other.pk).exists()
    assert set(clerk.role_assignments.values_list("role", flat=True)) == {Role.CONGRESS_OFFICE}


def test_the_county_cannot_grant_a_role_to_itself_through_the_page(world, client, user_of):
    clerk = user_of("qh", Role.CONGRESS_OFFICE)
    client.force_login(clerk)
    response = client.post(
        reverse("trust:roles"),
        {"username": clerk.username, "role": "teller", "jurisdiction": "qh-dh", "reason": "x"},
    )
    assert response.status_code == 400
    assert str(messages.ROLE_SELF_GRANT) in response.content.decode()


def test_the_decision_log_shows_only_ones_own_jurisdictions(world, client, user_of, make_case):
    make_case("qh-dh", to="study")
    make_case("qh-xs", to="study")
    client.force_login(user_of("qh-xs", Role.CONGRESS_OFFICE))
    page = client.get(reverse("trust:decisions"))
    assert page.status_code == 200
    names = {e.jurisdiction.code for e in page.context["page"].object_list if e.jurisdiction}
    assert names == {"qh-xs"}
    client.force_login(
        user_of("qh-dh", Role.DEPUTY)
        if ("qh-dh", Role.DEPUTY) in world.users
        else User.objects.get(username="qh.dh.deputy1")
    )
    assert client.get(reverse("trust:decisions")).status_code == 403
    client.force_login(user_of("qh", Role.SUPERVISOR))
    page = client.get(reverse("trust:decisions"), {"action": "step."})
    codes = {e.jurisdiction.code for e in page.context["page"].object_list if e.jurisdiction}
    assert {"qh-dh", "qh-xs"} <= codes
