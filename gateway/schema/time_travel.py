"""The ``asOf`` path of the queries: the state as it was recorded at a moment.

Which entities existed then is read from the current documents (an objective never
changes cycle or team, a bet never changes key result, and nothing is deleted: an
entity existed at a moment if it was created by then). What they looked like is
rebuilt from the event log (:mod:`projections.time_travel`). Only the entities a
page shows are rebuilt. The objects returned carry the moment, so their key
results' check-ins are those recorded by then; other relations (team, cycle,
children, bets) answer the present: ask for them with ``asOf`` at the top level.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import anyio
import strawberry

from domain.model.objective import objective_of
from domain.model.portfolio import Portfolio as PortfolioAggregate
from gateway.schema.audit_trail import utc
from gateway.schema.connection import Connection, Edge, page_of
from gateway.schema.context import Info
from gateway.schema.errors import not_found
from gateway.schema.types import Alignment, KeyResult, Objective, Portfolio
from gateway.schema.types.alignment import alignment_tree
from projections import time_travel
from projections.documents import Doc
from projections.numbers import finite
from projections.views import BETS, CYCLES, OBJECTIVES

AsOf = Annotated[
    datetime | None,
    strawberry.argument(
        description="Time travel: the state as it was recorded at this moment (targets, "
        "weights, alignment, scores as then known: only check-ins recorded by then "
        "count). Without a time zone, UTC."
    ),
]


def created_by(doc: Doc, at: datetime) -> bool:
    return datetime.fromisoformat(doc["created_at"]) <= at


async def documents_at(info: Info, ids: list[str], at: datetime) -> dict[str, Doc]:
    backend = info.context.backend
    return await time_travel.documents_at(
        backend.app, backend.store, ids, at, anyio.to_thread.run_sync
    )


async def objective_at(info: Info, objective_id: str, at: datetime) -> Objective | None:
    at = utc(at)
    doc = (await documents_at(info, [objective_id], at)).get(objective_id)
    return Objective.from_doc(doc, at) if doc and "key_results" in doc else None


async def key_result_at(info: Info, key_result_id: str, at: datetime) -> KeyResult | None:
    objective_id = objective_of(key_result_id)
    if objective_id is None:
        return None
    objective = await objective_at(info, str(objective_id), at)
    if objective is None:
        return None
    return next((kr for kr in objective.key_results if kr.id == key_result_id), None)


async def objectives_at(
    info: Info,
    where: dict[str, str],
    first: int | None,
    after: str | None,
    at: datetime,
) -> Connection[Objective]:
    at = utc(at)
    current = await info.context.backend.store.find(OBJECTIVES, where)
    page = page_of([d for d in current if created_by(d, at)], lambda d: d, first, after)
    rebuilt = await documents_at(info, [e.node["id"] for e in page.edges], at)
    return Connection(
        edges=[
            Edge(cursor=e.cursor, node=Objective.from_doc(rebuilt[e.node["id"]], at))
            for e in page.edges
        ],
        page_info=page.page_info,
        counter=page.counter,
    )


async def portfolio_at(info: Info, team_id: str, cycle_id: str, at: datetime) -> Portfolio:
    at = utc(at)
    loaders = info.context.loaders
    if await loaders.team.load(team_id) is None:
        raise not_found("Team", team_id, "teamId")
    if await loaders.cycle.load(cycle_id) is None:
        raise not_found("Cycle", cycle_id, "cycleId")
    bets = await info.context.backend.store.find(BETS, {"team_id": team_id, "cycle_id": cycle_id})
    portfolio_id = str(PortfolioAggregate.id_for(team_id, cycle_id))
    wanted = [portfolio_id, *(b["id"] for b in bets if created_by(b, at))]
    rebuilt = await documents_at(info, wanted, at)
    doc = rebuilt.get(portfolio_id)
    budget = doc["budget"] if doc else None
    staked = finite(doc["staked"]) if doc else 0.0
    return Portfolio(
        team_id=strawberry.ID(team_id),
        cycle_id=strawberry.ID(cycle_id),
        budget=budget,
        staked=staked,
        available=None if budget is None else finite(budget - staked),
        version=doc["version"] if doc else 0,
        bet_docs=[rebuilt[b] for b in wanted[1:] if b in rebuilt],
    )


async def alignment_at(info: Info, cycle_id: str, at: datetime) -> Alignment:
    """The cycle's tree as it stood: objectives created by then, linked as they were.

    Descendants are looked for among the objectives of the cycle, of its year or
    quarters, and those cascading from its key results now; one re-pointed since
    to a key result of an unrelated cycle is missed.
    """

    at = utc(at)
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
    return alignment_tree(tree, cycle_id, at)
