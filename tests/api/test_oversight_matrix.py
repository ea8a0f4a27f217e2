"""The reading matrix of the supervision year and the duty records through API v1: every
role × own / sibling / parent jurisdiction, each person once through an API token (scope
read, on their own jurisdiction) and once through a browser session.

As on the pages: a meeting, an inspection, a change or a case's oversight is read by
everyone of its jurisdiction and the supervisor above it, and is 404 for everyone else
(as a missing row); a duty record is read by the deputy and their congress office only.
"""

import pytest
from django.urls import reverse

from core.models import Deputy
from permissions.roles import Role
from tests.permissions.test_matrix import CASE_AT, PARENT, ROLES, SIBLING

from .clients import ApiClient

pytestmark = pytest.mark.django_db


def _people(world):
    """(label, relation, role, user) for every role of the three jurisdictions."""
    for code, relation in ((CASE_AT, "own"), (SIBLING, "sibling"), (PARENT, "parent")):
        for role in ROLES:
            if role == Role.DEPUTY:
                user = Deputy.objects.filter(jurisdiction__code=code).order_by("pk").first().user
            else:
                user = world.users[(code, role)]
            if hasattr(user, "_scope_assignments"):
                del user._scope_assignments
            yield f"{relation}:{role}", relation, role, user


def _clients(user, issue_token):
    _token, raw = issue_token(user, ("read",))
    return {"token": ApiClient(raw), "session": ApiClient().login(user)}


def test_the_supervision_year_is_read_within_its_jurisdiction_and_from_above(
    world, supervision_year, issue_token
):
    year = supervision_year(CASE_AT)
    project = year.projects[0].pk
    rows = [
        reverse("v1-meeting", args=[year.meeting.pk]),
        reverse("v1-inspection", args=[year.inspection.pk]),
        reverse("v1-change", args=[year.approved.pk]),
        reverse("v1-project-meetings", args=[project]),
        reverse("v1-project-inspections", args=[project]),
        reverse("v1-project-changes", args=[project]),
        reverse("v1-project-opinions", args=[project]),
    ]
    lists = {
        reverse("v1-meetings"): year.meeting.pk,
        reverse("v1-inspections"): year.inspection.pk,
        reverse("v1-changes"): year.approved.pk,
    }
    for label, relation, role, user in _people(world):
        reads = relation == "own" or (relation == "parent" and role == Role.SUPERVISOR)
        for mode, client in _clients(user, issue_token).items():
            for url in rows:
                answer = client.get(url)
                assert answer.status_code == (200 if reads else 404), f"{url} as {label} by {mode}"
                if not reads:
                    assert answer.json()["error"]["code"] == "not_found"
            for url, pk in lists.items():
                listed = [row["id"] for row in client.get(url).json()["results"]]
                assert (pk in listed) == reads, f"{url} as {label} by {mode}"


def test_a_duty_record_is_read_by_the_deputy_and_their_congress_office(world, issue_token):
    deputy = Deputy.objects.filter(jurisdiction__code=CASE_AT).order_by("pk")[1]
    url = reverse("v1-deputy-duty", args=[deputy.pk])
    people = [*_people(world), ("own:the deputy", "own", "self", deputy.user)]
    for label, relation, role, user in people:
        reads = role == "self" or (relation == "own" and role == Role.CONGRESS_OFFICE)
        for mode, client in _clients(user, issue_token).items():
            answer = client.get(url)
            assert answer.status_code == (200 if reads else 404), f"{label} by {mode}"
            listed = [
                r["deputy"]["id"] for r in client.get(reverse("v1-deputies")).json()["results"]
            ]
            assert (deputy.pk in listed) == reads, f"list as {label} by {mode}"
