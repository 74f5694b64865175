"""Every command OKRA accepts, one small dataclass each (see ``base``)."""

from domain.application.commands.base import Command, EntityId, Id, Saved
from domain.application.commands.bets import PlaceBet, ResolveBet, SetStakeBudget
from domain.application.commands.cycles import CloseCycle, OpenCycle
from domain.application.commands.key_results import (
    AddKeyResult,
    RecordCheckIn,
    RegradeKeyResult,
    UpdateKeyResult,
)
from domain.application.commands.objectives import (
    AlignObjective,
    CarryOverObjective,
    CreateObjective,
    TagObjective,
    UpdateObjective,
)
from domain.application.commands.people import AddPerson
from domain.application.commands.strategy import DefineStrategyMap
from domain.application.commands.teams import CreateTeam, SetCheckInCadence
from domain.application.commands.tokens import IssueToken, RevokeToken

__all__ = [
    "AddKeyResult",
    "AddPerson",
    "AlignObjective",
    "CarryOverObjective",
    "CloseCycle",
    "Command",
    "CreateObjective",
    "CreateTeam",
    "DefineStrategyMap",
    "EntityId",
    "Id",
    "IssueToken",
    "OpenCycle",
    "PlaceBet",
    "RecordCheckIn",
    "RegradeKeyResult",
    "ResolveBet",
    "RevokeToken",
    "Saved",
    "SetCheckInCadence",
    "SetStakeBudget",
    "TagObjective",
    "UpdateKeyResult",
    "UpdateObjective",
]
