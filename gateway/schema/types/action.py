"""The Action type: an idea on a key result, or the action a bet was placed on."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.enums import ActionSize, ActionStatus, CollaborationStatus
from gateway.schema.types.audited import Audited, moment, stamps
from gateway.schema.types.lazy import LazyBet, LazyKeyResult, LazyPerson, LazyTeam
from gateway.schema.types.node import Node
from projections.documents import Doc
from projections.views import ACTIONS


@strawberry.type(description="Another team's offer to collaborate on an action, and its answer.")
class Collaboration:
    team_id: strawberry.ID = strawberry.field(description="The team that offered.")
    person_id: strawberry.ID | None = strawberry.field(
        description="The person of that team who would collaborate; null: the team."
    )
    status: CollaborationStatus = strawberry.field(description="Offered, accepted or declined.")
    note: str = strawberry.field(description="What the team offered; empty if nothing said.")
    offered_at: datetime = strawberry.field(description="When it was offered (UTC).")
    offered_by: str = strawberry.field(description="Who offered it.")
    answered_at: datetime | None = strawberry.field(
        description="When the owning team answered; null while offered."
    )

    @classmethod
    def from_row(cls, row: Doc) -> Collaboration:
        offered_at = moment(row["offered_at"])
        assert offered_at is not None
        return cls(
            team_id=strawberry.ID(row["team_id"]),
            person_id=strawberry.ID(row["person_id"]) if row["person_id"] else None,
            status=CollaborationStatus(row["status"]),
            note=row["note"],
            offered_at=offered_at,
            offered_by=row["offered_by"],
            answered_at=moment(row["answered_at"]),
        )

    @strawberry.field(description="The team that offered.")
    async def team(self, info: Info) -> LazyTeam:
        team = await loading.team(info, self.team_id)
        assert team is not None
        return team

    @strawberry.field(description="The person who would collaborate; null: the team as a whole.")
    async def person(self, info: Info) -> LazyPerson | None:
        return await loading.person(info, self.person_id)


@strawberry.type(
    description="An idea on a key result that needs researching and (in)validating: not a "
    "plan and not a commitment until the team places a bet on it."
)
class Action(Node, Audited, stored_in=ACTIONS):
    id: strawberry.ID = strawberry.field(description="The action's opaque id.")
    title: str = strawberry.field(description="What the team might do.")
    hypothesis: str = strawberry.field(
        description="We believe … will move … because …; empty if not given."
    )
    description: str = strawberry.field(description="More about it; empty if not given.")
    size: ActionSize | None = strawberry.field(
        description="The team's rough estimate; null if not given."
    )
    key: bool = strawberry.field(description="Whether it is a key action, called out as important.")
    stake: float | None = strawberry.field(
        description="Estimate: what a bet on it would stake; null if not estimated."
    )
    odds: float | None = strawberry.field(
        description="Estimate: the probability it would succeed; null if not estimated."
    )
    expected_impact: float | None = strawberry.field(
        description="Estimate: the change in the key result's value if it succeeds; null if "
        "not estimated."
    )
    value_per_stake: float | None = strawberry.field(
        description="odds × expectedImpact ÷ stake of the estimate (the tangent audit's "
        "measure); null without a whole estimate."
    )
    rank: int | None = strawberry.field(
        description="Its place in its key result's order (1 first); null until ranked."
    )
    status: ActionStatus = strawberry.field(description="Idea, bet (and how it ended), or dropped.")
    reason: str = strawberry.field(description="Why it was dropped; empty otherwise.")
    derived_from_bet: bool = strawberry.field(
        description="True for the action of a bet placed before actions existed, derived "
        "from the bet when read (history is never rewritten)."
    )
    key_result_id: strawberry.ID = strawberry.field(description="The key result it may move.")
    team_id: strawberry.ID = strawberry.field(description="The team whose action it is.")
    cycle_id: strawberry.ID = strawberry.field(description="The cycle of its key result.")
    bet_id: strawberry.Private[str | None]
    offers: strawberry.Private[list[Doc]]

    @classmethod
    def from_doc(cls, doc: Doc) -> Action:
        return cls(**fields_of(doc))

    @strawberry.field(description="The key result it may move.")
    async def key_result(self, info: Info) -> LazyKeyResult:
        key_result = await loading.key_result(info, self.key_result_id)
        assert key_result is not None
        return key_result

    @strawberry.field(description="The team whose action it is.")
    async def team(self, info: Info) -> LazyTeam:
        team = await loading.team(info, self.team_id)
        assert team is not None
        return team

    @strawberry.field(description="The bet placed on it; null while an idea or once dropped.")
    async def bet(self, info: Info) -> LazyBet | None:
        return await loading.bet(info, self.bet_id)

    @strawberry.field(
        description="Other teams' offers to collaborate, oldest first; accepted ones are its "
        "collaborators."
    )
    def collaborations(
        self,
        status: Annotated[
            CollaborationStatus | None,
            strawberry.argument(description="Only the offers with this status."),
        ] = None,
    ) -> list[Collaboration]:
        return [
            Collaboration.from_row(row)
            for row in self.offers
            if status is None or row["status"] == status.value
        ]


def fields_of(doc: Doc) -> dict[str, Any]:
    return dict(
        id=strawberry.ID(doc["id"]),
        title=doc["title"],
        hypothesis=doc["hypothesis"],
        description=doc["description"],
        size=ActionSize(doc["size"]) if doc["size"] else None,
        key=doc["key"],
        stake=doc["stake"],
        odds=doc["odds"],
        expected_impact=doc["expected_impact"],
        value_per_stake=doc["value_per_stake"],
        rank=doc["rank"],
        status=ActionStatus(doc["status"]),
        reason=doc["reason"],
        derived_from_bet=doc["derived"],
        key_result_id=strawberry.ID(doc["key_result_id"]),
        team_id=strawberry.ID(doc["team_id"]),
        cycle_id=strawberry.ID(doc["cycle_id"]),
        bet_id=doc["bet_id"],
        offers=list(doc["collaborations"]),
        **stamps(doc),
    )


@strawberry.type(
    description="A suggestion, not a decision: an idea's place when a team's ideas with a "
    "whole estimate are ordered by odds × expectedImpact ÷ stake (the tangent audit's "
    "measure). The team's own order is rankActions'."
)
class SuggestedAction:
    place: int = strawberry.field(description="1 for the best value per stake.")
    value_per_stake: float = strawberry.field(
        description="odds × expectedImpact ÷ stake of the idea's estimate."
    )
    action: Action = strawberry.field(description="The idea.")


async def suggested_order(info: Info, team_id: str, cycle_id: str) -> list[SuggestedAction]:
    """A team's ideas in a cycle that carry a whole estimate, best value per stake first
    (ties in the order they were proposed)."""
    where = {"team_id": team_id, "cycle_id": cycle_id, "status": ActionStatus.IDEA.value}
    docs = await info.context.backend.store.find(ACTIONS, where)
    estimated = [d for d in docs if d["value_per_stake"] is not None]
    estimated.sort(key=lambda d: (-d["value_per_stake"], d["pos"]))
    return [
        SuggestedAction(
            place=place, value_per_stake=d["value_per_stake"], action=Action.from_doc(d)
        )
        for place, d in enumerate(estimated, 1)
    ]
