"""What a query read is handed back when it is answered, not left to the cyclic collector.

The request's DataLoaders sit in reference cycles; before ReleaseReads every document a
query loaded (83,000 objects for an alignment tree at a million events) waited for a
full collection, which then stalled the server for 0.6 s (gateway/schema/release.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tests.support.api import Api

TREE = """query($c: ID!) { alignment(cycleId: $c) {
    nodes { depth objective { id title score keyResults { id title score } } } } }"""


@pytest.fixture
def saved_garbage() -> Iterator[list[object]]:
    """The objects the cyclic collector finds unreachable, kept for the test to read."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        yield gc.garbage
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.collect()


async def test_an_answered_query_leaves_no_document_in_cycles(
    api: Api, saved_garbage: list[object]
) -> None:
    org = await api.team("Acme")
    year = await api.year()
    made = []
    for number in range(30):
        objective = await api.objective(year, org, f"Objective {number}")
        await api.key_result(objective["id"], f"Result {number}", startValue=0, targetValue=9)
        made.append(objective["id"])
    await api.data(TREE, c=year)  # warm: the caches of the schema, not the answer's
    gc.collect()
    saved_garbage.clear()
    nodes = (await api.data(TREE, c=year))["alignment"]["nodes"]
    assert {n["objective"]["id"] for n in nodes} == set(made)
    gc.collect()
    documents = [
        o for o in saved_garbage if isinstance(o, dict) and "key_results" in o and "pos" in o
    ]
    assert documents == []
