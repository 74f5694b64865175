"""Handlers of the team commands."""

from __future__ import annotations

from domain.application.commands import CreateTeam, Saved, SetCheckInCadence
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.errors import InvalidInput
from domain.model.team import Team

STAKE_UNIT_DEFAULT = "person-days"


def create_team(command: CreateTeam, uow: UnitOfWork) -> Saved:
    uow.require_admin("create teams")
    parent = (
        uow.load(Team, command.parent_id, "parent_id", missing=InvalidInput)
        if command.parent_id
        else None
    )
    team = Team.create(
        uow.stamp,
        name=rules.title(command.name, "name"),
        parent_id=parent.id if parent else None,
        stake_unit=rules.text(command.stake_unit, "stake_unit", 50) or STAKE_UNIT_DEFAULT,
    )
    return uow.commit(team.id, team)


def set_check_in_cadence(command: SetCheckInCadence, uow: UnitOfWork) -> Saved:
    """How many days a team lets pass between check-ins; None: the default."""
    team = uow.changing(Team, command.team_id, "team_id")
    team.set_check_in_cadence(uow.stamp, **command.arguments("team_id"))
    return uow.commit(team.id, team)
