"""The alignment tree's types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import strawberry

from domain.model.objective import objective_of
from gateway.schema.context import Info
from gateway.schema.types.objective import Objective, ObjectiveAsOf
from projections.documents import Doc

OBJECTIVE_DOC = "The objective at this place in the tree."
CHILDREN_DOC = "The objectives that cascade from its key results."
ROOTS_DOC = "The objectives with no parent in the tree, each with its descendants."
NODES_DOC = "Every node, depth-first, for clients that prefer a flat list."


@strawberry.type
class AlignmentPlace:
    """Where an objective stands in the tree, now or as of a moment."""

    depth: int = strawberry.field(description="0 for a root of the tree.")
    in_cycle: bool = strawberry.field(
        description="False for an ancestor or descendant from another cycle."
    )
    parent_key_result_id: strawberry.ID | None = strawberry.field(
        description="The key result it cascades from; null if none."
    )


@strawberry.type(description="An objective in the alignment tree, with the ones cascading from it.")
class AlignmentNode(AlignmentPlace):
    objective: Objective = strawberry.field(description=OBJECTIVE_DOC)
    children: list[AlignmentNode] = strawberry.field(description=CHILDREN_DOC)


@strawberry.type(description="A cycle's objectives as a tree through their parent key results.")
class Alignment:
    roots: list[AlignmentNode] = strawberry.field(description=ROOTS_DOC)
    nodes: list[AlignmentNode] = strawberry.field(description=NODES_DOC)

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

    roots, nodes = await info.context.backend.heavy.compute(
        alignment_tree, docs, cycle_id, AlignmentNode, Objective.from_doc
    )
    return Alignment(roots=roots, nodes=nodes)


@strawberry.type(description="An objective in the alignment tree as it stood at a past moment.")
class AlignmentNodeAsOf(AlignmentPlace):
    objective: ObjectiveAsOf = strawberry.field(description=OBJECTIVE_DOC)
    children: list[AlignmentNodeAsOf] = strawberry.field(description=CHILDREN_DOC)


@strawberry.type(
    description="A cycle's objectives as a tree through their parent key results, as it "
    "stood at a past moment (alignmentAsOf)."
)
class AlignmentAsOf:
    seen_at: datetime = strawberry.field(description="The moment the tree is shown at (UTC).")
    roots: list[AlignmentNodeAsOf] = strawberry.field(description=ROOTS_DOC)
    nodes: list[AlignmentNodeAsOf] = strawberry.field(description=NODES_DOC)

    @classmethod
    def of(cls, docs: dict[str, Doc], cycle_id: str, at: datetime) -> AlignmentAsOf:
        roots, nodes = alignment_tree(
            docs, cycle_id, AlignmentNodeAsOf, lambda doc: ObjectiveAsOf.from_doc(doc, at)
        )
        return cls(seen_at=at, roots=roots, nodes=nodes)


def alignment_tree(
    docs: dict[str, Doc],
    cycle_id: str,
    node_type: Callable[..., Any],
    make: Callable[[Doc], Any],
) -> tuple[list[Any], list[Any]]:
    """The roots and the depth-first nodes of the tree of these objectives through
    their parent key results, as ``node_type`` with objectives made by ``make``."""
    children: dict[str | None, list[Doc]] = {}
    for doc in sorted(docs.values(), key=lambda d: d["pos"]):
        parent_kr = doc["parent_key_result_id"]
        parent = str(objective_of(parent_kr)) if parent_kr else None
        children.setdefault(parent if parent in docs else None, []).append(doc)

    nodes: list[Any] = []

    def grow(doc: Doc, depth: int) -> Any:
        node = node_type(
            objective=make(doc),
            depth=depth,
            in_cycle=doc["cycle_id"] == cycle_id,
            parent_key_result_id=doc["parent_key_result_id"],
            children=[],
        )
        nodes.append(node)
        node.children = [grow(child, depth + 1) for child in children.get(doc["id"], [])]
        return node

    roots = [grow(doc, 0) for doc in children.get(None, [])]
    return roots, nodes
