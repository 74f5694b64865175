"""A cycle's alignment tree: which objectives it holds, and where each one stands.

The tree of a cycle holds its objectives, their ancestors up the cascade (through
``parent_key_result_id``, whatever cycle they are in) and their descendants down it
(through the key results each one has). Walking it takes a few rounds of reads per
level, every time; at a million events the query spent a second doing so. The
projector therefore keeps one row per cycle (view ``trees``) with the tree's places in
depth-first order, and the query only reads the objectives those places name.

One rule serves both: :func:`gather` walks the cascade over any reader (the request's
DataLoaders, the projector's overlay, the store itself) and :func:`places` orders what
it gathered; the gateway builds its nodes from the places (the time-travel tree too,
from historic documents), and the projector stores them (:func:`row`). The walk
reads nothing of an objective but its id, position, cycle, parent key result and key
results' ids, so a change to anything else (a check-in, a title, an
owner, an archive) leaves every tree as it was and costs the projector nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from domain.model.objective import objective_of
from projections.documents import Doc

Read = Callable[[list[str]], Awaitable[Iterable[Doc]]]


@dataclass(frozen=True)
class Place:
    """Where an objective stands in a cycle's tree."""

    objective_id: str
    depth: int  # 0 for a root
    in_cycle: bool  # False for an ancestor or descendant from another cycle
    parent_key_result_id: str | None


def parent_of(doc: Doc) -> str | None:
    """The id of the objective whose key result ``doc`` cascades from, if any."""
    parent = objective_of(doc["parent_key_result_id"] or "")
    return None if parent is None else str(parent)


def key_results_now(doc: Doc) -> list[str]:
    return [kr["id"] for kr in doc["key_results"]]


async def gather(
    in_cycle: list[Doc],
    parents: Read,
    children: Read,
    key_results: Callable[[Doc], list[str]] = key_results_now,
) -> dict[str, Doc]:
    """The objectives of a cycle's tree by id: ``in_cycle`` (the cycle's own), their
    ancestors (``parents``: objectives by id) and their descendants (``children``:
    the objectives cascading from these key results; ``key_results``: which of an
    objective's key results to walk down)."""
    docs: dict[str, Doc] = {d["id"]: d for d in in_cycle}
    frontier = list(in_cycle)
    while frontier:
        wanted = {p for d in frontier if (p := parent_of(d)) is not None} - docs.keys()
        frontier = list(await parents(sorted(wanted))) if wanted else []
        docs.update((d["id"], d) for d in frontier)
    frontier = list(in_cycle)
    while frontier:
        below = [kr for d in frontier for kr in key_results(d)]
        found = await children(below) if below else []
        frontier = [d for d in found if d["id"] not in docs]
        docs.update((d["id"], d) for d in frontier)
    return docs


def places(docs: Mapping[str, Doc], cycle_id: str) -> list[Place]:
    """The tree of these objectives, depth-first: each one under the objective its
    parent key result belongs to when that objective is among them (a root when not),
    siblings in log order."""
    children: dict[str | None, list[Doc]] = {}
    for doc in sorted(docs.values(), key=lambda d: d["pos"]):
        parent = parent_of(doc)
        children.setdefault(parent if parent in docs else None, []).append(doc)
    found: list[Place] = []
    stack = [(doc, 0) for doc in reversed(children.get(None, []))]
    while stack:  # iterative: a deep cascade is no reason to fail
        doc, depth = stack.pop()
        inside = doc["cycle_id"] == cycle_id
        found.append(Place(doc["id"], depth, inside, doc["parent_key_result_id"]))
        stack.extend((child, depth + 1) for child in reversed(children.get(doc["id"], [])))
    return found


def row(cycle: Doc, found: Iterable[Place]) -> Doc:
    """The row the projector keeps for ``cycle`` (view ``trees``, id: the cycle's)."""
    return {
        "id": cycle["id"],
        "pos": cycle["pos"],
        "places": [[p.objective_id, p.depth, p.in_cycle, p.parent_key_result_id] for p in found],
    }


def places_of(tree_row: Doc) -> list[Place]:
    return [Place(o, depth, inside, parent) for o, depth, inside, parent in tree_row["places"]]


# -- what changes a tree ---------------------------------------------------------------


def key_results_ever(doc: Doc) -> list[str]:
    """Every key result the objective has had: children may still point at removed ones
    (the walk up follows them; only the walk down stops there)."""
    return [kr["id"] for kr in doc["key_results"]] + list(doc["removed_key_results"])


def moves_edges(before: Doc | None, after: Doc) -> bool:
    """Whether a change to an objective may change a tree.

    A key result added changes no tree by itself: an objective can point at a key
    result only once it exists (the domain checks), so one that does was created or
    re-pointed since, and its own change is what moves the tree.
    """
    if before is None:
        return True
    if any(before[f] != after[f] for f in ("cycle_id", "parent_key_result_id", "pos")):
        return True
    now = {kr["id"] for kr in after["key_results"]}
    return any(kr["id"] not in now for kr in before["key_results"])
