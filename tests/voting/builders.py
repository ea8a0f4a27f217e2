"""Input documents for the voting tests, with the spec's defaults filled in."""

from __future__ import annotations

from typing import Any

from core.voting import tally

Slate = list[str] | list[tuple[str, str]]


def candidates(slate: Slate) -> list[dict[str, str]]:
    """``["a", "b"]`` or ``[("a", "roads"), ...]`` as candidate objects."""
    out = []
    for item in slate:
        if isinstance(item, tuple):
            out.append({"id": item[0], "category": item[1]})
        else:
            out.append({"id": item})
    return out


def selection(
    slate: Slate,
    ballots: list[dict[str, Any]] | None = None,
    *,
    seats: int,
    deputies_total: int = 9,
    present: int | None = None,
    ballots_issued: int | None = None,
    paper: list[dict[str, Any]] | None = None,
    **rules: Any,
) -> dict[str, Any]:
    """A project-vote document; rules other than ``seats`` come as keywords.

    The differential is opened wide unless given, so that a test about
    counting is not refused for its slate.
    """
    rules.setdefault("differential", [0, 100])
    document: dict[str, Any] = {
        "kind": "selection",
        "rules": {"seats": seats, **rules},
        "deputies_total": deputies_total,
        "present": deputies_total if present is None else present,
        "candidates": candidates(slate),
    }
    if ballots_issued is not None:
        document["ballots_issued"] = ballots_issued
    if paper is not None:
        document["paper"] = {"entries": paper}
    else:
        document["ballots"] = ballots if ballots is not None else []
    return document


def satisfaction(
    projects: list[str],
    ballots: list[dict[str, Any]],
    *,
    deputies_total: int | None = None,
    present: int | None = None,
    ballots_issued: int | None = None,
    **rules: Any,
) -> dict[str, Any]:
    """A satisfaction-vote document; every deputy present unless told otherwise."""
    total = deputies_total if deputies_total is not None else max(len(ballots), 1)
    document: dict[str, Any] = {
        "kind": "satisfaction",
        "deputies_total": total,
        "present": total if present is None else present,
        "candidates": candidates(projects),
        "ballots": ballots,
    }
    if rules:
        document["rules"] = rules
    if ballots_issued is not None:
        document["ballots_issued"] = ballots_issued
    return document


def entry(returned: int, invalid: int, counts: dict[str, dict[str, int]]) -> dict[str, Any]:
    """One teller's paper entry."""
    return {"ballots_returned": returned, "ballots_invalid": invalid, "counts": counts}


def rows(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The result rows by candidate id."""
    return {row["id"]: row for row in result["results"]}


def count(slate: Slate, ballots: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
    """Tally a project vote given by slate and ballots."""
    return tally(selection(slate, ballots, **kwargs))
