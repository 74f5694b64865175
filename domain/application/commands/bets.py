"""Commands about bets: placing one on a key result, resolving it, and budgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.bet import BetOutcome
from domain.model.objective import objective_of
from domain.model.portfolio import Portfolio


@dataclass(frozen=True, kw_only=True)
class PlaceBet(Command):
    """Place a bet on a key result; refused past the team's stake budget."""

    input_doc: ClassVar[str] = (
        "A new bet on a key result: what it stakes, its odds and the impact it expects."
    )
    argument_doc: ClassVar[str] = "The bet to place."

    key_result_id: Annotated[Id, "The key result it bets on (of an open cycle)."]
    title: Annotated[str, "What the team will do, 1–200 characters."]
    stake: Annotated[float, "What the team invests, in its stake unit; > 0, within its budget."]
    odds: Annotated[float, "The probability it succeeds, in (0, 1]."]
    expected_impact: Annotated[float, "The change in the key result's value if it succeeds."]
    hypothesis: Annotated[
        str | None, "Why the team expects it to move the key result; left out, the idea's."
    ] = None
    owner_id: Annotated[
        Id | None, "The person who owns it (active); left out: you, when you are a person."
    ] = None
    contributor_ids: Annotated[list[Id] | None, "People who contribute to it (active)."] = None
    action_id: Annotated[
        Id | None,
        "The idea it bets on (an action of that key result, still an idea); left out, "
        "the bet's action is made with it.",
    ] = None

    def lock(self) -> object:
        return objective_of(self.key_result_id)


@dataclass(frozen=True, kw_only=True)
class ResolveBet(Command):
    """Record how a bet ended and what the team learned."""

    input_doc: ClassVar[str] = "How a placed bet ended."
    argument_doc: ClassVar[str] = "The bet and how it ended."

    id: Annotated[Id, "The bet to resolve."]
    outcome: Annotated[BetOutcome, "Validated, invalidated or withdrawn."]
    actual_impact: Annotated[float | None, "The change in the key result's value it made."] = None
    learning: Annotated[str | None, "What the team learned."] = None
    expected_version: Annotated[int | None, "The bet's version you read; left out, no check."] = (
        None
    )

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class SetStakeBudget(Command):
    """Set (or, with null, remove) a team's stake budget."""

    input_doc: ClassVar[str] = "The most a team may stake on its bets in a cycle."
    argument_doc: ClassVar[str] = "The team, the cycle and the budget."

    team_id: Annotated[Id, "The team."]
    cycle_id: Annotated[Id, "The cycle the budget is for."]
    budget: Annotated[float | None, "null removes the budget."]

    def lock(self) -> object:
        return Portfolio.id_for(self.team_id, self.cycle_id)
