"""The configurable rules of a vote, with the defaults of voting-rules.md.

Both dataclasses validate themselves on construction, so a rules object that
exists is a rules object the engine can count with. Every failure is a
``MalformedInput`` whose field is ``rules.<name>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from .errors import (
    ACCOUNT_ABOVE_COMMEND,
    DIFFERENTIAL_OUT_OF_BOUNDS,
    DIFFERENTIAL_SHAPE,
    MUST_BE_NUMBER_BETWEEN,
    MUST_BE_ZERO_OR_ONE,
    MalformedInput,
)
from .fields import (
    check_choice,
    check_integer,
    get_field,
    is_number,
    reject_unknown_keys,
    require_object,
)

RULES = "rules"

FOR_AGAINST_ABSTAIN = "for_against_abstain"
APPROVE_ONLY = "approve_only"
MODES = (FOR_AGAINST_ABSTAIN, APPROVE_ONLY)

MAJORITY_OF_ALL = "majority_of_all"
MAJORITY_OF_PRESENT = "majority_of_present"
NO_THRESHOLD = "none"
THRESHOLDS = (MAJORITY_OF_ALL, MAJORITY_OF_PRESENT, NO_THRESHOLD)

INCLUDE_ALL = "include_all"
RUNOFF = "runoff"
TIE_POLICIES = (INCLUDE_ALL, RUNOFF)

THREE_LEVEL = "three_level"
SCORE_100 = "score_100"
SCALES = (THREE_LEVEL, SCORE_100)

DEFAULT_DIFFERENTIAL = (0.2, 0.5)
DEFAULT_COMMEND_AT = 85
DEFAULT_ACCOUNT_BELOW = 60


def exact(number: int | float) -> Fraction:
    """The decimal value a person wrote: ``0.2`` is 1/5, not the nearest double.

    Comparing a ratio such as (6 - 5) / 5 against a bound written ``0.2`` must
    be exact, or a slate right on the bound would be refused.
    """
    return Fraction(repr(number)) if type(number) is float else Fraction(number)


def _check_bounds(bounds: object, field_name: str) -> tuple[int | float, int | float]:
    if (
        not isinstance(bounds, list | tuple)
        or len(bounds) != 2
        or not all(is_number(bound) for bound in bounds)
        or not 0 <= exact(bounds[0]) <= exact(bounds[1])
    ):
        raise MalformedInput(field_name, DIFFERENTIAL_SHAPE)
    return (bounds[0], bounds[1])


def _format_ratio(ratio: Fraction) -> str:
    # Three decimals are enough to see which side of a bound a slate is on;
    # exact ratios such as 0.25 print without trailing zeros.
    shown = (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(
        Decimal("0.001"), rounding=ROUND_HALF_UP
    )
    return format(shown.normalize(), "f")


def check_differential(
    seats: int,
    n_candidates: int,
    bounds: Sequence[int | float] = DEFAULT_DIFFERENTIAL,
    *,
    field: str = "candidates",
) -> Fraction:
    """Check a slate against the differential (差额比例) and return its ratio.

    The slate must satisfy ``min <= (n_candidates - seats) / seats <= max``.
    Outside it the slate cannot be opened for voting: ``MalformedInput`` is
    raised on ``field`` with a message that names the ratio and the bounds
    (``DIFFERENTIAL_OUT_OF_BOUNDS``). The web app calls this when a congress
    office builds a slate; the engine calls it for every selection document.
    """
    check_integer(seats, f"{RULES}.seats", minimum=1)
    check_integer(n_candidates, field, minimum=0)
    low, high = _check_bounds(bounds, f"{RULES}.differential")
    ratio = Fraction(n_candidates - seats, seats)
    if not exact(low) <= ratio <= exact(high):
        raise MalformedInput(
            field,
            DIFFERENTIAL_OUT_OF_BOUNDS.format(
                candidates=n_candidates,
                seats=seats,
                ratio=_format_ratio(ratio),
                low=low,
                high=high,
            ),
        )
    return ratio


@dataclass(frozen=True)
class SelectionRules:
    """Rules of a project vote (项目票决), defaults as in voting-rules.md §1.

    ``max_approvals`` left as ``None`` becomes ``seats``. ``min_per_category``
    accepts ``True``/``False`` as well as 1/0 and is stored as an integer.
    """

    seats: int
    differential: tuple[int | float, int | float] = DEFAULT_DIFFERENTIAL
    mode: str = FOR_AGAINST_ABSTAIN
    max_approvals: int | None = None
    min_per_category: int = 0
    threshold: str = MAJORITY_OF_ALL
    tie_policy: str = INCLUDE_ALL

    def __post_init__(self) -> None:
        check_integer(self.seats, f"{RULES}.seats", minimum=1)
        set_ = object.__setattr__  # frozen: normalise through the back door
        set_(self, "differential", _check_bounds(self.differential, f"{RULES}.differential"))
        check_choice(self.mode, f"{RULES}.mode", MODES)
        if self.max_approvals is None:
            set_(self, "max_approvals", self.seats)
        else:
            check_integer(self.max_approvals, f"{RULES}.max_approvals", minimum=1)
        if self.min_per_category not in (0, 1) or not isinstance(self.min_per_category, int):
            raise MalformedInput(f"{RULES}.min_per_category", MUST_BE_ZERO_OR_ONE)
        set_(self, "min_per_category", int(self.min_per_category))
        check_choice(self.threshold, f"{RULES}.threshold", THRESHOLDS)
        check_choice(self.tie_policy, f"{RULES}.tie_policy", TIE_POLICIES)

    @classmethod
    def from_dict(cls, data: object) -> SelectionRules:
        """Build the rules from the ``rules`` object of a document."""
        return cls(**_rule_arguments(cls, data, required=("seats",)))


@dataclass(frozen=True)
class SatisfactionRules:
    """Rules of a satisfaction vote (效果票评), defaults as in voting-rules.md §2.

    ``commend_at`` and ``account_below`` are percentages (three_level) or mean
    scores (score_100) between 0 and 100; ``account_below`` may not exceed
    ``commend_at``, or a project could be commended and held to account at once.
    """

    scale: str = THREE_LEVEL
    commend_at: int | float = DEFAULT_COMMEND_AT
    account_below: int | float = DEFAULT_ACCOUNT_BELOW
    _bounds: tuple[Decimal, Decimal] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_choice(self.scale, f"{RULES}.scale", SCALES)
        for name in ("commend_at", "account_below"):
            value = getattr(self, name)
            if not is_number(value) or not 0 <= value <= 100:
                raise MalformedInput(
                    f"{RULES}.{name}", MUST_BE_NUMBER_BETWEEN.format(low=0, high=100)
                )
        if exact(self.account_below) > exact(self.commend_at):
            raise MalformedInput(
                f"{RULES}.account_below",
                ACCOUNT_ABOVE_COMMEND.format(commend_at=self.commend_at),
            )
        # Compare rounded rates with the thresholds as written (84.9, not the
        # double nearest to it).
        object.__setattr__(
            self,
            "_bounds",
            (Decimal(repr(self.commend_at)), Decimal(repr(self.account_below))),
        )

    def band(self, value: Decimal | None) -> str:
        """The band of a rounded rate or mean score: commend/normal/accountability.

        ``None`` (no valid marks) is ``no_data``. At exactly ``commend_at`` a
        project is commended; at exactly ``account_below`` it is normal.
        """
        if value is None:
            return "no_data"
        commend_at, account_below = self._bounds
        if value >= commend_at:
            return "commend"
        if value < account_below:
            return "accountability"
        return "normal"

    @classmethod
    def from_dict(cls, data: object) -> SatisfactionRules:
        """Build the rules from the ``rules`` object of a document (may be absent)."""
        return cls(**_rule_arguments(cls, data, required=()))


def _rule_arguments(cls: type, data: object, required: tuple[str, ...]) -> dict[str, Any]:
    rules: Mapping[str, Any] = require_object(data, RULES)
    names = [f.name for f in fields(cls) if f.init]
    reject_unknown_keys(rules, names, RULES)
    arguments: dict[str, Any] = {}
    for name in names:
        if name in required:
            arguments[name] = get_field(rules, name, RULES)
        elif rules.get(name) is not None:
            arguments[name] = rules[name]
    return arguments


__all__ = [
    "APPROVE_ONLY",
    "FOR_AGAINST_ABSTAIN",
    "INCLUDE_ALL",
    "MAJORITY_OF_ALL",
    "MAJORITY_OF_PRESENT",
    "MODES",
    "NO_THRESHOLD",
    "RUNOFF",
    "SCALES",
    "SCORE_100",
    "THREE_LEVEL",
    "THRESHOLDS",
    "TIE_POLICIES",
    "SatisfactionRules",
    "SelectionRules",
    "check_differential",
    "exact",
]
