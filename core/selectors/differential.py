"""What the differential ratio (差额比例) allows, asked of the engine's own rule.

Every answer here comes from ``core.voting.check_differential``: a slate size is allowed
exactly when the engine would accept it, so the guidance on the session page can never
disagree with the check that refuses a slate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from core import messages as vm
from core.voting import MalformedInput, check_differential
from core.voting.rules import exact

# How far to look for another number of seats that a differential admits.
SEATS_SEARCH = 100


def fits(seats: int, n_candidates: int, bounds: Sequence[int | float]) -> bool:
    """Whether the engine accepts ``n_candidates`` for ``seats`` under ``bounds``."""
    try:
        check_differential(seats, n_candidates, bounds)
    except MalformedInput:
        return False
    return True


def candidate_range(seats: int, bounds: Sequence[int | float]) -> tuple[int, int] | None:
    """The fewest and the most candidates the differential allows for ``seats``.

    ``None`` when no whole number of candidates fits (1 seat with 20–50 %). The bounds
    are found exactly, then every size at and around them is put to the engine's check.
    """
    low, high = exact(bounds[0]), exact(bounds[1])
    first = math.ceil(seats * (1 + low))
    last = math.floor(seats * (1 + high))
    # The ratio grows with the slate, so the sizes allowed are one run from `first` to
    # `last`: only the sizes at its two ends are asked, however wide it is.
    lowest = next(
        (n for n in (first - 1, first, first + 1) if n >= 0 and fits(seats, n, bounds)), None
    )
    highest = next(
        (n for n in (last + 1, last, last - 1) if n >= 0 and fits(seats, n, bounds)), None
    )
    if lowest is None or highest is None or lowest > highest:
        return None
    return lowest, highest


def as_percent(ratio: Fraction | int | float) -> str:
    """A ratio as a percentage the way people write it: 0.2 → "20 %", 1/3 → "33.3 %"."""
    value = exact(ratio) if not isinstance(ratio, Fraction) else ratio
    shown = (Decimal(value.numerator) * 100 / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return f"{format(shown.normalize(), 'f')} %"


@dataclass(frozen=True)
class NoSlateFits:
    """Why no slate fits ``seats`` under the differential, and the nearest ways out."""

    seats: int
    low: int | float
    high: int | float
    needed_high: Fraction  # raise the upper bound at least to this ...
    other_seats: int | None  # ... or elect this many projects instead


def no_slate_fits(seats: int, bounds: Sequence[int | float]) -> NoSlateFits | None:
    """``None`` when some slate fits; otherwise what could be changed to let one fit."""
    if candidate_range(seats, bounds) is not None:
        return None
    fewest = math.ceil(seats * (1 + exact(bounds[0])))
    needed_high = Fraction(fewest - seats, seats)
    other = None
    for distance in range(1, SEATS_SEARCH):
        for candidate in (seats + distance, seats - distance):
            if candidate >= 1 and candidate_range(candidate, bounds) is not None:
                other = candidate
                break
        if other is not None:
            break
    return NoSlateFits(seats, bounds[0], bounds[1], needed_high, other)


def slate_change(seats: int, n_candidates: int, bounds: Sequence[int | float]) -> int | None:
    """How many candidates to add (positive) or remove (negative) to fit the differential.

    0 when the slate fits, ``None`` when no slate fits these seats at all.
    """
    allowed = candidate_range(seats, bounds)
    if allowed is None:
        return None
    first, last = allowed
    if n_candidates < first:
        return first - n_candidates
    if n_candidates > last:
        return last - n_candidates
    return 0


def candidates_needed(seats: int, bounds: Sequence[int | float]) -> str | None:
    """ "4 to 6 candidates" / "exactly 4 candidates": what the differential allows."""
    allowed = candidate_range(seats, bounds)
    if allowed is None:
        return None
    first, last = allowed
    if first == last:
        return str(vm.CANDIDATES_EXACTLY % {"n": first})
    return str(vm.CANDIDATES_BETWEEN % {"first": first, "last": last})
