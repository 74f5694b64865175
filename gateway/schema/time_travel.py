"""Time travel: the state as it was recorded at a moment, under fields of its own.

Which entities existed then is read from the current documents (an objective never
changes cycle or team, a bet never changes key result, and nothing is deleted: an
entity existed at a moment if it was created by then). What they looked like is
rebuilt from the event log (:mod:`projections.time_travel`). Only the entities a
page shows are rebuilt. The answers are types of their own (``ObjectiveAsOf``, …,
see :mod:`gateway.schema.types.as_of`) so that no client cache mistakes the past for
the present; their key results' check-ins are those recorded by then, and other
relations (team, cycle, children, bets) answer the present.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.model.objective import objective_of
from gateway.schema import loading
from gateway.schema.connection import (
    After,
    Before,
    Connection,
    Edge,
    First,
    Last,
    Page,
    page_of,
)
from gateway.schema.context import Info
from gateway.schema.errors import not_found
from gateway.schema.query import OfCycle, OfTeam, objectives_of
from gateway.schema.types import AlignmentAsOf, KeyResultAsOf, ObjectiveAsOf, PortfolioAsOf
from gateway.schema.types.as_of import instant, moment_key
from projections.documents import Doc
from projections.views import CYCLES, OBJECTIVES

AsOf = Annotated[
    datetime,
    strawberry.argument(
        description="The moment: the state as it was recorded then (targets, weights, "
        "alignment, scores as then known: only check-ins recorded by then count). "
        "Without a time zone, UTC."
    ),
]

ObjectiveId = Annotated[strawberry.ID, strawberry.argument(description="The objective's id.")]
KeyResultId = Annotated[strawberry.ID, strawberry.argument(description="The key result's id.")]
PortfolioTeam = Annotated[
    strawberry.ID, strawberry.argument(description="The team whose bets it holds.")
]
PortfolioCycle = Annotated[
    strawberry.ID, strawberry.argument(description="The cycle of those bets.")
]
TreeCycle = Annotated[
    strawberry.ID, strawberry.argument(description="The cycle whose objectives make the tree.")
]

created_by = loading.created_by
documents_at = loading.documents_at


async def objectives_at(
    info: Info, where: dict[str, str], page: Page, at: datetime
) -> Connection[ObjectiveAsOf]:
    current = await info.context.backend.store.find(OBJECTIVES, where)
    found = page_of([d for d in current if created_by(d, at)], lambda d: d, page)
    rebuilt = await documents_at(info, [e.node["id"] for e in found.edges], at)
    return Connection(
        edges=[
            Edge(cursor=e.cursor, node=ObjectiveAsOf.from_doc(rebuilt[e.node["id"]], at))
            for e in found.edges
        ],
        page_info=found.page_info,
        counter=found.counter,
    )


async def alignment_at(info: Info, cycle_id: str, at: datetime) -> AlignmentAsOf:
    """The cycle's tree as it stood: objectives created by then, linked as they were.

    Descendants are looked for among the objectives of the cycle, of its year or
    quarters, and those cascading from its key results now; one re-pointed since
    to a key result of an unrelated cycle is missed.
    """

    store = info.context.backend.store
    cycle = await info.context.loaders.cycle.load(cycle_id)
    assert cycle is not None
    related = {cycle_id}
    if cycle["parent_id"]:
        related.add(cycle["parent_id"])
    related.update(c["id"] for c in await store.find(CYCLES, {"parent_id": cycle_id}))
    candidates = [
        d for d in await store.find(OBJECTIVES, {"cycle_id": sorted(related)}) if created_by(d, at)
    ]
    docs = await documents_at(info, [d["id"] for d in candidates], at)
    in_cycle = [d for d in docs.values() if d["cycle_id"] == cycle_id]
    tree: dict[str, Doc] = {d["id"]: d for d in in_cycle}

    frontier = in_cycle
    while frontier:  # ancestors, up the cascade as it was
        parents = {
            str(objective_of(d["parent_key_result_id"]))
            for d in frontier
            if d["parent_key_result_id"]
        } - tree.keys()
        missing = [p for p in parents if p not in docs]
        docs.update(await documents_at(info, missing, at))
        frontier = [docs[p] for p in parents if p in docs]
        tree.update((d["id"], d) for d in frontier)

    frontier = in_cycle
    while frontier:  # descendants, down the cascade as it was
        key_results = {kr["id"] for d in frontier for kr in d["key_results"]}
        now = await store.find(OBJECTIVES, {"parent_key_result_id": sorted(key_results)})
        missing = [d["id"] for d in now if d["id"] not in docs and created_by(d, at)]
        docs.update(await documents_at(info, missing, at))
        frontier = [
            d
            for d in docs.values()
            if d["parent_key_result_id"] in key_results and d["id"] not in tree
        ]
        tree.update((d["id"], d) for d in frontier)
    return AlignmentAsOf.of(tree, cycle_id, at)


@strawberry.type
class TimeTravelQuery:
    @strawberry.field(
        description="One objective as it was recorded at a moment, or null if it did not "
        "exist then."
    )
    async def objective_as_of(
        self, info: Info, id: ObjectiveId, as_of: AsOf
    ) -> ObjectiveAsOf | None:
        return await ObjectiveAsOf.find(info, moment_key(str(id), as_of))

    @strawberry.field(
        description="Objectives of a cycle and/or a team as they were recorded at a moment "
        "(those created by then), in creation order."
    )
    async def objectives_as_of(
        self,
        info: Info,
        as_of: AsOf,
        cycle_id: OfCycle = None,
        team_id: OfTeam = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ObjectiveAsOf]:
        page = Page.of(first, after, last, before)
        where = objectives_of(cycle_id, team_id)
        return await objectives_at(info, where, page, instant(as_of))

    @strawberry.field(
        description="One key result as it was recorded at a moment, or null if it did not "
        "exist then."
    )
    async def key_result_as_of(
        self, info: Info, id: KeyResultId, as_of: AsOf
    ) -> KeyResultAsOf | None:
        return await KeyResultAsOf.find(info, moment_key(str(id), as_of))

    @strawberry.field(
        description="A team's bets in a cycle and its stake budget as they were recorded "
        "at a moment."
    )
    async def portfolio_as_of(
        self,
        info: Info,
        team_id: PortfolioTeam,
        cycle_id: PortfolioCycle,
        as_of: AsOf,
    ) -> PortfolioAsOf:
        return await PortfolioAsOf.load(info, str(team_id), str(cycle_id), instant(as_of))

    @strawberry.field(
        description="The cycle's objectives as a tree through their parent key results, as "
        "it stood at a moment, with the ancestors and descendants of then."
    )
    async def alignment_as_of(
        self,
        info: Info,
        cycle_id: TreeCycle,
        as_of: AsOf,
    ) -> AlignmentAsOf:
        if await loading.cycle(info, cycle_id) is None:
            raise not_found("Cycle", cycle_id, "cycleId")
        return await alignment_at(info, str(cycle_id), instant(as_of))
