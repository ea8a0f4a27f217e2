"""Accounts: the login lock-out on the decision log.

django-axes counts wrong passwords (settings: AXES_*) on the login page, the admin and
the API's HTTP Basic, and sends `user_locked_out` when a username is locked from an
address; `lockout_record` puts that on the decision log.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models.audit import AuditEntry
from permissions.scope import home_jurisdictions

from .audit import audit_record

LOCKOUT_ACTION = "auth.lockout"


@transaction.atomic
def lockout_record(*, username: str, address: str) -> AuditEntry | None:
    """Record that `username` is locked out from `address`, once per lock: further
    attempts during the cool-off add nothing. On the chain of the account's jurisdiction
    (the system chain for an unknown username)."""
    username = (username or "")[:150]
    since = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    if AuditEntry.objects.filter(
        action=LOCKOUT_ACTION, at__gte=since, data__username=username, data__address=address
    ).exists():
        return None
    user = get_user_model().objects.filter(username=username).first()
    jurisdictions = home_jurisdictions(user) if user is not None else []
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return audit_record(
        actor=None,
        action=LOCKOUT_ACTION,
        jurisdiction=jurisdictions[0] if jurisdictions else None,
        target=user,
        summary=_("Login of %(username)s from %(address)s locked for %(minutes)s minutes")
        % {"username": username, "address": address, "minutes": minutes},
        data={
            "username": username,
            "address": address,
            "failures": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": minutes,
        },
    )


def on_user_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """axes' `user_locked_out` signal → the decision log."""
    lockout_record(username=username or "", address=ip_address or "")
