"""A session's rules: every default of voting-rules.md filled in, the slate's differential
ratio checked with the engine's own rule, and rules that no slate or no ballot could
satisfy refused with what to change."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError

from core import messages as vm
from core.models.voting import SessionKind, VotingSession
from core.selectors.differential import (
    as_percent,
    candidates_needed,
    no_slate_fits,
    slate_change,
)
from core.voting import MalformedInput, SatisfactionRules, SelectionRules, check_differential
from core.voting.rules import exact


def _ratio_text(ratio: Fraction) -> str:
    shown = (Decimal(ratio.numerator) / Decimal(ratio.denominator)).quantize(
        Decimal("0.001"), rounding=ROUND_HALF_UP
    )
    return format(shown.normalize(), "f")


def no_slate_fits_message(seats: int, bounds) -> str | None:
    """The sentence that says what to change when no slate fits ``seats`` under
    ``bounds`` (1 seat with 20–50 %), else None."""
    stuck = no_slate_fits(seats, bounds)
    if stuck is None:
        return None
    values = {
        "seats": seats,
        "low": as_percent(exact(stuck.low)),
        "high": as_percent(exact(stuck.high)),
        "needed": f"{_ratio_text(stuck.needed_high)} ({as_percent(stuck.needed_high)})",
        "other": stuck.other_seats or 0,
    }
    if stuck.other_seats is None:
        return str(vm.RULES_NO_SLATE_FITS_RAISE % values)
    return str(vm.RULES_NO_SLATE_FITS % values)


def normalise_rules(kind: str, rules: dict | None) -> dict:
    """The session's rules with every default of voting-rules.md filled in.

    Refuses an unknown rule or value with the engine's own check, naming the rule, and a
    project vote whose seats no whole number of candidates can satisfy under the
    differential, saying what to change.
    """
    rules = {k: v for k, v in (rules or {}).items() if v is not None and v != ""}
    try:
        if kind == SessionKind.SELECTION:
            parsed = SelectionRules.from_dict(rules)
            impossible = no_slate_fits_message(parsed.seats, parsed.differential)
            if impossible:
                raise ValidationError({"differential": impossible})
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


def slate_differential_problem(session: VotingSession, n_candidates: int) -> str | None:
    """In plain words, what to do so that a project-vote slate of ``n_candidates`` fits
    the differential ("add 1 more candidate ..."), with the ratio as context; None when it
    fits (or for a satisfaction vote)."""
    if not session.is_selection:
        return None
    seats = session.rules["seats"]
    low, high = session.rules["differential"]
    try:
        check_differential(seats, n_candidates, (low, high))
    except MalformedInput:
        pass
    else:
        return None
    change = slate_change(seats, n_candidates, (low, high))
    if change is None:
        return f"{vm.SLATE_NO_SIZE_FITS} {no_slate_fits_message(seats, (low, high))}"
    values = {
        "seats": seats,
        "needs": candidates_needed(seats, (low, high)),
        "n": n_candidates,
        "k": abs(change),
    }
    plain = (vm.SLATE_ADD_CANDIDATES if change > 0 else vm.SLATE_REMOVE_CANDIDATES) % values
    context = vm.SLATE_OUTSIDE_DIFFERENTIAL % {
        "candidates": n_candidates,
        "seats": seats,
        "ratio": _ratio_text(Fraction(n_candidates - seats, seats)),
        "low": low,
        "high": high,
    }
    return f"{plain} {context}"


def check_slate_differential(session: VotingSession, n_candidates: int) -> None:
    """Refuse a project-vote slate outside the differential, saying how many candidates
    to add or remove (or that the seats must change), the ratio and bounds after it."""
    problem = slate_differential_problem(session, n_candidates)
    if problem:
        raise ValidationError({"candidates": problem})


def category_rule_problem(session: VotingSession, n_categories: int) -> str | None:
    """When every ballot must approve one project per category but may approve fewer
    projects than the slate has categories, no ballot can be valid: what to change."""
    if not session.is_selection or not session.rules.get("min_per_category"):
        return None
    most = session.rules["max_approvals"]
    if n_categories <= most:
        return None
    return str(vm.CATEGORY_RULE_IMPOSSIBLE % {"categories": n_categories, "max": most})


def check_slate_categories(session: VotingSession, n_categories: int) -> None:
    problem = category_rule_problem(session, n_categories)
    if problem:
        raise ValidationError({"max_approvals": problem})
