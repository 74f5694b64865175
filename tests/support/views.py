"""Comparing read models: what the live views hold against a build from zero, or
against what the handlers make of the same events in memory."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.application.okra import Okra
from domain.model.base import OkraAggregate
from gateway.backend import make_store
from gateway.settings import Settings
from projections.documents import Batch
from projections.handlers import apply
from projections.projector import Projector
from projections.store import ViewStore
from projections.views import ALL_VIEWS, DERIVED


async def dump(store: ViewStore) -> dict[str, list[dict[str, Any]]]:
    # In (pos, id) order: derived rows may share a position.
    return {
        view.name: sorted(await store.find(view, {}), key=lambda d: (d["pos"], d["id"]))
        for view in ALL_VIEWS
    }


async def built_from_zero(app: Okra, settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Project the whole log into scratch tables and return their contents."""
    scratch = make_store(settings, "__check")
    await scratch.open()
    try:
        await scratch.reset()
        await Projector(app, scratch, batch_size=1000).catch_up()
        return await dump(scratch)
    finally:
        await scratch.drop()
        await scratch.close()


def projected(events: Iterable[OkraAggregate.Event]) -> dict[str, list[dict[str, Any]]]:
    """What the handlers make of the events in memory, with no store: one batch that
    holds every document, shaped as :func:`dump` answers."""
    batch = Batch({})
    for position, event in enumerate(events, 1):
        apply(event, position, batch)
    return {
        view.name: list(batch.docs.get(view.name, {}).values())
        for view in ALL_VIEWS
        if view not in DERIVED  # derived by the projector from the others, not by handlers
    }
