"""Impacts of bets per key-result unit (see :mod:`projections.impact`)."""

from __future__ import annotations

import strawberry

from projections.impact import Impacts


@strawberry.type(description="An amount of impact in one key-result unit.")
class ImpactAmount:
    unit: str = strawberry.field(
        description="The unit of the key results it moves (e.g. M$, min; `milestones` for "
        "milestone key results; empty for a key result without a unit)."
    )
    amount: float = strawberry.field(description="How much, in that unit.")


def amounts(impacts: Impacts) -> list[ImpactAmount]:
    return [ImpactAmount(unit=u, amount=a) for u, a in impacts.by_unit.items()]


PROGRESS_DOC = (
    "In progress points: each impact ÷ the span of its key result (target − start, so "
    "lowering a count-down metric is progress; or its number of milestones), so 1.0 is a "
    "whole key result; points of any key results add up."
)
