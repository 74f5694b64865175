"""The alignment tree's types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import strawberry

from gateway.schema.context import Info
from gateway.schema.types.objective import Objective, ObjectiveAsOf
from projections import tree
from projections.documents import Doc
from projections.views import TREES

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
    """The tree's places as the projector keeps them (one small row: projections/tree.py)
    and their objectives in one batched read; walked afresh if the row is missing."""
    loaders = info.context.loaders
    kept = (await info.context.backend.store.get(TREES, [cycle_id])).get(cycle_id)
    places = tree.places_of(kept) if kept else None
    docs: dict[str, Doc] = {}
    if places is not None:
        found = await loaders.objective.load_many([p.objective_id for p in places])
        docs = {d["id"]: d for d in found if d is not None}
    if places is None or len(docs) < len(places):
        docs = await walk(info, cycle_id)
        places = tree.places(docs, cycle_id)
    roots, nodes = await info.context.backend.heavy.compute(
        grow, places, docs, AlignmentNode, Objective.from_doc
    )
    return Alignment(roots=roots, nodes=nodes)


async def walk(info: Info, cycle_id: str) -> dict[str, Doc]:
    """The tree's objectives, gathered through the request's DataLoaders."""
    loaders = info.context.loaders

    async def parents(ids: list[str]) -> list[Doc]:
        return [d for d in await loaders.objective.load_many(ids) if d]

    async def children(key_results: list[str]) -> list[Doc]:
        groups = await loaders.objectives_by_parent_key_result.load_many(key_results)
        return [d for group in groups for d in group]

    return await tree.gather(await loaders.objectives_by_cycle.load(cycle_id), parents, children)


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
    return grow(tree.places(docs, cycle_id), docs, node_type, make)


def grow(
    places: list[tree.Place],
    docs: dict[str, Doc],
    node_type: Callable[..., Any],
    make: Callable[[Doc], Any],
) -> tuple[list[Any], list[Any]]:
    """The roots and the nodes of a tree from its places in depth-first order (each one
    is a child of the nearest place before it that is one level up)."""
    roots: list[Any] = []
    nodes: list[Any] = []
    path: list[Any] = []  # the nodes from a root down to the last one made
    for place in places:
        node = node_type(
            objective=make(docs[place.objective_id]),
            depth=place.depth,
            in_cycle=place.in_cycle,
            parent_key_result_id=place.parent_key_result_id,
            children=[],
        )
        del path[place.depth :]
        (path[-1].children if path else roots).append(node)
        path.append(node)
        nodes.append(node)
    return roots, nodes
