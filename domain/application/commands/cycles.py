"""Commands about cycles: opening a year or a quarter, and closing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.calendar import Calendar
from domain.model.cycle import CycleKind


@dataclass(frozen=True, kw_only=True)
class OpenCycle(Command):
    """Open an annual cycle, or a quarter inside one."""

    input_doc: ClassVar[str] = "A new annual cycle, or a quarter inside one."
    argument_doc: ClassVar[str] = "The cycle to open."

    name: Annotated[str, 'e.g. "2026" or "2026-Q4"; unique.']
    kind: Annotated[CycleKind, "Annual, or a quarter (which needs parentId)."]
    starts_on: Annotated[date, "The cycle's first day."]
    ends_on: Annotated[date, "The cycle's last day; a quarter lies inside its year."]
    parent_id: Annotated[Id | None, "The annual cycle of a quarter."] = None

    def lock(self) -> object:
        return Calendar.id_for()


@dataclass(frozen=True, kw_only=True)
class CloseCycle(Command):
    """Close a cycle: freezes every key result's grade; its OKRs turn read-only."""

    input_doc: ClassVar[str] = "The cycle to close and grade."
    argument_doc: ClassVar[str] = "The cycle to close."

    id: Annotated[Id, "The cycle to close."]
    expected_version: Annotated[int | None, "The cycle's version you read; left out, no check."] = (
        None
    )

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class RenameCycle(Command):
    """Rename a cycle (admins). Names are unique ignoring case."""

    input_doc: ClassVar[str] = "A cycle's new name."
    argument_doc: ClassVar[str] = "The cycle and its new name."

    id: Annotated[Id, "The cycle."]
    name: Annotated[str, "The new name, 1–200 characters, unique ignoring case."]
    expected_version: Annotated[int | None, "The cycle's version you read; left out, no check."] = (
        None
    )

    def lock(self) -> object:
        return Calendar.id_for()


@dataclass(frozen=True, kw_only=True)
class CancelCycle(Command):
    """Cancel an open cycle that has no objectives (admins): it is left out of `cycles`
    unless asked for, and takes no objectives."""

    input_doc: ClassVar[str] = "The cycle to cancel."
    argument_doc: ClassVar[str] = "The cycle to cancel."

    id: Annotated[Id, "The cycle to cancel."]
    expected_version: Annotated[int | None, "The cycle's version you read; left out, no check."] = (
        None
    )

    def lock(self) -> object:
        return Calendar.id_for()
