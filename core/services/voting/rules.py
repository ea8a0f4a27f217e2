"""A session's rules: every default of voting-rules.md filled in, and the slate's
differential ratio checked with the engine's own rule."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError

from core import messages as vm
from core.models.voting import SessionKind, VotingSession
from core.voting import MalformedInput, SatisfactionRules, SelectionRules, check_differential


def normalise_rules(kind: str, rules: dict | None) -> dict:
    """The session's rules with every default of voting-rules.md filled in.

    Refuses an unknown rule or value with the engine's own check, naming the rule.
    """
    rules = {k: v for k, v in (rules or {}).items() if v is not None and v != ""}
    try:
        if kind == SessionKind.SELECTION:
            parsed = SelectionRules.from_dict(rules)
            return {
                "seats": parsed.seats,
                "differential": list(parsed.differential),
                "mode": parsed.mode,
                "max_approvals": parsed.max_approvals,
                "min_per_category": parsed.min_per_category,
                "threshold": parsed.threshold,
                "tie_policy": parsed.tie_policy,
            }
        parsed = SatisfactionRules.from_dict(rules)
        return {
            "scale": parsed.scale,
            "commend_at": parsed.commend_at,
            "account_below": parsed.account_below,
        }
    except MalformedInput as error:
        field = error.field.split(".", 1)[-1]
        raise ValidationError(
            {field: vm.RULE_INVALID % {"field": field, "detail": error.message}}
        ) from None


def check_slate_differential(session: VotingSession, n_candidates: int) -> None:
    """Refuse a project-vote slate outside the differential, naming ratio and bounds."""
    if not session.is_selection:
        return
    seats = session.rules["seats"]
    low, high = session.rules["differential"]
    try:
        check_differential(seats, n_candidates, (low, high))
    except MalformedInput:
        ratio = Fraction(n_candidates - seats, seats)
        shown = (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(
            Decimal("0.001"), rounding=ROUND_HALF_UP
        )
        raise ValidationError(
            {
                "candidates": vm.SLATE_OUTSIDE_DIFFERENTIAL
                % {
                    "candidates": n_candidates,
                    "seats": seats,
                    "ratio": format(shown.normalize(), "f"),
                    "low": low,
                    "high": high,
                }
            }
        ) from None
