"""Which supervision links the header shows a user (from the cached role assignments)."""

from django import template

from core.selectors.reporting import import_jurisdictions
from permissions.checks import can_view_supervision

register = template.Library()


@register.simple_tag
def supervision_links(user) -> dict:
    if user is None or not user.is_authenticated:
        return {}
    return {
        "supervision": can_view_supervision(user),
        "imports": bool(import_jurisdictions(user)),
    }
