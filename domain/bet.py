"""Bets: actions treated as bets on a key result, never as commitments.

A bet states a hypothesis, what the team stakes on it and the odds it gives, and
later records what really happened and what the team learned. Its stake is
committed to the team's portfolio in the same save (see :mod:`domain.portfolio`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import uuid4

from domain import rules
from domain.base import OkraAggregate, Stamp
from domain.errors import InvalidInput

OUTCOMES = ("VALIDATED", "INVALIDATED", "WITHDRAWN")


class Bet(OkraAggregate):
    entity = "Bet"

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
        status: str
        actual_impact: float | None
        learning: str

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

        def apply(self, bet: Bet) -> None:
            bet.key_result_id = self.key_result_id
            bet.objective_id = self.objective_id
            bet.team_id = self.team_id
            bet.cycle_id = self.cycle_id
            bet.title = self.title
            bet.hypothesis = self.hypothesis
            bet.stake = self.stake
            bet.odds = self.odds
            bet.expected_impact = self.expected_impact
            bet.status = "PLACED"
            bet.actual_impact = None
            bet.learning = ""

    class BetResolved(OkraAggregate.Event):
        """Base of the three outcomes; the class name is the outcome."""

        outcome = "PLACED"
        actual_impact: float | None
        learning: str

        def apply(self, bet: Bet) -> None:
            bet.status = self.outcome
            bet.actual_impact = self.actual_impact
            bet.learning = self.learning

    class BetValidated(BetResolved):
        outcome = "VALIDATED"

    class BetInvalidated(BetResolved):
        outcome = "INVALIDATED"

    class BetWithdrawn(BetResolved):
        outcome = "WITHDRAWN"

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
    ) -> Bet:
        return cls._create(
            cls.BetPlaced,
            id=uuid4(),
            actor=stamp.actor,
            timestamp=stamp.at,
            key_result_id=key_result_id,
            objective_id=objective_id,
            team_id=team_id,
            cycle_id=cycle_id,
            title=rules.title(title),
            hypothesis=rules.text(hypothesis, "hypothesis"),
            stake=rules.positive(stake, "stake"),
            odds=rules.odds(odds),
            expected_impact=rules.finite(expected_impact, "expected_impact"),
        )

    @property
    def expected_value(self) -> float:
        return self.odds * self.expected_impact

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
        if self.status != "PLACED":
            raise InvalidInput("outcome", f"the bet is already {self.status}")
        event_class = {
            "VALIDATED": self.BetValidated,
            "INVALIDATED": self.BetInvalidated,
            "WITHDRAWN": self.BetWithdrawn,
        }.get(outcome)
        if event_class is None:
            raise InvalidInput("outcome", f"must be one of {', '.join(OUTCOMES)}")
        self.record(
            event_class,
            stamp,
            actual_impact=(
                None if actual_impact is None else rules.finite(actual_impact, "actual_impact")
            ),
            learning=rules.text(learning, "learning"),
        )
