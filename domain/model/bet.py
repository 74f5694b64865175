"""Bets: actions treated as bets on a key result, never as commitments.

A bet states a hypothesis, what the team stakes on it and the odds it gives, and
later records what really happened and what the team learned. Its stake is
committed to the team's portfolio in the same save (see :mod:`domain.portfolio`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import uuid4

from domain.model import rules
from domain.model.action import action_of_bet, figures
from domain.model.base import OkraAggregate, Stamp, without_owners
from domain.model.errors import InvalidInput


class BetOutcome(StrEnum):
    """How a placed bet ended."""

    VALIDATED = "VALIDATED"
    INVALIDATED = "INVALIDATED"
    WITHDRAWN = "WITHDRAWN"


class BetStatus(StrEnum):
    """Where a bet stands: placed, or one of the outcomes (an outcome is a status)."""

    PLACED = "PLACED"
    VALIDATED = BetOutcome.VALIDATED.value
    INVALIDATED = BetOutcome.INVALIDATED.value
    WITHDRAWN = BetOutcome.WITHDRAWN.value


class Bet(OkraAggregate):
    entity = "Bet"
    # Version 2: bets have an owner and contributors.
    class_version = 2
    upcast_v1_v2 = staticmethod(without_owners)

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        key_result_id: str
        objective_id: str
        team_id: str
        cycle_id: str
        title: str
        hypothesis: str
        stake: float
        odds: float
        expected_impact: float
        status: BetStatus
        actual_impact: float | None
        learning: str
        owner_id: str | None  # a person; None for bets from before people
        contributor_ids: list[str]
        action_id: str  # derived (see domain.model.action) for bets from before actions

    class BetPlaced(OkraAggregate.Created):
        key_result_id: str
        objective_id: str
        team_id: str
        cycle_id: str
        title: str
        hypothesis: str
        stake: float
        odds: float
        expected_impact: float
        owner_id: str | None
        contributor_ids: list[str]
        action_id: str
        # Version 2 names an owner and contributors; version 1 predates people.
        # Version 3 names the bet's action; before, the action derives from the bet.
        class_version = 3
        upcast_v1_v2 = staticmethod(without_owners)

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state.setdefault("action_id", action_of_bet(state["originator_id"]))

        def apply(self, bet: Bet) -> None:
            super().apply(bet)
            bet.status = BetStatus.PLACED
            bet.actual_impact = None
            bet.learning = ""

    class BetResolved(OkraAggregate.Event):
        """Base of the three outcomes; the class name is the outcome."""

        outcome: ClassVar[BetOutcome]
        actual_impact: float | None
        learning: str

        def apply(self, bet: Bet) -> None:
            bet.status = BetStatus(self.outcome)
            bet.actual_impact = self.actual_impact
            bet.learning = self.learning

    class BetOwnerAssigned(OkraAggregate.Event):
        """The bet has another owner (``changes``: owner_id -> [from, to])."""

        changes: dict[str, list[Any]]
        reason: str

        def apply(self, bet: Bet) -> None:
            bet.owner_id = self.changes["owner_id"][1]

    class BetContributorsSet(OkraAggregate.Event):
        """The bet's contributors (``changes``: contributor_ids -> [from, to])."""

        changes: dict[str, list[Any]]

        def apply(self, bet: Bet) -> None:
            bet.contributor_ids = list(self.changes["contributor_ids"][1])

    class BetValidated(BetResolved):
        outcome = BetOutcome.VALIDATED

    class BetInvalidated(BetResolved):
        outcome = BetOutcome.INVALIDATED

    class BetWithdrawn(BetResolved):
        outcome = BetOutcome.WITHDRAWN

    @classmethod
    def place(
        cls,
        stamp: Stamp,
        *,
        key_result_id: str,
        objective_id: str,
        team_id: str,
        cycle_id: str,
        title: str,
        hypothesis: str | None,
        stake: float,
        odds: float,
        expected_impact: float,
        owner_id: str | None = None,
        contributor_ids: list[str] | None = None,
        action_id: str | None = None,
    ) -> Bet:
        """A new bet (its owner and contributors checked by the caller) on its action
        (``action_id``; left out, the action derived from the bet)."""
        bet_id = uuid4()
        return cls._create(
            cls.BetPlaced,
            id=bet_id,
            actor=stamp.actor,
            timestamp=stamp.at,
            key_result_id=key_result_id,
            objective_id=objective_id,
            team_id=team_id,
            cycle_id=cycle_id,
            title=rules.title(title),
            hypothesis=rules.text(hypothesis, "hypothesis"),
            **figures(stake=stake, odds=odds, expected_impact=expected_impact),
            owner_id=owner_id,
            contributor_ids=list(contributor_ids or []),
            action_id=action_id or action_of_bet(bet_id),
        )

    @property
    def expected_value(self) -> float:
        """odds × expected impact, to 9 decimal places (no float noise: 0.3 × 1.2 is 0.36)."""
        return round(self.odds * self.expected_impact, 9)

    def assign_owner(self, stamp: Stamp, *, owner_id: str, reason: str | None) -> None:
        self.record_owner(stamp, self.BetOwnerAssigned, self, owner_id, reason)

    def set_contributors(self, stamp: Stamp, *, contributor_ids: list[str]) -> None:
        self.record_edit(stamp, self.BetContributorsSet, contributor_ids=contributor_ids)

    def resolve(
        self,
        stamp: Stamp,
        *,
        expected_version: int | None,
        outcome: str,
        actual_impact: float | None,
        learning: str | None,
    ) -> None:
        self.check_revision(expected_version)
        if self.status != BetStatus.PLACED:
            raise InvalidInput("outcome", f"the bet is already {self.status}")
        event_class = {
            BetOutcome.VALIDATED: self.BetValidated,
            BetOutcome.INVALIDATED: self.BetInvalidated,
            BetOutcome.WITHDRAWN: self.BetWithdrawn,
        }[rules.choice(outcome, BetOutcome, "outcome")]
        self.record(
            event_class,
            stamp,
            actual_impact=(
                None if actual_impact is None else rules.finite(actual_impact, "actual_impact")
            ),
            learning=rules.text(learning, "learning"),
        )
