"""Writes of the communities (社区 / 村) that take micro-matters routed to them, kept by the
government office of their township or street."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import deputies_messages as dm
from core import messages
from core.models import Community, Level, RoleAssignment
from core.services.audit import audit_record
from permissions.checks import has_step
from permissions.roles import Role, Step

from .history import save_with_reason


@transaction.atomic
def community_save(
    *, actor, jurisdiction, name: str, handler=None, phone: str = "", community=None
) -> Community:
    """Add a community to a township or street, or change it; its handler must hold the
    community handler's role there."""
    if not has_step(actor, Step.ROUTE_SUGGESTION, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    if jurisdiction.level not in (Level.TOWNSHIP, Level.STREET):
        raise ValidationError({"name": dm.COMMUNITY_OUTSIDE})
    name = name.strip()
    if not name:
        raise ValidationError({"name": dm.COMMUNITY_NAME_MISSING})
    if (
        handler is not None
        and not RoleAssignment.objects.filter(
            user=handler, role=Role.COMMUNITY_HANDLER, jurisdiction=jurisdiction
        ).exists()
    ):
        raise ValidationError({"handler": dm.HANDLER_WITHOUT_ROLE})
    duplicate = Community.objects.filter(jurisdiction=jurisdiction, name=name)
    if community is not None:
        if community.jurisdiction_id != jurisdiction.pk:
            raise PermissionDenied(messages.TASK_NOT_ALLOWED)
        duplicate = duplicate.exclude(pk=community.pk)
    if duplicate.exists():
        raise ValidationError({"name": dm.COMMUNITY_EXISTS})
    community = community or Community(jurisdiction=jurisdiction)
    community.name, community.handler, community.phone = name, handler, phone.strip()
    save_with_reason(community, actor=actor, reason=_("Community saved"))
    audit_record(
        actor=actor,
        action="community.save",
        jurisdiction=jurisdiction,
        target=community,
        summary=_("Community %(name)s saved") % {"name": community.name},
        data={"handler": handler.pk if handler else None},
    )
    return community
