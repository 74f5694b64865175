"""The projector on both stores: they hold exactly what the handlers make in memory.

The handlers are pure and shared by the SQLite and PostgreSQL stores; what a store
adds is preloading, batching and the JSON round trip. Small batches make the
projector preload documents batch after batch (one event per batch at the least), so
a document a handler reads but :func:`~projections.handlers.wanted` does not name
would show here (in memory every document is at hand).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from gateway.backend import make_app, make_store
from gateway.settings import Settings
from projections.projector import Projector, read_log
from projections.views import DERIVED
from tests.builders import year_of_work
from tests.support.views import dump, projected

Views = dict[str, list[dict[str, Any]]]


def normalised(views: Views) -> Views:
    """As JSON would give them back, each view's documents in id order."""
    return {
        name: sorted((json.loads(json.dumps(doc)) for doc in docs), key=lambda doc: doc["id"])
        for name, docs in views.items()
    }


@pytest.mark.parametrize("batch_size", [1, 5])  # every document preloaded, or some at hand
async def test_the_stores_hold_what_the_handlers_make_in_memory(
    settings: Settings, batch_size: int
) -> None:
    org = year_of_work()
    app = make_app(settings)
    store = make_store(settings)
    try:
        app.events.put(org.events)
        await store.open()
        applied = await Projector(app, store, batch_size=batch_size).catch_up()
        stored = await dump(store)
        for view in DERIVED:  # derived from the others, not made by handlers
            del stored[view.name]
        logged = [event for _, event in await read_log(app, 0, len(org.events) + 1)]
    finally:
        await store.close()
        app.close()
    assert applied == len(logged) == len(org.events)
    # What the handlers make does not depend on where the events come from...
    assert normalised(projected(logged)) == normalised(projected(org.events))
    # ...nor on the store that keeps it.
    assert normalised(stored) == normalised(projected(logged))
