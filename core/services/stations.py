"""Writes of the liaison stations (代表联络站) whose QR posters let residents reach
their deputies (码上找代表)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import messages
from core.models import LiaisonStation
from core.services.audit import audit_record
from permissions.checks import can_manage_stations

from .history import save_with_reason


@transaction.atomic
def station_save(
    *,
    actor,
    jurisdiction,
    code: str,
    name: str,
    address: str = "",
    reception_hours: str = "",
    deputies=(),
    station: LiaisonStation | None = None,
) -> LiaisonStation:
    """Open a liaison station, or change one, with the deputies who receive there."""
    if not can_manage_stations(actor, jurisdiction):
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    deputies = list(deputies)
    if any(d.jurisdiction_id != jurisdiction.pk for d in deputies):
        raise ValidationError({"deputies": messages.MONITOR_OUTSIDE_JURISDICTION})
    station = station or LiaisonStation(jurisdiction=jurisdiction)
    if station.jurisdiction_id != jurisdiction.pk:
        raise PermissionDenied(messages.TASK_NOT_ALLOWED)
    station.code, station.name = code.strip().lower(), name.strip()
    station.address, station.reception_hours = address.strip(), reception_hours.strip()
    station.full_clean(exclude=["deputies"])
    save_with_reason(station, actor=actor, reason=_("Liaison station saved"))
    station.deputies.set(deputies)
    audit_record(
        actor=actor,
        action="station.save",
        jurisdiction=jurisdiction,
        target=station,
        summary=_("Liaison station %(name)s saved") % {"name": station.name},
        data={"code": station.code, "deputies": sorted(d.pk for d in deputies)},
    )
    return station
