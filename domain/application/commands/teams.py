"""Commands about teams: the organisation's tree and how each team works."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.tree import TeamTree


@dataclass(frozen=True, kw_only=True)
class CreateTeam(Command):
    """Create a team, optionally below another one."""

    input_doc: ClassVar[str] = "A new team, at the top or below another team."
    argument_doc: ClassVar[str] = "The team to create."

    name: Annotated[str, "The team's name, 1–200 characters."]
    parent_id: Annotated[Id | None, "The team it belongs to; null for a top-level team."] = None
    stake_unit: Annotated[str | None, "What bets stake; person-days by default."] = None

    def lock(self) -> object:
        return TeamTree.id_for()


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


# -- the tree's shape: rename, move, archive (each also records the team's place in the
# TeamTree stream, so concurrent changes of the tree queue behind one lock) ------------


@dataclass(frozen=True, kw_only=True)
class RenameTeam(Command):
    """Rename a team (admins, and the team's leads). Names are unique ignoring case and
    surrounding space."""

    input_doc: ClassVar[str] = "A team's new name."
    argument_doc: ClassVar[str] = "The team and its new name."

    id: Annotated[Id, "The team."]
    name: Annotated[str, "The new name, 1–200 characters, unique ignoring case."]
    expected_version: Annotated[int | None, "The team's version you read; left out, no check."] = (
        None
    )

    def lock(self) -> object:
        return TeamTree.id_for()


@dataclass(frozen=True, kw_only=True)
class MoveTeam(Command):
    """Move a team (with the teams below it) under another team, or to the top (admins).
    A team cannot move under itself or a team below it."""

    input_doc: ClassVar[str] = "Where a team moves in the tree."
    argument_doc: ClassVar[str] = "The team and its new parent."

    id: Annotated[Id, "The team to move."]
    parent_id: Annotated[Id | None, "The team it moves under; null: to the top level."] = None
    expected_version: Annotated[int | None, "The team's version you read; left out, no check."] = (
        None
    )

    def lock(self) -> object:
        return TeamTree.id_for()


@dataclass(frozen=True, kw_only=True)
class ArchiveTeam(Command):
    """Archive a team (admins): it takes no new objectives and is left out of `teams`
    unless asked for. Refused while it has objectives in an open cycle or active teams
    below it."""

    input_doc: ClassVar[str] = "The team to archive."
    argument_doc: ClassVar[str] = "The team to archive."

    id: Annotated[Id, "The team to archive."]
    expected_version: Annotated[int | None, "The team's version you read; left out, no check."] = (
        None
    )

    def lock(self) -> object:
        return TeamTree.id_for()
