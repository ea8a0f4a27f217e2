"""Jurisdiction scoping: which jurisdictions a user may read, and act in.

Seeing is wider than acting: a supervisor reads its jurisdiction's whole subtree; every
other role reads only its own jurisdiction. Acting is never derived from this module:
it comes from the granted step permissions.
"""

from functools import reduce
from operator import or_

from django.db.models import Q

from .roles import SUPERVISING_ROLES, Role


def _assignments(user):
    cache = getattr(user, "_scope_assignments", None)
    if cache is None:
        if not user.is_authenticated:
            cache = []
        else:
            cache = list(
                user.role_assignments.select_related("jurisdiction", "office").order_by("pk")
            )
        user._scope_assignments = cache
    return cache


def roles_of(user) -> set[Role]:
    return {Role(a.role) for a in _assignments(user)}


def jurisdiction_q(user, field: str | None = "jurisdiction") -> Q:
    """A filter matching what the user may read.

    `field` names a foreign key to Jurisdiction on the queried model; None filters the
    Jurisdiction model itself.
    """
    prefix = f"{field}__" if field else ""
    parts = []
    exact = set()
    for assignment in _assignments(user):
        if Role(assignment.role) in SUPERVISING_ROLES:
            parts.append(Q(**{f"{prefix}path__startswith": assignment.jurisdiction.path}))
        else:
            exact.add(assignment.jurisdiction_id)
    if exact:
        parts.append(Q(**{f"{prefix}pk__in": sorted(exact)}))
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


def can_read_jurisdiction(user, jurisdiction) -> bool:
    for assignment in _assignments(user):
        if Role(assignment.role) in SUPERVISING_ROLES:
            if jurisdiction.path.startswith(assignment.jurisdiction.path):
                return True
        elif assignment.jurisdiction_id == jurisdiction.pk:
            return True
    return False


def home_jurisdictions(user):
    """The jurisdictions a user works in, most local first, without duplicates."""
    seen, result = set(), []
    for assignment in _assignments(user):
        if assignment.jurisdiction_id not in seen:
            seen.add(assignment.jurisdiction_id)
            result.append(assignment.jurisdiction)
    return sorted(result, key=lambda j: -len(j.path))


def readable_jurisdictions(user):
    from core.models import Jurisdiction

    return Jurisdiction.objects.filter(jurisdiction_q(user, field=None))


def reads_whole_subtree(user, jurisdiction) -> bool:
    """Does the user read everything under `jurisdiction` (a supervisor of it or of an
    ancestor)? Then what they see below it is what every such reader sees."""
    return any(
        Role(a.role) in SUPERVISING_ROLES and jurisdiction.path.startswith(a.jurisdiction.path)
        for a in _assignments(user)
    )


def may_hold_step(user, step) -> bool:
    """Could any of the user's roles grant this step? (No query: the roles are read once
    per request.) A quick no before asking which jurisdictions grant it."""
    from .roles import ROLE_STEPS

    return any(step in ROLE_STEPS.get(role, ()) for role in roles_of(user))


class SubtreeReader:
    """Someone who reads one jurisdiction's whole subtree and may do nothing else: what a
    supervisor of it sees, for figures computed outside a request (the supervisors'
    figures kept warm by the beat). Never logged in, never saved, holds no step."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_anonymous = False
    pk = id = None

    def __init__(self, jurisdiction):
        from core.models import RoleAssignment

        self._scope_assignments = [RoleAssignment(role=Role.SUPERVISOR, jurisdiction=jurisdiction)]

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def get_all_permissions(self, obj=None) -> set:
        return set()
