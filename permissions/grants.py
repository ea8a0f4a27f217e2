"""The only place that calls guardian's assign_perm / remove_perm.

A role assignment grants its role's step permissions on its jurisdiction (or, for a
department, on its office). A monitoring group gets its permissions on the project.
"""

from collections.abc import Iterable

from django.contrib.auth.models import User
from guardian.shortcuts import assign_perm, remove_perm

from .roles import MONITORING_GROUP_STEPS, OFFICE_ROLES, Role, perm, steps_for


def _grant_target(assignment):
    return assignment.office if Role(assignment.role) in OFFICE_ROLES else assignment.jurisdiction


def grant_role(assignment) -> None:
    target = _grant_target(assignment)
    for step in steps_for(assignment.role):
        assign_perm(perm(step), assignment.user, target)


def revoke_role(assignment) -> None:
    target = _grant_target(assignment)
    others = (
        type(assignment)
        .objects.filter(
            user=assignment.user,
            role=assignment.role,
            jurisdiction=assignment.jurisdiction,
            office=assignment.office,
        )
        .exclude(pk=assignment.pk)
    )
    if others.exists():
        return
    for step in steps_for(assignment.role):
        remove_perm(perm(step), assignment.user, target)


def grant_monitoring_group(project, users: Iterable[User]) -> None:
    for user in users:
        for step in MONITORING_GROUP_STEPS:
            assign_perm(perm(step), user, project)


def revoke_monitoring_group(project, users: Iterable[User]) -> None:
    for user in users:
        for step in MONITORING_GROUP_STEPS:
            remove_perm(perm(step), user, project)


def sync_role_grants(assignments) -> int:
    """Grant every assignment the steps its role has now. The role → step table grows
    (a new step for an existing role); assignments made before hold only the steps of
    their day until this runs. Idempotent; returns the number of assignments seen."""
    count = 0
    for assignment in assignments:
        grant_role(assignment)
        count += 1
    return count
