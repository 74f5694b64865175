"""Every command OKRA accepts, one small dataclass each (see ``base``)."""

from domain.application.commands.base import Command, EntityId, Id, Saved
from domain.application.commands.bets import PlaceBet, ResolveBet, SetStakeBudget
from domain.application.commands.cycles import CloseCycle, OpenCycle
from domain.application.commands.data_sources import (
    ConnectDataSource,
    DisconnectDataSource,
    RecordReading,
    RunDataSource,
    UpdateDataSource,
)
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
from domain.application.commands.owners import AssignOwner, SetContributors
from domain.application.commands.people import (
    AddMember,
    AddPerson,
    ChangeMemberRole,
    DeactivatePerson,
    ImportPeople,
    ReactivatePerson,
    RemoveMember,
    UpdatePerson,
)
from domain.application.commands.strategy import DefineStrategyMap
from domain.application.commands.teams import CreateTeam, SetCheckInCadence
from domain.application.commands.tokens import IssueToken, RevokeToken

__all__ = [
    "AddKeyResult",
    "AddMember",
    "AddPerson",
    "AlignObjective",
    "AssignOwner",
    "CarryOverObjective",
    "ChangeMemberRole",
    "CloseCycle",
    "Command",
    "ConnectDataSource",
    "CreateObjective",
    "CreateTeam",
    "DeactivatePerson",
    "DefineStrategyMap",
    "DisconnectDataSource",
    "EntityId",
    "Id",
    "ImportPeople",
    "IssueToken",
    "OpenCycle",
    "PlaceBet",
    "ReactivatePerson",
    "RecordCheckIn",
    "RecordReading",
    "RegradeKeyResult",
    "RemoveMember",
    "ResolveBet",
    "RevokeToken",
    "RunDataSource",
    "Saved",
    "SetCheckInCadence",
    "SetContributors",
    "SetStakeBudget",
    "TagObjective",
    "UpdateDataSource",
    "UpdateKeyResult",
    "UpdateObjective",
    "UpdatePerson",
]
