"""Every command OKRA accepts, one small dataclass each (see ``base``)."""

from domain.application.commands.actions import (
    AcceptCollaboration,
    DeclineCollaboration,
    DropAction,
    OfferCollaboration,
    ProposeAction,
    RankActions,
    UpdateAction,
)
from domain.application.commands.base import Command, EntityId, Id, Saved
from domain.application.commands.bets import PlaceBet, ResolveBet, SetStakeBudget
from domain.application.commands.corrections import (
    CorrectCheckIn,
    RemoveKeyResult,
    RetractCheckIn,
)
from domain.application.commands.cycles import CancelCycle, CloseCycle, OpenCycle, RenameCycle
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
from domain.application.commands.plans import ImportPlan
from domain.application.commands.strategy import DefineStrategyMap
from domain.application.commands.teams import (
    ArchiveTeam,
    CreateTeam,
    MoveTeam,
    RenameTeam,
    SetCheckInCadence,
)
from domain.application.commands.tokens import IssueToken, RevokeToken
from domain.application.commands.webhooks import (
    CreateWebhook,
    DisableWebhook,
    Redeliver,
    RotateWebhookSecret,
    UpdateWebhook,
)

__all__ = [
    "AcceptCollaboration",
    "AddKeyResult",
    "AddMember",
    "AddPerson",
    "AlignObjective",
    "ArchiveTeam",
    "AssignOwner",
    "CancelCycle",
    "CarryOverObjective",
    "ChangeMemberRole",
    "CloseCycle",
    "Command",
    "ConnectDataSource",
    "CorrectCheckIn",
    "CreateObjective",
    "CreateTeam",
    "CreateWebhook",
    "DeactivatePerson",
    "DeclineCollaboration",
    "DefineStrategyMap",
    "DisableWebhook",
    "DisconnectDataSource",
    "DropAction",
    "EntityId",
    "Id",
    "ImportPeople",
    "ImportPlan",
    "IssueToken",
    "MoveTeam",
    "OfferCollaboration",
    "OpenCycle",
    "PlaceBet",
    "ProposeAction",
    "RankActions",
    "ReactivatePerson",
    "RecordCheckIn",
    "RecordReading",
    "Redeliver",
    "RegradeKeyResult",
    "RemoveKeyResult",
    "RemoveMember",
    "RenameCycle",
    "RenameTeam",
    "ResolveBet",
    "RetractCheckIn",
    "RevokeToken",
    "RotateWebhookSecret",
    "RunDataSource",
    "Saved",
    "SetCheckInCadence",
    "SetContributors",
    "SetDigestSchedule",
    "SetNotificationPreferences",
    "SetStakeBudget",
    "TagObjective",
    "UpdateAction",
    "UpdateDataSource",
    "UpdateKeyResult",
    "UpdateObjective",
    "UpdatePerson",
    "UpdateWebhook",
]
