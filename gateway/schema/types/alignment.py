"""The alignment tree's types."""

from __future__ import annotations

import strawberry

from gateway.schema.types.objective import Objective


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
