"""Read operations: every query is served from the views, never from the event log."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from gateway.schema import loading, time_travel
from gateway.schema.connection import After, Connection, First, paginate
from gateway.schema.context import Info
from gateway.schema.enums import CycleKind, CycleStatus
from gateway.schema.errors import not_found
from gateway.schema.types import (
    Alignment,
    Bet,
    Cycle,
    KeyResult,
    Objective,
    Portfolio,
    Team,
)
from projections.views import CYCLES, OBJECTIVES, TEAMS


@strawberry.type
class Query:
    @strawberry.field(description="Every team, in the order they were created.")
    async def teams(self, info: Info, first: First = None, after: After = None) -> Connection[Team]:
        return await paginate(info, TEAMS, {}, Team.from_doc, first, after)

    @strawberry.field(description="One team, or null.")
    async def team(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The team's id.")],
    ) -> Team | None:
        return await loading.team(info, id)

    @strawberry.field(description="Cycles, optionally of one kind or status.")
    async def cycles(
        self,
        info: Info,
        kind: Annotated[
            CycleKind | None, strawberry.argument(description="Only cycles of this kind.")
        ] = None,
        status: Annotated[
            CycleStatus | None, strawberry.argument(description="Only cycles with this status.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Cycle]:
        where: dict[str, Any] = {}
        if kind is not None:
            where["kind"] = kind.value
        if status is not None:
            where["status"] = status.value
        return await paginate(info, CYCLES, where, Cycle.from_doc, first, after)

    @strawberry.field(description="One cycle, or null.")
    async def cycle(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The cycle's id.")],
    ) -> Cycle | None:
        return await loading.cycle(info, id)

    @strawberry.field(
        description="Objectives of a cycle, a team and/or an owner, in creation order."
    )
    async def objectives(
        self,
        info: Info,
        cycle_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the objectives of this cycle."),
        ] = None,
        team_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the objectives of this team."),
        ] = None,
        first: First = None,
        after: After = None,
        as_of: time_travel.AsOf = None,
        owner_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the objectives this person owns."),
        ] = None,
    ) -> Connection[Objective]:
        where: dict[str, Any] = {}
        if cycle_id is not None:
            where["cycle_id"] = str(cycle_id)
        if team_id is not None:
            where["team_id"] = str(team_id)
        if owner_id is not None:
            where["owner_id"] = str(owner_id)
        if as_of is not None:
            return await time_travel.objectives_at(info, where, first, after, as_of)
        return await paginate(info, OBJECTIVES, where, Objective.from_doc, first, after)

    @strawberry.field(description="One objective, or null.")
    async def objective(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The objective's id.")],
        as_of: time_travel.AsOf = None,
    ) -> Objective | None:
        if as_of is not None:
            return await time_travel.objective_at(info, str(id), as_of)
        return await loading.objective(info, id)

    @strawberry.field(description="One key result, or null.")
    async def key_result(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The key result's id.")],
        as_of: time_travel.AsOf = None,
    ) -> KeyResult | None:
        if as_of is not None:
            return await time_travel.key_result_at(info, str(id), as_of)
        return await loading.key_result(info, id)

    @strawberry.field(description="One bet, or null.")
    async def bet(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The bet's id.")],
    ) -> Bet | None:
        return await loading.bet(info, id)

    @strawberry.field(description="A team's bets in a cycle, its stake budget and what is left.")
    async def portfolio(
        self,
        info: Info,
        team_id: Annotated[
            strawberry.ID, strawberry.argument(description="The team whose bets it holds.")
        ],
        cycle_id: Annotated[
            strawberry.ID, strawberry.argument(description="The cycle of those bets.")
        ],
        as_of: time_travel.AsOf = None,
    ) -> Portfolio:
        if as_of is not None:
            return await time_travel.portfolio_at(info, str(team_id), str(cycle_id), as_of)
        return await Portfolio.load(info, str(team_id), str(cycle_id))

    @strawberry.field(
        description="The cycle's objectives as a tree through their parent key results, "
        "with their ancestors and descendants from other cycles."
    )
    async def alignment(
        self,
        info: Info,
        cycle_id: Annotated[
            strawberry.ID,
            strawberry.argument(description="The cycle whose objectives make the tree."),
        ],
        as_of: time_travel.AsOf = None,
    ) -> Alignment:
        if await loading.cycle(info, cycle_id) is None:
            raise not_found("Cycle", cycle_id, "cycleId")
        if as_of is not None:
            return await time_travel.alignment_at(info, str(cycle_id), as_of)
        return await Alignment.build(info, str(cycle_id))
