"""OKR grading: the single definition of a score, used by aggregates and read models.

Scores live on Google's 0.0–1.0 scale. Keeping the arithmetic here means the grade
frozen when a cycle closes and the score a dashboard shows can never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import overload


class ScoreBand(StrEnum):
    """Google's grading bands: 0.0–0.3 red, 0.4–0.6 yellow, 0.7–1.0 green."""

    RED = "RED"
    YELLOW = "YELLOW"
    GREEN = "GREEN"


# What each kind of objective is expected to reach (keyed by ObjectiveKind's values).
EXPECTED_GRADE = {"COMMITTED": 1.0, "ASPIRATIONAL": 0.7}


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def metric_score(start: float, target: float, current: float | None) -> float:
    """Progress from start towards target; a target below the start counts downwards."""
    if current is None:
        return 0.0
    return round(clamp((current - start) / (target - start)), 6)


def milestone_score(done: int, total: int) -> float:
    return round(done / total, 6) if total else 0.0


def weighted_mean(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """Mean of ``(weight, score)`` pairs; ``None`` when there is nothing to grade."""
    total = 0.0
    weights = 0.0
    for weight, score in pairs:
        if score is None:
            continue
        total += weight * score
        weights += weight
    return round(total / weights, 6) if weights else None


@overload
def band(score: float) -> ScoreBand: ...
@overload
def band(score: None) -> None: ...
@overload
def band(score: float | None) -> ScoreBand | None: ...


def band(score: float | None) -> ScoreBand | None:
    """The band of a score: below 0.4 red, below 0.7 yellow, else green (no rounding)."""
    if score is None:
        return None
    if score < 0.4:
        return ScoreBand.RED
    if score < 0.7:
        return ScoreBand.YELLOW
    return ScoreBand.GREEN
