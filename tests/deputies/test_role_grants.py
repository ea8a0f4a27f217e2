"""Assignments made before a step was added to their role receive it from
sync_role_grants, and keep nothing they should not have."""

import io

import pytest
from django.core.management import call_command
from guardian.shortcuts import remove_perm

from permissions.roles import Step, perm

pytestmark = pytest.mark.django_db


def test_sync_grants_an_existing_assignment_the_steps_added_to_its_role(world, deputy_of):
    deputy = deputy_of("qh-dh", 0)
    place = world.jurisdictions["qh-dh"]
    # as before this release: the deputy's role had no comment step
    remove_perm(perm(Step.COMMENT_ON_CANDIDATE), deputy.user, place)
    before = type(deputy.user).objects.get(pk=deputy.user_id)
    assert not before.has_perm(perm(Step.COMMENT_ON_CANDIDATE), place)
    out = io.StringIO()
    call_command("sync_role_grants", stdout=out)
    assert "role assignments" in out.getvalue()
    fresh = type(deputy.user).objects.get(pk=deputy.user_id)
    assert fresh.has_perm(perm(Step.COMMENT_ON_CANDIDATE), place)
    assert not fresh.has_perm(perm(Step.MODERATE_COMMENTS), place)
