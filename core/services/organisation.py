"""Writes of the organisation: jurisdictions, offices, deputies, role assignments."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import messages
from core.models import Jurisdiction, Office, OfficeKind, RoleAssignment
from core.models.calendar import NotificationKind
from permissions import grants
from permissions.checks import can_grant_roles, can_import_roster
from permissions.roles import OFFICE_ROLES, Role

from .audit import audit_record
from .history import create_with_reason, save_with_reason
from .notifications import notify


class RoleRefused(PermissionDenied):
    """A role grant or revocation that the actor may not make; `message` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _check_granter(actor, user: User, jurisdiction: Jurisdiction) -> None:
    """Role changes are made by an administrator or the congress office of the level
    above, never by the grantee. ``actor=None`` is the system itself (set-up commands run
    on the server, the demo), never a request."""
    if actor is None:
        return
    if actor.pk == user.pk:
        raise RoleRefused(messages.ROLE_SELF_GRANT)
    if not can_grant_roles(actor, jurisdiction):
        raise RoleRefused(messages.ROLE_NOT_YOURS)


def _record_role_change(*, actor, assignment: RoleAssignment, granted: bool, reason: str):
    role = Role(assignment.role)
    change = _("Role granted") if granted else _("Role revoked")
    user = assignment.user
    summary = _("%(change)s: %(role)s of %(jurisdiction)s, for %(user)s") % {
        "change": change,
        "role": role.label,
        "jurisdiction": assignment.jurisdiction.name,
        "user": user.get_full_name() or user.username,
    }
    audit_record(
        actor=actor,
        action="role.grant" if granted else "role.revoke",
        jurisdiction=assignment.jurisdiction,
        target=user,
        summary=summary,
        data={
            "user": user.username,
            "role": role.value,
            "office": assignment.office.code if assignment.office_id else None,
            "reason": reason,
        },
    )
    if actor is None:
        return  # set up by the system (the server's own commands): on the log, no message
    # Shown to the grantee (and readable by the level above on the roles page).
    by = actor.get_full_name() or actor.username
    notify(
        event_key=f"role:{assignment.pk}:{'grant' if granted else 'revoke'}:{timezone.now():%s%f}",
        recipients=[user],
        kind=NotificationKind.ROLE,
        params={
            "change": str(change),
            "role": str(role.label),
            "jurisdiction": assignment.jurisdiction.name,
            "user": user.get_full_name() or user.username,
            "by": str(by),
            "reason": reason,
        },
    )


def _grant(*, actor, user, role: Role, jurisdiction, office, reason: str) -> RoleAssignment:
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
        why=_("Role %(role)s granted") % {"role": role.label} + (f" — {reason}" if reason else ""),
        user=user,
        role=role,
        jurisdiction=jurisdiction,
        office=office,
    )
    grants.grant_role(assignment)
    if hasattr(user, "_scope_assignments"):
        del user._scope_assignments
    _record_role_change(actor=actor, assignment=assignment, granted=True, reason=reason)
    return assignment


@transaction.atomic
def role_assign(
    *,
    actor,
    user: User,
    role: str,
    jurisdiction: Jurisdiction,
    office: Office | None = None,
    reason: str = "",
) -> RoleAssignment:
    """Give a user a role on a jurisdiction (a department clerk: on their office).

    Done by an administrator or the congress office of the level above; nobody grants a
    role to themselves. On the decision log, and told to the grantee.
    """
    _check_granter(actor, user, jurisdiction)
    return _grant(
        actor=actor,
        user=user,
        role=Role(role),
        jurisdiction=jurisdiction,
        office=office,
        reason=reason.strip(),
    )


@transaction.atomic
def deputy_role_assign(*, actor, user: User, jurisdiction: Jurisdiction) -> RoleAssignment:
    """The deputy role, given by the roster import of the importer's own jurisdiction: to
    a person who holds no office role, and never to the importer."""
    if actor is not None:
        if actor.pk == user.pk:
            raise RoleRefused(messages.ROLE_SELF_GRANT)
        if not can_import_roster(actor, jurisdiction):
            raise RoleRefused(messages.ROLE_NOT_YOURS)
    if (
        user.is_staff
        or user.is_superuser
        or user.role_assignments.exclude(role=Role.DEPUTY).exists()
    ):
        raise RoleRefused(messages.ROLE_IMPORT_OFFICE_HOLDER)
    return _grant(
        actor=actor,
        user=user,
        role=Role.DEPUTY,
        jurisdiction=jurisdiction,
        office=None,
        reason=str(_("Imported with the roster")),
    )


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment, reason: str = "") -> None:
    """Take a role back: by an administrator or the congress office of the level above."""
    _check_granter(actor, assignment.user, assignment.jurisdiction)
    if actor is not None and not reason.strip():
        raise ValidationError({"reason": messages.ROLE_REVOKE_NEEDS_REASON})
    _record_role_change(actor=actor, assignment=assignment, granted=False, reason=reason.strip())
    grants.revoke_role(assignment)
    assignment._history_user = actor
    assignment._change_reason = _("Role revoked") + (f" — {reason}" if reason else "")
    assignment.delete()


@transaction.atomic
def jurisdiction_save(*, actor, jurisdiction: Jurisdiction, reason: str) -> Jurisdiction:
    save_with_reason(jurisdiction, actor=actor, reason=reason)
    return jurisdiction
