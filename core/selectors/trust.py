"""Reads of the trust pages: who holds which role where, and the decision log, each
scoped to what the reader may see."""

from django.db.models import Q

from core.models import AuditEntry, Jurisdiction, RoleAssignment
from permissions.checks import can_grant_roles
from permissions.scope import jurisdiction_q


def grantable_jurisdictions(user) -> list[Jurisdiction]:
    """The jurisdictions whose roles this user may grant: for the congress office, the
    ones directly below its own; for an administrator, all."""
    if not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Jurisdiction.objects.order_by("path"))
    own = [a.jurisdiction for a in user.role_assignments.select_related("jurisdiction")]
    children = Jurisdiction.objects.filter(parent__in=own).order_by("path")
    return [j for j in children if can_grant_roles(user, j)]


def assignments_in(jurisdictions):
    return (
        RoleAssignment.objects.filter(jurisdiction__in=jurisdictions)
        .select_related("user", "jurisdiction", "office")
        .order_by("jurisdiction__path", "role", "user__username")
    )


def role_record_for(user, jurisdictions):
    """Role grants and revocations: of the jurisdictions below (for the level above), and
    of the user's own roles (for the grantee)."""
    mine = Q(target_type="auth.user", target_id=str(user.pk))
    below = Q(jurisdiction__in=jurisdictions)
    return (
        AuditEntry.objects.filter(action__in=("role.grant", "role.revoke"))
        .filter(mine | below)
        .select_related("jurisdiction")
        .order_by("-at", "-pk")
    )


def decisions_for(user, *, action: str = "", jurisdiction_code: str = ""):
    """The decision log of the jurisdictions the user may read, newest first."""
    entries = AuditEntry.objects.filter(jurisdiction_q(user)).select_related("jurisdiction")
    if action:
        entries = entries.filter(action__startswith=action)
    if jurisdiction_code:
        entries = entries.filter(jurisdiction__code=jurisdiction_code)
    return entries.order_by("-at", "-pk")
