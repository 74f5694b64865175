"""Handlers of the team commands."""

from __future__ import annotations

from domain.application.commands import (
    ArchiveTeam,
    CreateTeam,
    MoveTeam,
    RenameTeam,
    Saved,
    SetCheckInCadence,
)
from domain.application.handlers.cycles import calendar
from domain.application.log import logged
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.cycle import Cycle
from domain.model.errors import InvalidInput
from domain.model.roles import MemberRole
from domain.model.team import Team
from domain.model.tree import TeamTree

STAKE_UNIT_DEFAULT = "person-days"


def create_team(command: CreateTeam, uow: UnitOfWork) -> Saved:
    uow.require_admin("create teams")
    parent = (
        uow.load(Team, command.parent_id, "parent_id", missing=InvalidInput)
        if command.parent_id
        else None
    )
    if parent is not None:
        parent.check_active("parent_id")
    name = rules.title(command.name, "name")
    tree = team_tree(uow)
    tree.check_name(name, "name")
    team = Team.create(
        uow.stamp,
        name=name,
        parent_id=parent.id if parent else None,
        stake_unit=rules.text(command.stake_unit, "stake_unit", 50) or STAKE_UNIT_DEFAULT,
    )
    tree.place(uow.stamp, team.id, team.name, team.parent_id, archived=False)
    return uow.commit(team.id, team, tree)


def set_check_in_cadence(command: SetCheckInCadence, uow: UnitOfWork) -> Saved:
    """How many days a team lets pass between check-ins; None: the default."""
    team = uow.changing(Team, command.team_id, "team_id")
    team.set_check_in_cadence(uow.stamp, **command.arguments("team_id"))
    return uow.commit(team.id, team)


def team_tree(uow: UnitOfWork) -> TeamTree:
    """The organisation's team tree; opened, the first time, with every team the log
    holds (a store from before the tree: only creations, for nothing else existed)."""
    tree = uow.find(TeamTree, TeamTree.id_for())
    if tree is None:
        tree = TeamTree.open(
            uow.stamp,
            {
                str(event.originator_id): {
                    "name": event.name,
                    "parent_id": event.parent_id,
                    "archived": False,
                }
                for event in logged(uow.app, Team.TeamCreated)
            },
        )
    return tree


def rename_team(command: RenameTeam, uow: UnitOfWork) -> Saved:
    """Admins rename any team, a lead their team (and those below it)."""
    team = uow.changing(Team, command.id, "id", allowed={MemberRole.LEAD})
    name = rules.title(command.name, "name")
    tree = team_tree(uow)
    tree.check_name(name, "name", str(team.id))
    team.rename(uow.stamp, expected_version=command.expected_version, name=name)
    tree.place(uow.stamp, team.id, team.name, team.parent_id, team.archived)
    return uow.commit(team.id, team, tree)


def move_team(command: MoveTeam, uow: UnitOfWork) -> Saved:
    """Checked against the tree, whose stream every move records in: two moves that
    would close a loop together collide, and the retry of the second sees the first."""
    uow.require_admin("move teams")
    team = uow.load(Team, command.id, "id")
    parent_id: str | None = None
    if command.parent_id:
        parent = uow.load(Team, command.parent_id, "parent_id", missing=InvalidInput)
        parent.check_active("parent_id")
        parent_id = str(parent.id)
    tree = team_tree(uow)
    tree.check_parent(str(team.id), parent_id, "parent_id")
    team.move(uow.stamp, expected_version=command.expected_version, parent_id=parent_id)
    tree.place(uow.stamp, team.id, team.name, team.parent_id, team.archived)
    return uow.commit(team.id, team, tree)


def archive_team(command: ArchiveTeam, uow: UnitOfWork) -> Saved:
    uow.require_admin("archive teams")
    team = uow.load(Team, command.id, "id")
    team.check_revision(command.expected_version)
    tree = team_tree(uow)
    below = [t for t in tree.children_of(str(team.id)) if not tree.teams[t]["archived"]]
    if below:
        names = ", ".join(sorted(tree.teams[t]["name"] for t in below))
        raise InvalidInput("id", f"teams below it are active: {names}")
    cycles = open_cycles(uow)
    for cycle in cycles:
        if str(team.id) in cycle.team_ids:
            raise InvalidInput("id", f"the team has objectives in the open cycle {cycle.name}")
    team.archive(uow.stamp, expected_version=command.expected_version)
    tree.place(uow.stamp, team.id, team.name, team.parent_id, archived=True)
    # Each open cycle records it: an objective scheduled for the team at the same moment
    # collides on the cycle's stream, and whichever retries sees the other.
    for cycle in cycles:
        cycle.withdraw(uow.stamp, team.id)
    return uow.commit(team.id, team, tree, *cycles)


def open_cycles(uow: UnitOfWork) -> list[Cycle]:
    found = [uow.find(Cycle, cycle_id) for cycle_id in calendar(uow).live()]
    return [cycle for cycle in found if cycle is not None and cycle.is_open]
