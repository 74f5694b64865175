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
from domain.application.commands.notices import SetDigestSchedule, SetNotificationPreferences
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
    "CreateObjective",
    "CreateTeam",
    "DeactivatePerson",
    "DefineStrategyMap",
    "EntityId",
    "Id",
    "ImportPeople",
    "IssueToken",
    "OpenCycle",
    "PlaceBet",
    "ReactivatePerson",
    "RecordCheckIn",
    "RegradeKeyResult",
    "RemoveMember",
    "ResolveBet",
    "RevokeToken",
    "Saved",
    "SetCheckInCadence",
    "SetContributors",
    "SetDigestSchedule",
    "SetNotificationPreferences",
    "SetStakeBudget",
    "TagObjective",
    "UpdateKeyResult",
    "UpdateObjective",
    "UpdatePerson",
]
