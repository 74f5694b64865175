"""The Portfolio type: a team's bets in a cycle and its stake budget (and
PortfolioAsOf, the same as recorded at a past moment)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from domain.model.portfolio import Portfolio as PortfolioAggregate
from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.enums import BetStatus
from gateway.schema.errors import not_found
from gateway.schema.types.action import SuggestedAction, suggested_order
from gateway.schema.types.as_of import AsOfFields, moment_key, read_moment_key
from gateway.schema.types.bet import Bet, BetAsOf
from gateway.schema.types.impact import PROGRESS_DOC, ImpactAmount, amounts
from gateway.schema.types.lazy import LazyCycle, LazyTeam
from gateway.schema.types.node import Node, derived_id
from projections import impact
from projections.documents import Doc
from projections.impact import rounded
from projections.numbers import finite, total
from projections.views import BETS, PORTFOLIOS

BETS_DOC = "The bets of the team in the cycle, in placing order."


@strawberry.type
class PortfolioFields:
    """What a portfolio shows, now or as of a moment."""

    team_id: strawberry.ID = strawberry.field(description="The team whose bets these are.")
    cycle_id: strawberry.ID = strawberry.field(description="The cycle of those bets.")
    budget: float | None = strawberry.field(description="Null when the team set no budget.")
    staked: float = strawberry.field(description="Stakes of the bets not withdrawn.")
    available: float | None = strawberry.field(description="budget − staked.")
    version: int = strawberry.field(
        description="Increases when the portfolio changes; 0 before its first bet or budget."
    )
    bet_docs: strawberry.Private[list[Doc]]

    @staticmethod
    def fields_of(team_id: str, cycle_id: str, doc: Doc | None, bets: list[Doc]) -> dict[str, Any]:
        budget = doc["budget"] if doc else None
        staked = rounded(finite(doc["staked"])) if doc else 0.0
        return dict(
            team_id=strawberry.ID(team_id),
            cycle_id=strawberry.ID(cycle_id),
            budget=budget,
            staked=staked,
            available=None if budget is None else rounded(finite(budget - staked)),
            version=doc["version"] if doc else 0,
            bet_docs=bets,
        )

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

    @strawberry.field(
        description="Sum of the expected value of the bets still placed, whatever their "
        "key results' units.",
        deprecation_reason="Adds impacts of different units: use expectedValueByUnit or "
        "expectedProgress.",
    )
    def expected_value(self) -> float:
        return rounded(
            total(
                float(d["expected_value"]) for d in self.bet_docs if d["status"] == BetStatus.PLACED
            )
        )

    @strawberry.field(
        description="Sum of the actual impact of the resolved bets, whatever their key "
        "results' units.",
        deprecation_reason="Adds impacts of different units: use realisedImpactByUnit or "
        "realisedProgress.",
    )
    def realised_impact(self) -> float:
        return rounded(total(d["actual_impact"] or 0.0 for d in self.bet_docs))

    @strawberry.field(
        description="The expected value (odds × expectedImpact) of the bets still placed, "
        "per unit of their key results."
    )
    async def expected_value_by_unit(self, info: Info) -> list[ImpactAmount]:
        return amounts(impact.expected(self.bet_docs, await self._measures(info)))

    @strawberry.field(description="The expected value of the bets still placed. " + PROGRESS_DOC)
    async def expected_progress(self, info: Info) -> float:
        return impact.expected(self.bet_docs, await self._measures(info)).progress

    @strawberry.field(description="The actual impact of the resolved bets, per unit.")
    async def realised_impact_by_unit(self, info: Info) -> list[ImpactAmount]:
        return amounts(impact.realised(self.bet_docs, await self._measures(info)))

    @strawberry.field(description="The actual impact of the resolved bets. " + PROGRESS_DOC)
    async def realised_progress(self, info: Info) -> float:
        return impact.realised(self.bet_docs, await self._measures(info)).progress

    async def _measures(self, info: Info) -> dict[str, impact.Measure]:
        """The units and spans of the key results the bets are on (as they are now)."""
        ids = sorted({d["objective_id"] for d in self.bet_docs})
        docs = await info.context.loaders.objective.load_many(ids)
        return impact.measures(d for d in docs if d is not None)

    @strawberry.field(description="The team's stake unit, e.g. person-days.")
    async def stake_unit(self, info: Info) -> str:
        team = await loading.team(info, self.team_id)
        return team.stake_unit if team else ""


def pair_key(team_id: str, cycle_id: str) -> str:
    return f"{team_id}/{cycle_id}"


async def team_and_cycle(info: Info, key: str, refuse: bool) -> tuple[str, str] | None:
    """The team and cycle a portfolio key names, if both exist; else None, or with
    ``refuse`` the NOT_FOUND error naming the argument."""
    team_id, _, cycle_id = key.partition("/")
    loaders = info.context.loaders
    if await loaders.team.load(team_id) is None:
        if refuse:
            raise not_found("Team", team_id, "teamId")
        return None
    if await loaders.cycle.load(cycle_id) is None:
        if refuse:
            raise not_found("Cycle", cycle_id, "cycleId")
        return None
    return team_id, cycle_id


@strawberry.type(description="A team's bets in a cycle and the stake budget they must fit.")
class Portfolio(Node, PortfolioFields):
    derived = True
    id: strawberry.ID = strawberry.field(
        description="The team's portfolio in the cycle: opaque, stable, answered again by "
        "node(id:)."
    )

    @strawberry.field(description=BETS_DOC)
    def bets(self) -> list[Bet]:
        return [Bet.from_doc(d) for d in self.bet_docs]

    @strawberry.field(
        description="A suggestion, not a decision: the team's ideas in the cycle that carry "
        "a whole estimate, by expected value per stake (odds × expectedImpact ÷ stake), "
        "best first. Ideas cost no stake until a bet is placed on them."
    )
    async def suggested_order(self, info: Info) -> list[SuggestedAction]:
        return await suggested_order(info, str(self.team_id), str(self.cycle_id))

    @classmethod
    async def load(cls, info: Info, team_id: str, cycle_id: str) -> Portfolio:
        found = await cls.find(info, pair_key(team_id, cycle_id), refuse=True)
        assert found is not None
        return found

    @classmethod
    async def find(cls, info: Info, key: str, refuse: bool = False) -> Portfolio | None:
        pair = await team_and_cycle(info, key, refuse)
        if pair is None:
            return None
        store = info.context.backend.store
        where = {"team_id": pair[0], "cycle_id": pair[1]}
        docs = await store.find(PORTFOLIOS, where)
        bets = await store.find(BETS, where)
        return cls(
            id=derived_id(cls.__name__, key),
            **cls.fields_of(*pair, docs[0] if docs else None, bets),
        )


@strawberry.type(
    description="A team's portfolio in a cycle as it was recorded at a past moment "
    "(portfolioAsOf): the budget, stakes and bets as then known."
)
class PortfolioAsOf(AsOfFields, Node, PortfolioFields):
    derived = True

    @strawberry.field(description=BETS_DOC + " As of seenAt.")
    def bets(self) -> list[BetAsOf]:
        at = self.seen_at
        return [BetAsOf.from_doc(d, at) for d in self.bet_docs]

    @classmethod
    async def load(
        cls, info: Info, team_id: str, cycle_id: str, at: datetime
    ) -> PortfolioAsOf:
        found = await cls.find(info, moment_key(pair_key(team_id, cycle_id), at), refuse=True)
        assert found is not None
        return found

    @classmethod
    async def find(cls, info: Info, key: str, refuse: bool = False) -> PortfolioAsOf | None:
        moment = read_moment_key(key)
        pair = await team_and_cycle(info, moment[0], refuse) if moment else None
        if pair is None or moment is None:
            return None
        at = moment[1]
        created = await info.context.backend.store.find(
            BETS, {"team_id": pair[0], "cycle_id": pair[1]}
        )
        portfolio_id = str(PortfolioAggregate.id_for(*pair))
        wanted = [portfolio_id, *(b["id"] for b in created if loading.created_by(b, at))]
        rebuilt = await loading.documents_at(info, wanted, at)
        # Its entity is the present portfolio, whose id is derived too.
        identity = cls.identity(moment[0], at) | {
            "entity_id": derived_id(Portfolio.__name__, moment[0])
        }
        return cls(
            **identity,
            **cls.fields_of(
                *pair, rebuilt.get(portfolio_id), [rebuilt[b] for b in wanted[1:] if b in rebuilt]
            ),
        )

