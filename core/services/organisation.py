"""Writes of the organisation: jurisdictions, offices, deputies, role assignments."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.models import Jurisdiction, Office, OfficeKind, RoleAssignment
from permissions import grants
from permissions.roles import OFFICE_ROLES, Role

from .history import create_with_reason, save_with_reason


@transaction.atomic
def role_assign(
    *, actor, user: User, role: str, jurisdiction: Jurisdiction, office: Office | None = None
) -> RoleAssignment:
    """Give a user a role on a jurisdiction (a department clerk: on their office)."""
    role = Role(role)
    if role in OFFICE_ROLES:
        if office is None or office.jurisdiction_id != jurisdiction.pk:
            raise ValidationError(
                {"office": _("A department role needs an office of this jurisdiction.")}
            )
        if office.kind != OfficeKind.DEPARTMENT:
            raise ValidationError({"office": _("Choose a department.")})
    else:
        office = None
    existing = RoleAssignment.objects.filter(
        user=user, role=role, jurisdiction=jurisdiction, office=office
    ).first()
    if existing:
        return existing
    assignment = create_with_reason(
        RoleAssignment,
        actor=actor,
        why=_("Role %(role)s granted") % {"role": role.label},
        user=user,
        role=role,
        jurisdiction=jurisdiction,
        office=office,
    )
    grants.grant_role(assignment)
    if hasattr(user, "_scope_assignments"):
        del user._scope_assignments
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    grants.revoke_role(assignment)
    assignment._history_user = actor
    assignment._change_reason = _("Role revoked")
    assignment.delete()


@transaction.atomic
def jurisdiction_save(*, actor, jurisdiction: Jurisdiction, reason: str) -> Jurisdiction:
    save_with_reason(jurisdiction, actor=actor, reason=reason)
    return jurisdiction
