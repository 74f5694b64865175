"""Commands about teams: the organisation's tree and how each team works."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id


@dataclass(frozen=True, kw_only=True)
class CreateTeam(Command):
    """Create a team, optionally below another one."""

    input_doc: ClassVar[str] = "A new team, at the top or below another team."
    argument_doc: ClassVar[str] = "The team to create."

    name: Annotated[str, "The team's name, 1–200 characters."]
    parent_id: Annotated[Id | None, "The team it belongs to; null for a top-level team."] = None
    stake_unit: Annotated[str | None, "What bets stake; person-days by default."] = None


@dataclass(frozen=True, kw_only=True)
class SetCheckInCadence(Command):
    """Set how many days a team lets pass between check-ins before its key results count as stale
    (null: the default)."""

    input_doc: ClassVar[str] = "How often a team means to check in."
    argument_doc: ClassVar[str] = "The team and its cadence."

    team_id: Annotated[Id, "The team."]
    days: Annotated[int | None, "Days between check-ins (1–366); null: the default."] = None
    expected_version: Annotated[int | None, "The team's version you read; left out, no check."] = (
        None
    )

    def lock(self) -> object:
        return self.team_id
