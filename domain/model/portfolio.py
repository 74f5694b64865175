"""Portfolios: a team's stakes in one cycle, and the budget they must stay within.

The budget rule spans every bet of a team in a cycle, so the stakes are kept in one
aggregate per (team, cycle) whose id is derived from the pair. Placing a bet appends
to it in the same save as the bet itself: two concurrent bets that together would
break the budget collide on this stream, and the retry sees the first one's stake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import BudgetExceeded, InvalidInput

PORTFOLIO_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/portfolio")


class Portfolio(OkraAggregate):
    entity = "Portfolio"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        team_id: str
        cycle_id: str
        budget: float | None
        stakes: dict[str, float]
        closed: bool

    @staticmethod
    def id_for(team_id: UUID | str, cycle_id: UUID | str) -> UUID:
        return uuid5(PORTFOLIO_NAMESPACE, f"{team_id}/{cycle_id}")

    class PortfolioOpened(OkraAggregate.Created):
        team_id: str
        cycle_id: str

        def apply(self, portfolio: Portfolio) -> None:
            super().apply(portfolio)
            portfolio.budget = None
            portfolio.stakes = {}
            portfolio.closed = False

    class StakeBudgetSet(OkraAggregate.Event):
        budget: float | None
        previous: float | None

        def apply(self, portfolio: Portfolio) -> None:
            portfolio.budget = self.budget

    class StakeCommitted(OkraAggregate.Event):
        bet_id: str
        stake: float

        def apply(self, portfolio: Portfolio) -> None:
            portfolio.stakes[self.bet_id] = self.stake

    class StakeReleased(OkraAggregate.Event):
        bet_id: str
        stake: float

        def apply(self, portfolio: Portfolio) -> None:
            portfolio.stakes.pop(self.bet_id, None)

    class PortfolioClosed(OkraAggregate.Event):
        def apply(self, portfolio: Portfolio) -> None:
            portfolio.closed = True

    @classmethod
    def open(cls, stamp: Stamp, *, team_id: UUID | str, cycle_id: UUID | str) -> Portfolio:
        return cls._create(
            cls.PortfolioOpened,
            id=cls.id_for(team_id, cycle_id),
            actor=stamp.actor,
            timestamp=stamp.at,
            team_id=str(team_id),
            cycle_id=str(cycle_id),
        )

    @property
    def staked(self) -> float:
        return sum(self.stakes.values())

    def set_budget(self, stamp: Stamp, budget: float | None, unit: str) -> None:
        if budget is not None and budget < self.staked:
            raise BudgetExceeded(
                f"a budget of {budget:g} {unit} is below the {self.staked:g} {unit} "
                "already staked: withdraw bets first"
            )
        if budget is not None:
            budget = float(budget)
        if budget != self.budget:
            self.record(self.StakeBudgetSet, stamp, budget=budget, previous=self.budget)

    def commit(self, stamp: Stamp, bet_id: UUID, stake: float, unit: str) -> None:
        if self.budget is not None and self.staked + stake > self.budget + 1e-9:
            raise BudgetExceeded(
                f"a stake of {stake:g} {unit} would take the team's stakes to "
                f"{self.staked + stake:g} {unit}, past its budget of {self.budget:g} "
                f"{unit}: only bet what you can afford to lose"
            )
        self.record(self.StakeCommitted, stamp, bet_id=str(bet_id), stake=stake)

    def release(self, stamp: Stamp, bet_id: UUID) -> None:
        if str(bet_id) not in self.stakes:
            raise InvalidInput("id", "the bet has no stake in this portfolio")
        self.record(self.StakeReleased, stamp, bet_id=str(bet_id), stake=self.stakes[str(bet_id)])

    def close(self, stamp: Stamp) -> None:
        if not self.closed:
            self.record(self.PortfolioClosed, stamp)
