"""Commands about who owns an objective, a key result or a bet, and who contributes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.objective import objective_of


def stream_of(entity_id: str) -> object:
    """The stream an owned entity lives in: a key result's is its objective's."""
    return objective_of(entity_id) or entity_id


@dataclass(frozen=True, kw_only=True)
class AssignOwner(Command):
    """Hand an objective, a key result or a bet to another owner (an active person).
    Answers the entity."""

    input_doc: ClassVar[str] = "The entity, its new owner and why."
    argument_doc: ClassVar[str] = "The entity and its new owner."

    entity_id: Annotated[Id, "The objective, key result or bet (of an open cycle)."]
    owner_id: Annotated[Id, "The person who owns it from now on; active."]
    reason: Annotated[str | None, "Why it changes hands; kept in the history."] = None

    def lock(self) -> object:
        return stream_of(self.entity_id)


@dataclass(frozen=True, kw_only=True)
class SetContributors(Command):
    """Set who contributes to an objective, a key result or a bet (replaces the list).
    Answers the entity."""

    input_doc: ClassVar[str] = "The entity and everyone who contributes to it."
    argument_doc: ClassVar[str] = "The entity and its contributors."

    entity_id: Annotated[Id, "The objective, key result or bet (of an open cycle)."]
    person_ids: Annotated[list[Id], "The contributors, active people; [] clears the list."]

    def lock(self) -> object:
        return stream_of(self.entity_id)
