"""Commands that correct mistakes: retracting or correcting a check-in, removing a key
result. Each is one event with its actor and a required reason; nothing is erased."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.check_ins import key_result_of
from domain.model.objective import objective_of


@dataclass(frozen=True, kw_only=True)
class RetractCheckIn(Command):
    """Retract a check-in recorded by mistake: it stops counting (the key result falls back
    to the latest remaining check-in) and stays in history, flagged, with the reason."""

    input_doc: ClassVar[str] = "The check-in to retract and why."
    argument_doc: ClassVar[str] = "The check-in and the reason."

    check_in_id: Annotated[Id, "The check-in (its id, as CheckIn.id shows it)."]
    reason: Annotated[str, "Why it no longer counts; required, kept in the history."]

    def lock(self) -> object:
        return objective_of(key_result_of(self.check_in_id))


@dataclass(frozen=True, kw_only=True)
class CorrectCheckIn(Command):
    """Replace a check-in by a corrected one, in one event: the original stays in history,
    flagged, and the new check-in names it (correctedFrom)."""

    input_doc: ClassVar[str] = (
        "What is left out stays as the original check-in had it (value or milestonesDone, "
        "confidence, note, asOf)."
    )
    argument_doc: ClassVar[str] = "The check-in, its corrected fields and why."

    check_in_id: Annotated[Id, "The check-in to correct."]
    reason: Annotated[str, "Why it is corrected; required, kept in the history."]
    value: Annotated[float | None, "The corrected value, for a metric key result."] = None
    milestones_done: Annotated[
        int | None, "The corrected number of milestones done, for a milestone key result."
    ] = None
    done_milestones: Annotated[
        list[int] | None, "The corrected milestones done, by index from 0."
    ] = None
    confidence: Annotated[float | None, "The corrected confidence, 0–1."] = None
    note: Annotated[str | None, "The corrected note."] = None
    as_of: Annotated[date | None, "The corrected date the measurement is true for."] = None

    def lock(self) -> object:
        return objective_of(key_result_of(self.check_in_id))


@dataclass(frozen=True, kw_only=True)
class RemoveKeyResult(Command):
    """Remove a key result added by mistake, in an open cycle: its placed bets are withdrawn
    (their stake freed) in the same save and its objective's score recomputes. It stays in
    history and time travel."""

    input_doc: ClassVar[str] = "The key result to remove, its version and why."
    argument_doc: ClassVar[str] = "The key result and the reason."

    id: Annotated[Id, "The key result to remove."]
    reason: Annotated[str, "Why it is removed; required, kept in the history."]
    expected_version: Annotated[int, "The key result's version you read."]

    def lock(self) -> object:
        return objective_of(self.id)
