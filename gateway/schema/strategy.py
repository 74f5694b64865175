"""The strategy map over GraphQL: define it, tag objectives, see what serves each entry."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from statistics import fmean
from typing import Annotated

import strawberry

from gateway.schema import loading
from gateway.schema.choices import choice
from gateway.schema.context import Info
from gateway.schema.errors import not_found
from gateway.schema.types import Cycle, Node, Objective, Team
from gateway.schema.types.node import derived_id
from projections import strategy
from projections.documents import Doc
from projections.views import CYCLES, STRATEGY_MAPS, TALLIES

ID = strawberry.ID


@strawberry.enum(description="Whether an entry of the strategy map is a value or a constituent.")
class StrategyEntryKind(Enum):
    VALUE = choice("VALUE", description="A value the organisation holds.")
    CONSTITUENT = choice("CONSTITUENT", description="A group the organisation serves.")


@strawberry.type(description="A value or constituent, and the objectives that serve it.")
class StrategyEntry:
    name: str = strawberry.field(description="The entry's name, as the map spells it.")
    kind: StrategyEntryKind = strawberry.field(description="A value or a constituent.")
    retired: bool = strawberry.field(
        description="No longer in the map, but served by objectives of a closed cycle."
    )
    objective_ids: strawberry.Private[list[str]]
    scores: strawberry.Private[list[float | None]]
    team_ids: strawberry.Private[list[str]]

    @classmethod
    def of(cls, entry: strategy.Entry, kind: StrategyEntryKind) -> StrategyEntry:
        return cls(
            name=entry.name,
            kind=kind,
            retired=entry.retired,
            objective_ids=entry.objective_ids,
            scores=entry.scores,
            team_ids=entry.team_ids,
        )

    @strawberry.field(description="Whether any objective in scope serves it.")
    def served(self) -> bool:
        return bool(self.objective_ids)

    @strawberry.field(description="The objectives in scope that serve it, with their scores.")
    async def objectives(self, info: Info) -> list[Objective]:
        docs = await info.context.loaders.objective.load_many(self.objective_ids)
        return [Objective.from_doc(d) for d in docs if d is not None]

    @strawberry.field(description="The teams of those objectives, each once.")
    async def teams(self, info: Info) -> list[Team]:
        team_ids = list(dict.fromkeys(self.team_ids))
        docs = await info.context.loaders.team.load_many(team_ids)
        return [Team.from_doc(d) for d in docs if d is not None]

    @strawberry.field(description="Mean score of those objectives; null if none is scored.")
    def mean_score(self) -> float | None:
        scores = [s for s in self.scores if s is not None]
        return round(fmean(scores), 6) if scores else None


@strawberry.type(
    description="The organisation's values and constituents, each with the objectives of "
    "a cycle (or of every open cycle) that serve it. Its id names the map seen from that "
    "scope: the answers for two cycles are two objects."
)
class StrategyMap(Node):
    derived = True
    id: ID = strawberry.field(
        description="The map seen from its scope (a cycle, or every open cycle): opaque, "
        "stable, and answered again by node(id:)."
    )
    defined: bool = strawberry.field(description="False until defineStrategyMap is first run.")
    version: int = strawberry.field(description="0 until defined; send it as expectedVersion.")
    values: list[StrategyEntry] = strawberry.field(
        description="The organisation's values, in the map's order."
    )
    constituents: list[StrategyEntry] = strawberry.field(
        description="The constituents it serves, in the map's order."
    )
    updated_at: datetime | None = strawberry.field(
        description="When the map was last defined or revised; null until defined."
    )
    updated_by: str | None = strawberry.field(
        description="Who last defined or revised it; null until defined."
    )
    cycle_id: strawberry.Private[str | None]
    untagged: strawberry.Private[list[str]]

    @classmethod
    async def find(cls, info: Info, key: str) -> StrategyMap | None:
        return await find_strategy_map(info, key)

    @strawberry.field(description="The cycle in scope; null means every open cycle.")
    async def cycle(self, info: Info) -> Cycle | None:
        return await loading.cycle(info, self.cycle_id)

    @strawberry.field(description="Entries of the map that no objective in scope serves.")
    def unserved(self) -> list[StrategyEntry]:
        return [e for e in (*self.values, *self.constituents) if not e.objective_ids]

    @strawberry.field(description="Objectives in scope that serve no entry of the map.")
    async def untagged_objectives(self, info: Info) -> list[Objective]:
        docs = await info.context.loaders.objective.load_many(self.untagged)
        return [Objective.from_doc(d) for d in docs if d is not None]


async def build_strategy_map(info: Info, cycle_id: str | None) -> StrategyMap:
    """The map with the objectives (not archived) of one cycle, or of every open one,
    read from the tallies the projector keeps per team and cycle (projections/strategy.py)."""
    store = info.context.backend.store
    maps = await store.find(STRATEGY_MAPS, {})
    doc = maps[0] if maps else None
    if cycle_id is not None:
        cycles = [cycle_id]
    else:
        cycles = [c["id"] for c in await store.find(CYCLES, {"status": "OPEN"})]
    rows = await store.find(TALLIES, {"cycle_id": cycles}) if cycles else []
    return StrategyMap(
        id=derived_id(StrategyMap.__name__, cycle_id or ""),
        defined=doc is not None,
        version=doc["version"] if doc else 0,
        values=_entries(doc, rows, "values", StrategyEntryKind.VALUE),
        constituents=_entries(doc, rows, "constituents", StrategyEntryKind.CONSTITUENT),
        updated_at=datetime.fromisoformat(doc["updated_at"]) if doc else None,
        updated_by=doc["updated_by"] if doc else None,
        cycle_id=cycle_id,
        untagged=strategy.untagged_of_rows(doc, rows),
    )


async def find_strategy_map(info: Info, key: str) -> StrategyMap | None:
    """The map seen from the cycle a strategy map's id names (every open one if none)."""
    if key and await loading.cycle(info, key) is None:
        return None
    return await build_strategy_map(info, key or None)


def _entries(
    doc: Doc | None, rows: list[Doc], field: str, kind: StrategyEntryKind
) -> list[StrategyEntry]:
    return [StrategyEntry.of(e, kind) for e in strategy.entries_of_rows(doc, rows, field)]


@strawberry.type
class StrategyQuery:
    @strawberry.field(
        description="The strategy map: for each value and constituent, the objectives of "
        "the cycle serving it, their scores and teams, and the entries nothing serves. "
        "Without cycleId, the objectives of every open cycle."
    )
    async def strategy_map(
        self,
        info: Info,
        cycle_id: Annotated[
            ID | None,
            strawberry.argument(
                description="The cycle whose objectives count; left out, every open cycle."
            ),
        ] = None,
    ) -> StrategyMap:
        if cycle_id is not None and await loading.cycle(info, cycle_id) is None:
            raise not_found("Cycle", cycle_id, "cycleId")
        return await build_strategy_map(info, None if cycle_id is None else str(cycle_id))
