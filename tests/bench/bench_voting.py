"""Benchmark of the counting engine: ``python -m tests.bench.bench_voting``.

Generates seeded random ballots (the same on every run) and prints the median
time of several runs of ``tally`` for a township-size project vote, a large
project vote (with and without ``min_per_category``) and large satisfaction
votes on both scales. Generating the ballots is not timed. Needs no Django
settings.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from core.voting import tally

SEED = 20240101
LEVELS = ("satisfied", "basic", "unsatisfied")


def selection_document(n_ballots: int, n_candidates: int, seed: int = SEED) -> dict[str, Any]:
    """A project vote: seats = candidates / 1.4 (inside the default differential)."""
    rng = random.Random(seed)
    seats = max(1, round(n_candidates / 1.4))
    ids = [f"p{i:03d}" for i in range(n_candidates)]
    # Each candidate has its own popularity, so the ranking is not a coin toss.
    popularity = [rng.uniform(0.2, 0.9) for _ in ids]
    ballots = []
    for _ in range(n_ballots):
        ballot: dict[str, str] = {}
        approvals = 0
        for cid, p in zip(ids, popularity, strict=True):
            draw = rng.random()
            if draw < p and approvals < seats:
                ballot[cid] = "yes"
                approvals += 1
            elif draw < p + 0.05:
                ballot[cid] = "no"
            elif draw < p + 0.08:
                ballot[cid] = "abstain"
            # else: left unmarked, which counts as abstain
        if rng.random() < 0.01:
            ballot["not-on-slate"] = "yes"  # a spoilt ballot now and then
        ballots.append(ballot)
    return {
        "kind": "selection",
        "rules": {"seats": seats, "differential": [0.2, 0.5]},
        "deputies_total": n_ballots,
        "present": n_ballots,
        "candidates": [{"id": cid, "category": f"c{i % 4}"} for i, cid in enumerate(ids)],
        "ballots": ballots,
    }


def satisfaction_document(n_ballots: int, n_projects: int, seed: int = SEED) -> dict[str, Any]:
    """A three-level satisfaction vote with a few unmarked and invalid marks."""
    rng = random.Random(seed)
    ids = [f"p{i:03d}" for i in range(n_projects)]
    choices = [*LEVELS, "maybe"]
    weights = [60, 25, 14, 1]
    ballots = []
    for _ in range(n_ballots):
        marks = rng.choices(choices, weights, k=n_projects)
        pairs = zip(ids, marks, strict=True)
        ballots.append({cid: mark for cid, mark in pairs if rng.random() > 0.02})
    return {
        "kind": "satisfaction",
        "deputies_total": n_ballots,
        "present": n_ballots,
        "candidates": [{"id": cid} for cid in ids],
        "ballots": ballots,
    }


def score_document(n_ballots: int, n_projects: int, seed: int = SEED) -> dict[str, Any]:
    """A score_100 satisfaction vote, with an out-of-range score now and then."""
    rng = random.Random(seed)
    ids = [f"p{i:03d}" for i in range(n_projects)]
    ballots = [{cid: rng.randint(40, 101) for cid in ids} for _ in range(n_ballots)]
    return {
        "kind": "satisfaction",
        "rules": {"scale": "score_100"},
        "deputies_total": n_ballots,
        "present": n_ballots,
        "candidates": [{"id": cid} for cid in ids],
        "ballots": ballots,
    }


def median_ms(run: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``repeat`` calls, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (median is shown)")
    args = parser.parse_args()

    large = selection_document(100_000, 20)
    per_category = {**large, "rules": {**large["rules"], "min_per_category": 1}}
    scores = score_document(100_000, 20)
    cases = [
        ("selection", 1_000, 60, selection_document(1_000, 60)),
        ("selection", 100_000, 20, large),
        ("selection, min_per_category", 100_000, 20, per_category),
        ("satisfaction, three_level", 100_000, 20, satisfaction_document(100_000, 20)),
        ("satisfaction, score_100", 100_000, 20, scores),
    ]
    print(f"{'vote':<30}{'ballots':>10}{'candidates':>12}{'median ms':>12}")
    for kind, n_ballots, n_candidates, document in cases:
        ms = median_ms(lambda document=document: tally(document), args.repeat)
        print(f"{kind:<30}{n_ballots:>10,}{n_candidates:>12}{ms:>12.1f}")


if __name__ == "__main__":
    main()
