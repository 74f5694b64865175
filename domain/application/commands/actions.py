"""Commands about actions: ideas on a key result, their order, and collaboration offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.action import ActionSize
from domain.model.edits import KEEP
from domain.model.objective import objective_of


@dataclass(frozen=True, kw_only=True)
class ProposeAction(Command):
    """Add an idea to a key result's backlog: no stake, no commitment."""

    input_doc: ClassVar[str] = (
        "An idea that needs researching and (in)validating before anyone bets on it."
    )
    argument_doc: ClassVar[str] = "The idea to propose."

    key_result_id: Annotated[Id, "The key result it may move (of an open cycle)."]
    title: Annotated[str, "What the team might do, 1–200 characters."]
    hypothesis: Annotated[
        str | None, "We believe … will move … because …; why it may move the key result."
    ] = None
    description: Annotated[str | None, "More about it."] = None
    size: Annotated[ActionSize | None, "The team's rough estimate, XS to XL."] = None
    key: Annotated[bool, "Whether it is a key action, called out as important."] = False
    stake: Annotated[float | None, "Estimate: what a bet on it would stake (> 0)."] = None
    odds: Annotated[float | None, "Estimate: the probability it would succeed, in (0, 1]."] = None
    expected_impact: Annotated[
        float | None, "Estimate: the change in the key result's value if it succeeds."
    ] = None

    def lock(self) -> object:
        return objective_of(self.key_result_id)


@dataclass(frozen=True, kw_only=True)
class UpdateAction(Command):
    """Edit an action's title, hypothesis, description, size or key flag."""

    input_doc: ClassVar[str] = "Fields left out keep their value."
    argument_doc: ClassVar[str] = "The action and the fields to change."

    id: Annotated[Id, "The action to edit (an idea or a bet)."]
    expected_version: Annotated[int | None, "Its version you read; left out, no check."] = None
    title: Annotated[str, "A new title, 1–200 characters."] = KEEP
    hypothesis: Annotated[str | None, "A new hypothesis; null clears it."] = KEEP
    description: Annotated[str | None, "A new description; null clears it."] = KEEP
    size: Annotated[ActionSize | None, "A new estimate; null clears it."] = KEEP
    key: Annotated[bool, "Whether it is a key action."] = KEEP
    stake: Annotated[float | None, "Estimate: what a bet would stake; null clears it."] = KEEP
    odds: Annotated[float | None, "Estimate: the odds, in (0, 1]; null clears them."] = KEEP
    expected_impact: Annotated[float | None, "Estimate: the impact; null clears it."] = KEEP

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class DropAction(Command):
    """Let an idea go, saying why; it stays in history and in the retrospective's funnel."""

    input_doc: ClassVar[str] = "An idea the team will not pursue, and why."
    argument_doc: ClassVar[str] = "The idea and the reason."

    id: Annotated[Id, "The idea to drop (an action still an idea)."]
    reason: Annotated[str, "Why the team lets it go."]
    expected_version: Annotated[int | None, "Its version you read; left out, no check."] = None

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class RankActions(Command):
    """Set the order of a key result's actions: the first is the team's first choice."""

    input_doc: ClassVar[str] = "A key result's actions in the order the team prefers them."
    argument_doc: ClassVar[str] = "The key result and its actions in order."

    key_result_id: Annotated[Id, "The key result whose actions these are."]
    action_ids: Annotated[
        list[Id], "Its actions, first choice first (each once; those left out keep their rank)."
    ]

    def lock(self) -> object:
        return objective_of(self.key_result_id)


@dataclass(frozen=True, kw_only=True)
class OfferCollaboration(Command):
    """Offer another team's action your team's help (a member of the offering team)."""

    input_doc: ClassVar[str] = "An offer to collaborate on another team's action."
    argument_doc: ClassVar[str] = "The action, the offering team and a note."

    action_id: Annotated[Id, "The action to help with (another team's)."]
    team_id: Annotated[Id, "The team that offers (yours)."]
    note: Annotated[str | None, "What the team offers."] = None
    person_id: Annotated[
        Id | None, "A person of that team who would collaborate (active); left out, the team."
    ] = None

    def lock(self) -> object:
        return self.action_id


@dataclass(frozen=True, kw_only=True)
class AcceptCollaboration(Command):
    """Accept a team's offer on one of your team's actions."""

    input_doc: ClassVar[str] = "The owning team's answer to an offer."
    argument_doc: ClassVar[str] = "The action and the team whose offer it accepts."

    action_id: Annotated[Id, "The action (your team's)."]
    team_id: Annotated[Id, "The team whose offer is accepted."]

    def lock(self) -> object:
        return self.action_id


@dataclass(frozen=True, kw_only=True)
class DeclineCollaboration(Command):
    """Decline a team's offer on one of your team's actions."""

    input_doc: ClassVar[str] = "The owning team's answer to an offer."
    argument_doc: ClassVar[str] = "The action and the team whose offer it declines."

    action_id: Annotated[Id, "The action (your team's)."]
    team_id: Annotated[Id, "The team whose offer is declined."]

    def lock(self) -> object:
        return self.action_id
