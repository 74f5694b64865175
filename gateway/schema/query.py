"""Read operations: every query is served from the views, never from the event log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from domain.objective import objective_of
from gateway.schema import time_travel
from gateway.schema.connection import After, Connection, First, paginate
from gateway.schema.context import Info
from gateway.schema.errors import not_found
from gateway.schema.types import (
    Alignment,
    AlignmentNode,
    Bet,
    Cycle,
    CycleKind,
    CycleStatus,
    KeyResult,
    Objective,
    Portfolio,
    Team,
    load_bet,
    load_cycle,
    load_key_result,
    load_objective,
    load_team,
)
from projections.documents import Doc
from projections.views import BETS, CYCLES, OBJECTIVES, PORTFOLIOS, TEAMS


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
        return await load_team(info, id)

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
        return await load_cycle(info, id)

    @strawberry.field(description="Objectives of a cycle and/or a team, in creation order.")
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
    ) -> Connection[Objective]:
        where: dict[str, Any] = {}
        if cycle_id is not None:
            where["cycle_id"] = str(cycle_id)
        if team_id is not None:
            where["team_id"] = str(team_id)
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
        return await load_objective(info, id)

    @strawberry.field(description="One key result, or null.")
    async def key_result(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The key result's id.")],
        as_of: time_travel.AsOf = None,
    ) -> KeyResult | None:
        if as_of is not None:
            return await time_travel.key_result_at(info, str(id), as_of)
        return await load_key_result(info, id)

    @strawberry.field(description="One bet, or null.")
    async def bet(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The bet's id.")],
    ) -> Bet | None:
        return await load_bet(info, id)

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
        return await load_portfolio(info, str(team_id), str(cycle_id))

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
        if await load_cycle(info, cycle_id) is None:
            raise not_found("Cycle", cycle_id, "cycleId")
        if as_of is not None:
            return await time_travel.alignment_at(info, str(cycle_id), as_of)
        return await build_alignment(info, str(cycle_id))


async def load_portfolio(info: Info, team_id: str, cycle_id: str) -> Portfolio:
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
    staked = doc["staked"] if doc else 0.0
    return Portfolio(
        team_id=strawberry.ID(team_id),
        cycle_id=strawberry.ID(cycle_id),
        budget=budget,
        staked=staked,
        available=None if budget is None else budget - staked,
        version=doc["version"] if doc else 0,
        bet_docs=bets,
    )


async def build_alignment(info: Info, cycle_id: str) -> Alignment:
    """Objectives of the cycle, their ancestors up the cascade and their descendants."""
    loaders = info.context.loaders
    in_cycle = await loaders.objectives_by_cycle.load(cycle_id)
    docs: dict[str, Doc] = {d["id"]: d for d in in_cycle}

    frontier = list(in_cycle)
    while frontier:
        parent_ids = {
            str(objective_of(d["parent_key_result_id"]))
            for d in frontier
            if d["parent_key_result_id"]
        } - docs.keys()
        loaded = [d for d in await loaders.objective.load_many(list(parent_ids)) if d]
        docs.update((d["id"], d) for d in loaded)
        frontier = loaded

    frontier = list(in_cycle)
    while frontier:
        groups = await loaders.objectives_by_parent_key_result.load_many(
            [kr["id"] for d in frontier for kr in d["key_results"]]
        )
        new = [d for group in groups for d in group if d["id"] not in docs]
        docs.update((d["id"], d) for d in new)
        frontier = new

    return alignment_tree(docs, cycle_id)


def alignment_tree(
    docs: dict[str, Doc], cycle_id: str, seen_at: datetime | None = None
) -> Alignment:
    """The tree of these objectives through their parent key results (``seen_at``: as
    rebuilt for that moment, see time travel)."""
    children: dict[str | None, list[Doc]] = {}
    for doc in sorted(docs.values(), key=lambda d: d["pos"]):
        parent_kr = doc["parent_key_result_id"]
        parent = str(objective_of(parent_kr)) if parent_kr else None
        children.setdefault(parent if parent in docs else None, []).append(doc)

    nodes: list[AlignmentNode] = []

    def grow(doc: Doc, depth: int) -> AlignmentNode:
        node = AlignmentNode(
            objective=Objective.from_doc(doc, seen_at),
            depth=depth,
            in_cycle=doc["cycle_id"] == cycle_id,
            parent_key_result_id=doc["parent_key_result_id"],
            children=[],
        )
        nodes.append(node)
        node.children = [grow(child, depth + 1) for child in children.get(doc["id"], [])]
        return node

    roots = [grow(doc, 0) for doc in children.get(None, [])]
    return Alignment(roots=roots, nodes=nodes)
