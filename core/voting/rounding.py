"""Half-up rounding to one decimal place, as announced results are rounded.

Python's ``round`` rounds half to even and works on binary floats, so
``round(6.25, 1)`` is 6.2; the rules say 6.3. The quotient is formed and
rounded in ``Decimal`` with a private context, so a caller's decimal context
cannot change a result.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

# 50 significant digits: a quotient p/q that is not exactly on a rounding
# boundary is at least 1/(20q) away from it, far more than the error of a
# 50-digit division for any ballot count, and a quotient that is exactly on a
# boundary terminates within a few digits, so it is computed exactly.
_CONTEXT = Context(prec=50, rounding=ROUND_HALF_UP)
_ONE_DECIMAL = Decimal("0.1")


def round_half_up(numerator: int, denominator: int) -> Decimal:
    """``numerator / denominator`` rounded half-up to one decimal (6.25 -> 6.3)."""
    quotient = _CONTEXT.divide(Decimal(numerator), Decimal(denominator))
    return quotient.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP, context=_CONTEXT)


def as_json_number(value: Decimal | None) -> float | None:
    """A rounded value as it goes into the JSON output (``None`` stays null)."""
    return None if value is None else float(value)
