"""Commands about plans: a cycle's objectives and key results set in one go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from domain.application.commands.base import Command, Id


@dataclass(frozen=True)
class PlanRow:
    """One row of a plan file: an objective of a team and, usually, one of its key
    results. Rows naming the same team and objective title set one objective."""

    line: int  # where it stands in the file, for the errors
    team_id: str  # a team's id (the file's team names are resolved by the reader)
    objective: str
    kind: str | None = None  # COMMITTED (default) or ASPIRATIONAL
    description: str | None = None
    objective_owner: str | None = None  # a person's handle
    key_result: str | None = None
    start: float | None = None
    target: float | None = None
    unit: str | None = None
    weight: float | None = None
    milestones: tuple[str, ...] = ()
    owner: str | None = None  # the key result's owner: a person's handle


@dataclass(frozen=True, kw_only=True)
class ImportPlan(Command):
    """Set objectives and key results of an open cycle from rows (``okra import plan``):
    all of them in one save, or none when any row breaks a rule (every bad row is
    named by its line). An objective the team already has in the cycle is refused,
    so a second run of the same file adds nothing."""

    cycle_id: Annotated[Id, "The open cycle to plan."]
    rows: Annotated[list[PlanRow], "The rows, in the file's order."]

    def lock(self) -> object:
        return self.cycle_id  # the cycle schedules every objective, as createObjective's
