"""Commands about objectives: setting, editing, aligning, tagging and carrying them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.edits import KEEP
from domain.model.objective import ObjectiveKind, ObjectiveStatus


@dataclass(frozen=True, kw_only=True)
class CreateObjective(Command):
    """Set an objective for a team in a cycle."""

    input_doc: ClassVar[str] = "A new objective of a team in a cycle."
    argument_doc: ClassVar[str] = "The objective to set."

    cycle_id: Annotated[Id, "The open cycle it belongs to."]
    team_id: Annotated[Id, "The team that owns it."]
    title: Annotated[str, "What the team wants to achieve, 1–200 characters."]
    description: Annotated[str | None, "Why it matters."] = None
    kind: Annotated[ObjectiveKind, "Committed (expected at 1.0) or aspirational (the default)."] = (
        ObjectiveKind.ASPIRATIONAL
    )
    parent_key_result_id: Annotated[
        Id | None, "The key result of the level above this cascades from."
    ] = None
    aligned_with: Annotated[list[Id] | None, "Objectives of other teams this one aligns with."] = (
        None
    )
    owner_id: Annotated[
        Id | None, "The person who owns it (active); left out: you, when you are a person."
    ] = None
    contributor_ids: Annotated[list[Id] | None, "People who contribute to it (active)."] = None

    def lock(self) -> object:
        return self.cycle_id  # the cycle schedules it


@dataclass(frozen=True, kw_only=True)
class UpdateObjective(Command):
    """Edit an objective's title, description, kind or status."""

    input_doc: ClassVar[str] = "Fields left out keep their value."
    argument_doc: ClassVar[str] = "The objective and the fields to change."

    id: Annotated[Id, "The objective to edit."]
    expected_version: Annotated[int, "The objective's version you read."]
    title: Annotated[str, "A new title, 1–200 characters."] = KEEP
    description: Annotated[str | None, "A new description; null clears it."] = KEEP
    kind: Annotated[ObjectiveKind, "Committed or aspirational."] = KEEP
    status: Annotated[ObjectiveStatus, "Active, or archived."] = KEEP

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class AlignObjective(Command):
    """Re-point an objective's cascade (parent key result) and its horizontal alignment."""

    input_doc: ClassVar[str] = "Fields left out keep their value; null removes the parent."
    argument_doc: ClassVar[str] = "The objective and its new alignment."

    id: Annotated[Id, "The objective to re-align."]
    expected_version: Annotated[int, "The objective's version you read."]
    parent_key_result_id: Annotated[
        Id | None, "The key result of the level above it cascades from; null removes it."
    ] = KEEP
    aligned_with: Annotated[
        list[Id] | None, "Objectives of other teams it aligns with (replaces the list)."
    ] = KEEP

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class TagObjective(Command):
    """Set the values and constituents of the strategy map an objective serves."""

    input_doc: ClassVar[str] = "Lists left out stay as they are; an empty list clears one."
    argument_doc: ClassVar[str] = "The objective and the entries it serves."

    id: Annotated[Id, "The objective to tag."]
    expected_version: Annotated[int, "The objective's version you read."]
    values: Annotated[list[str], "Values of the map it serves."] = KEEP
    constituents: Annotated[list[str], "Constituents of the map it serves."] = KEEP

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class CarryOverObjective(Command):
    """Start an objective again in a later, open cycle: its key results are re-baselined at their
    last value (reached ones stay behind), no check-in is copied, and both objectives link to
    each other. Answers the new objective."""

    input_doc: ClassVar[str] = "Which objective to carry over, and into which cycle."
    argument_doc: ClassVar[str] = "The objective and the cycle to carry it into."

    id: Annotated[Id, "The objective to carry over."]
    to_cycle_id: Annotated[Id, "An open cycle that starts after the objective's own."]

    def lock(self) -> object:
        return self.id
