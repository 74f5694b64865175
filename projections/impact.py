"""Impacts of bets added up without adding different units.

A bet's impact is in its key result's unit (M$, minutes, milestones), so a total across
key results is given per unit, and as **progress points**: impact ÷ the key result's span
(target − start for a metric, so that lowering a count-down metric is progress; the number
of milestones), so that 1.0 is a whole key result and points of any key results add up.
Sums are exact (``math.fsum``) and rounded to 9 decimal places where they are computed: no
float noise in answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from projections.documents import Doc
from projections.numbers import ratio, total

DECIMALS = 9
MILESTONES = "milestones"  # the unit of a milestone key result's impacts


def rounded(value: float) -> float:
    """A computed figure as answered: 9 decimal places, and never -0.0."""
    return round(value, DECIMALS) + 0.0


@dataclass(frozen=True)
class Measure:
    """What a key result's impacts are in, and the span that makes one progress point."""

    unit: str
    # target − start (signed), or the number of milestones; None: unknown (a key result
    # removed since), which gives no progress points.
    span: float | None


def measures(objectives: Iterable[Doc]) -> dict[str, Measure]:
    """The measure of every key result of these objective documents, by id."""
    found = {}
    for objective in objectives:
        for row in objective["key_results"]:
            if row["milestones"]:
                found[row["id"]] = Measure(MILESTONES, float(len(row["milestones"])))
            else:
                span = row["target_value"] - row["start_value"]
                found[row["id"]] = Measure(row["unit"] or "", span or None)
    return found


@dataclass(frozen=True)
class Impacts:
    """Impacts added per unit, and in progress points."""

    by_unit: dict[str, float] = field(default_factory=dict)  # unit -> amount, units sorted
    progress: float = 0.0

    @classmethod
    def of(cls, impacts: Iterable[tuple[str, float]], known: dict[str, Measure]) -> Impacts:
        """``impacts``: (key result id, impact) pairs."""
        amounts: dict[str, list[float]] = defaultdict(list)
        points: list[float] = []
        for key_result_id, impact in impacts:
            measure = known.get(key_result_id, Measure("", None))
            amounts[measure.unit].append(impact)
            if measure.span:
                points.append(ratio(impact, measure.span))
        return cls(
            by_unit={unit: rounded(total(amounts[unit])) for unit in sorted(amounts)},
            progress=rounded(total(points)),
        )


def expected(bets: Iterable[Doc], known: dict[str, Measure]) -> Impacts:
    """What the bets still placed are expected to move: odds × expected impact."""
    return Impacts.of(
        ((b["key_result_id"], b["expected_value"]) for b in bets if b["status"] == "PLACED"),
        known,
    )


def realised(bets: Iterable[Doc], known: dict[str, Measure]) -> Impacts:
    """What the resolved bets moved: their actual impacts."""
    return Impacts.of(
        (
            (b["key_result_id"], b["actual_impact"])
            for b in bets
            if b["status"] in ("VALIDATED", "INVALIDATED") and b["actual_impact"] is not None
        ),
        known,
    )
