"""The Bet type, and BetAsOf: a bet as recorded at a past moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.enums import BetStatus, CollaborationStatus
from gateway.schema.types.action import Collaboration
from gateway.schema.types.as_of import AsOfFields
from gateway.schema.types.audited import Audited, moment, stamps
from gateway.schema.types.lazy import LazyAction, LazyCycle, LazyKeyResult, LazyTeam
from gateway.schema.types.node import Node
from gateway.schema.types.owned import Owned, owners
from projections.documents import Doc
from projections.views import BETS


@strawberry.type
class BetFields(Audited):
    """What a bet shows, now or as of a moment."""

    title: str = strawberry.field(description="What the team will do.")
    hypothesis: str = strawberry.field(
        description="Why the team expects it to move the key result; empty if not given."
    )
    stake: float = strawberry.field(description="What the team invests and can afford to lose.")
    odds: float = strawberry.field(description="Probability of success, in (0, 1].")
    expected_impact: float = strawberry.field(
        description="Change in the key result's value if the bet succeeds."
    )
    expected_value: float = strawberry.field(description="odds × expectedImpact.")
    status: BetStatus = strawberry.field(description="Placed, or how it ended.")
    actual_impact: float | None = strawberry.field(
        description="The change in the key result's value it made, once resolved; null before."
    )
    learning: str = strawberry.field(
        description="What the team learned from it; empty until resolved."
    )
    resolved_at: datetime | None = strawberry.field(
        description="When it was resolved; null while placed."
    )
    key_result_id: strawberry.ID = strawberry.field(description="The key result it bets on.")
    objective_id: strawberry.ID = strawberry.field(description="The objective of that key result.")
    team_id: strawberry.ID = strawberry.field(description="The team that placed it.")
    cycle_id: strawberry.ID = strawberry.field(description="The cycle it was placed in.")
    action_id: strawberry.Private[str | None]

    @staticmethod
    def fields_of(doc: Doc) -> dict[str, Any]:
        return dict(
            title=doc["title"],
            hypothesis=doc["hypothesis"],
            stake=doc["stake"],
            odds=doc["odds"],
            expected_impact=doc["expected_impact"],
            expected_value=doc["expected_value"],
            status=BetStatus(doc["status"]),
            actual_impact=doc["actual_impact"],
            learning=doc["learning"],
            resolved_at=moment(doc["resolved_at"]),
            key_result_id=strawberry.ID(doc["key_result_id"]),
            objective_id=strawberry.ID(doc["objective_id"]),
            team_id=strawberry.ID(doc["team_id"]),
            cycle_id=strawberry.ID(doc["cycle_id"]),
            action_id=doc.get("action_id"),
            **stamps(doc),
        )

    @strawberry.field(description="The key result it bets on.")
    async def key_result(self, info: Info) -> LazyKeyResult:
        key_result = await loading.key_result(info, self.key_result_id)
        assert key_result is not None
        return key_result

    @strawberry.field(description="The team that placed it.")
    async def team(self, info: Info) -> LazyTeam:
        team = await loading.team(info, self.team_id)
        assert team is not None
        return team

    @strawberry.field(description="The cycle it was placed in.")
    async def cycle(self, info: Info) -> LazyCycle:
        cycle = await loading.cycle(info, self.cycle_id)
        assert cycle is not None
        return cycle

    @strawberry.field(
        description="The action it was placed on (for a bet from before actions existed, "
        "the action derived from it)."
    )
    async def action(self, info: Info) -> LazyAction | None:
        return await loading.action(info, self.action_id)

    @strawberry.field(
        description="The teams (and people) collaborating on it: its action's accepted offers."
    )
    async def collaborators(self, info: Info) -> list[Collaboration]:
        action = await loading.action(info, self.action_id)
        return action.collaborations(CollaborationStatus.ACCEPTED) if action else []

    @strawberry.field(description="The stake unit of the team, e.g. person-days.")
    async def stake_unit(self, info: Info) -> str:
        team = await loading.team(info, self.team_id)
        return team.stake_unit if team else ""


@strawberry.type(description="An action treated as a bet on a key result, never a commitment.")
class Bet(Node, Owned, BetFields, stored_in=BETS):
    id: strawberry.ID = strawberry.field(description="The bet's opaque id.")

    @classmethod
    def from_doc(cls, doc: Doc) -> Bet:
        return cls(id=strawberry.ID(doc["id"]), **cls.fields_of(doc), **owners(doc))


@strawberry.type(
    description="A bet as it was recorded at a past moment (the bets of portfolioAsOf)."
)
class BetAsOf(AsOfFields, Node, BetFields):
    derived = True

    @classmethod
    def from_doc(cls, doc: Doc, at: datetime) -> BetAsOf:
        return cls(**cls.identity(doc["id"], at), **cls.fields_of(doc))

    @classmethod
    async def find(cls, info: Info, key: str) -> BetAsOf | None:
        async def bet_at(bet_id: str, at: datetime) -> Doc | None:
            doc = (await loading.documents_at(info, [bet_id], at)).get(bet_id)
            return doc if doc is not None and "stake" in doc else None  # a bet's, not another's

        return await cls.rebuilt(key, bet_at)
