"""The Portfolio type: a team's bets in a cycle and its stake budget."""

from __future__ import annotations

import strawberry

from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.enums import BetStatus
from gateway.schema.errors import not_found
from gateway.schema.types.bet import Bet
from gateway.schema.types.lazy import LazyCycle, LazyTeam
from projections.documents import Doc
from projections.numbers import finite, total
from projections.views import BETS, PORTFOLIOS


@strawberry.type(description="A team's bets in a cycle and the stake budget they must fit.")
class Portfolio:
    team_id: strawberry.ID = strawberry.field(description="The team whose bets these are.")
    cycle_id: strawberry.ID = strawberry.field(description="The cycle of those bets.")
    budget: float | None = strawberry.field(description="Null when the team set no budget.")
    staked: float = strawberry.field(description="Stakes of the bets not withdrawn.")
    available: float | None = strawberry.field(description="budget − staked.")
    version: int = strawberry.field(
        description="Increases when the portfolio changes; 0 before its first bet or budget."
    )
    bet_docs: strawberry.Private[list[Doc]]

    @strawberry.field(description="The team whose bets these are.")
    async def team(self, info: Info) -> LazyTeam:
        team = await loading.team(info, self.team_id)
        assert team is not None
        return team

    @strawberry.field(description="The cycle of those bets.")
    async def cycle(self, info: Info) -> LazyCycle:
        cycle = await loading.cycle(info, self.cycle_id)
        assert cycle is not None
        return cycle

    @strawberry.field(description="The bets of the team in the cycle, in placing order.")
    def bets(self) -> list[Bet]:
        return [Bet.from_doc(d) for d in self.bet_docs]

    @strawberry.field(description="Sum of the expected value of the bets still placed.")
    def expected_value(self) -> float:
        return total(
            float(d["expected_value"]) for d in self.bet_docs if d["status"] == BetStatus.PLACED
        )

    @strawberry.field(description="Sum of the actual impact of the resolved bets.")
    def realised_impact(self) -> float:
        return total(d["actual_impact"] or 0.0 for d in self.bet_docs)

    @strawberry.field(description="The team's stake unit, e.g. person-days.")
    async def stake_unit(self, info: Info) -> str:
        team = await loading.team(info, self.team_id)
        return team.stake_unit if team else ""

    @classmethod
    async def load(cls, info: Info, team_id: str, cycle_id: str) -> Portfolio:
        loaders = info.context.loaders
        if await loaders.team.load(team_id) is None:
            raise not_found("Team", team_id, "teamId")
        if await loaders.cycle.load(cycle_id) is None:
            raise not_found("Cycle", cycle_id, "cycleId")
        store = info.context.backend.store
        docs = await store.find(PORTFOLIOS, {"team_id": team_id, "cycle_id": cycle_id})
        doc = docs[0] if docs else None
        bets = await store.find(BETS, {"team_id": team_id, "cycle_id": cycle_id})
        budget = doc["budget"] if doc else None
        staked = finite(doc["staked"]) if doc else 0.0
        return cls(
            team_id=strawberry.ID(team_id),
            cycle_id=strawberry.ID(cycle_id),
            budget=budget,
            staked=staked,
            available=None if budget is None else finite(budget - staked),
            version=doc["version"] if doc else 0,
            bet_docs=bets,
        )
