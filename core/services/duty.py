"""Writes of the duty record: the point table that the congress office sets."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import deputies_messages as dm
from core import messages
from core.models import DutyPointRule
from core.selectors.duty import DUTY_SOURCES
from core.services.audit import audit_record
from permissions.checks import can_set_duty_points

from .history import save_with_reason

MAX_POINTS = Decimal("100")


@transaction.atomic
def duty_points_set(*, actor, jurisdiction, points: dict[str, object]) -> dict[str, Decimal]:
    """Set the points of every item of the duty record at once; a bad line writes nothing."""
    if not can_set_duty_points(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    labels = {s.code: s.label for s in DUTY_SOURCES}
    cleaned = {}
    for code, value in points.items():
        if code not in labels:
            raise ValidationError(dm.POINTS_UNKNOWN_SOURCE % {"source": code})
        try:
            number = Decimal(str(value)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError):
            raise ValidationError({code: dm.POINTS_NEGATIVE % {"source": labels[code]}})
        if number < 0:
            raise ValidationError({code: dm.POINTS_NEGATIVE % {"source": labels[code]}})
        if number > MAX_POINTS:
            raise ValidationError(
                {code: dm.POINTS_TOO_LARGE % {"source": labels[code], "limit": MAX_POINTS}}
            )
        cleaned[code] = number
    for code, number in cleaned.items():
        rule = DutyPointRule.objects.filter(jurisdiction=jurisdiction, source=code).first()
        if rule is None:
            rule = DutyPointRule(jurisdiction=jurisdiction, source=code, points=number)
        elif rule.points == number:
            continue
        rule.points = number
        save_with_reason(rule, actor=actor, reason=_("Duty point table set"))
    audit_record(
        actor=actor,
        action="duty.points_set",
        jurisdiction=jurisdiction,
        summary=_("Duty point table of %(place)s set") % {"place": jurisdiction.name},
        data={code: str(n) for code, n in cleaned.items()},
    )
    return cleaned
