"""Norms a slate is checked against before the vote, beside the voting rules: how many
projects a congress of each level usually elects, and the share of the slate that must
come from the special collection (特定征集) where the congress asks for one.

Warnings, not rules of the count: a session may depart from the norm, and then the
congress office and the Party committee see why before they sign.
"""

from dataclasses import dataclass
from decimal import Decimal

from core import deputies_messages as dm
from core.models import Channel, Level, Suggestion

# Seats (projects elected) by level: county congresses 5–10, townships and streets 1–3.
SEAT_NORMS = {
    Level.CITY: (5, 10),
    Level.COUNTY: (5, 10),
    Level.TOWNSHIP: (1, 3),
    Level.STREET: (1, 3),
}


def seat_norm(level: str) -> tuple[int, int]:
    return SEAT_NORMS[Level(level)]


def seat_norm_warning(level: str, seats: int | None) -> str | None:
    """A sentence when the number of seats departs from the level's norm, else None."""
    if seats is None:
        return None
    low, high = seat_norm(level)
    if low <= int(seats) <= high:
        return None
    return str(
        dm.SEATS_OUTSIDE_NORM
        % {"seats": int(seats), "level": Level(level).label, "low": low, "high": high}
    )


@dataclass(frozen=True)
class SpecialShare:
    special: int
    total: int
    required: Decimal

    @property
    def share(self) -> Decimal:
        if not self.total:
            return Decimal(0)
        return Decimal(self.special) / Decimal(self.total)

    @property
    def met(self) -> bool:
        return self.share >= self.required

    def problem(self) -> str | None:
        if self.met:
            return None
        return str(
            dm.SPECIAL_SHARE_NOT_MET
            % {
                "special": self.special,
                "total": self.total,
                "required": f"{self.required * 100:.0f}",
            }
        )


def special_share(project_ids, required) -> SpecialShare:
    """How many of the slate's projects came from the special collection (one query)."""
    project_ids = list(project_ids)
    special = (
        Suggestion.objects.filter(projects__pk__in=project_ids, channel=Channel.SPECIAL)
        .values("projects__pk")
        .distinct()
        .count()
    )
    return SpecialShare(
        special=special, total=len(project_ids), required=Decimal(str(required or 0))
    )
