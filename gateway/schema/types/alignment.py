"""The alignment tree's types."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.model.objective import objective_of
from gateway.schema.context import Info
from gateway.schema.types.objective import Objective
from projections.documents import Doc


@strawberry.type(description="An objective in the alignment tree, with the ones cascading from it.")
class AlignmentNode:
    objective: Objective = strawberry.field(description="The objective at this place in the tree.")
    depth: int = strawberry.field(description="0 for a root of the tree.")
    in_cycle: bool = strawberry.field(
        description="False for an ancestor or descendant from another cycle."
    )
    parent_key_result_id: strawberry.ID | None = strawberry.field(
        description="The key result it cascades from; null if none."
    )
    children: list[AlignmentNode] = strawberry.field(
        description="The objectives that cascade from its key results."
    )


@strawberry.type(description="A cycle's objectives as a tree through their parent key results.")
class Alignment:
    roots: list[AlignmentNode] = strawberry.field(
        description="The objectives with no parent in the tree, each with its descendants."
    )
    nodes: list[AlignmentNode] = strawberry.field(
        description="Every node, depth-first, for clients that prefer a flat list."
    )

    @classmethod
    async def build(cls, info: Info, cycle_id: str) -> Alignment:
        """Objectives of the cycle, their ancestors up the cascade and their descendants."""
        return await build_alignment(info, cycle_id)


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

    return await info.context.backend.heavy.compute(alignment_tree, docs, cycle_id)


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
