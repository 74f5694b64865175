"""Commands about key results: adding, editing, measuring and regrading them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.edits import KEEP
from domain.model.objective import objective_of


@dataclass(frozen=True, kw_only=True)
class AddKeyResult(Command):
    """Add a key result to an objective."""

    input_doc: ClassVar[str] = "Either a metric (startValue, targetValue, unit) or milestones."
    argument_doc: ClassVar[str] = "The key result to add."

    objective_id: Annotated[Id, "The objective it measures."]
    title: Annotated[str, "What is measured, 1–200 characters."]
    weight: Annotated[float, "Its share in the objective's score, in (0, 100]."] = 1.0
    start_value: Annotated[float | None, "Where a metric starts."] = None
    target_value: Annotated[
        float | None, "Where a metric should get to; different from the start."
    ] = None
    unit: Annotated[str | None, "The metric's unit, e.g. %."] = None
    milestones: Annotated[
        list[str] | None,
        "The milestones, in the order they will be done (instead of a metric).",
    ] = None
    owner_id: Annotated[
        Id | None, "The person who owns it (active); left out: you, when you are a person."
    ] = None
    contributor_ids: Annotated[list[Id] | None, "People who contribute to it (active)."] = None

    def lock(self) -> object:
        return self.objective_id


@dataclass(frozen=True, kw_only=True)
class UpdateKeyResult(Command):
    """Edit a key result; a change of start or target needs a reason."""

    input_doc: ClassVar[str] = "Changing startValue or targetValue needs a reason."
    argument_doc: ClassVar[str] = "The key result and the fields to change."

    id: Annotated[Id, "The key result to edit."]
    expected_version: Annotated[int, "The key result's version you read."]
    title: Annotated[str, "A new title, 1–200 characters."] = KEEP
    weight: Annotated[float, "A new weight, in (0, 100]."] = KEEP
    unit: Annotated[str | None, "A new unit; null clears it."] = KEEP
    start_value: Annotated[float, "A new start value (needs reason)."] = KEEP
    target_value: Annotated[float, "A new target value (needs reason)."] = KEEP
    reason: Annotated[str | None, "Why the start or target changed; kept in the history."] = None

    def lock(self) -> object:
        return objective_of(self.id)  # its objective's stream holds the key result


@dataclass(frozen=True, kw_only=True)
class RecordCheckIn(Command):
    """Record where a key result stands, as of a date."""

    input_doc: ClassVar[str] = (
        "Send value for a metric key result, milestonesDone for a milestone one."
    )
    argument_doc: ClassVar[str] = "The measurement."

    key_result_id: Annotated[Id, "The key result measured."]
    value: Annotated[float | None, "For a metric key result."] = None
    milestones_done: Annotated[
        int | None, "For a milestone key result: how many are done, the first ones in order."
    ] = None
    done_milestones: Annotated[
        list[int] | None,
        "For a milestone key result: which are done, by index from 0 (in any order).",
    ] = None
    confidence: Annotated[
        float | None, "How likely the team now thinks the target is reached, 0–1."
    ] = None
    note: Annotated[str | None, "What the team wants to say with it."] = None
    as_of: Annotated[date | None, "The date the value is true for; today by default."] = None
    expected_version: Annotated[
        int | None, "Left out, the check-in lands after the latest one."
    ] = None

    def lock(self) -> object:
        return objective_of(self.key_result_id)


@dataclass(frozen=True, kw_only=True)
class RegradeKeyResult(Command):
    """Correct the grade a closed cycle froze for a key result. The original grade stays visible
    (originalGrade, gradeCorrections, the audit trail)."""

    input_doc: ClassVar[str] = "A corrected grade for a key result of a closed cycle."
    argument_doc: ClassVar[str] = "The key result, its corrected grade and why."

    id: Annotated[Id, "The key result."]
    grade: Annotated[float, "The corrected grade, 0–1."]
    reason: Annotated[str, "Why the grade changes; required."]
    expected_version: Annotated[
        int | None, "The key result's version you read; left out, no check."
    ] = None

    def lock(self) -> object:
        return objective_of(self.id)
