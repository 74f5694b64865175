"""The dispatch of events to projection handlers, and of every event to the observers.

Handlers are pure Python over documents (see :mod:`projections.documents`), so the
SQLite and PostgreSQL stores share them and a batch of events is applied in memory
before one write. Every event changes only the document of its own aggregate
(check-ins also insert a row), which is what lets the projector preload a whole
batch's documents in one query per view.

Each feature module of this package registers its handlers on :func:`project` (one
per event class, ``singledispatch`` picking the most specific); histories register
an :class:`Observer`. The package's ``__init__`` imports them all, so that importing
:mod:`projections.handlers` yields the complete projection.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, singledispatch
from typing import Protocol

from domain.model.base import OkraAggregate
from projections.documents import Batch, Doc, iso
from projections.views import (
    ACTIONS,
    BETS,
    CYCLES,
    DATA_SOURCES,
    OBJECTIVES,
    PEOPLE,
    PORTFOLIOS,
    STRATEGY_MAPS,
    TEAMS,
    TOKENS,
    WEBHOOKS,
    View,
)

_VIEW_OF_AGGREGATE: dict[str, View] = {
    "Team": TEAMS,
    "Cycle": CYCLES,
    "Objective": OBJECTIVES,
    "Bet": BETS,
    "Portfolio": PORTFOLIOS,
    "ApiToken": TOKENS,
    "StrategyMap": STRATEGY_MAPS,
    "Person": PEOPLE,
    "Action": ACTIONS,
    "DataSource": DATA_SOURCES,
    "Webhook": WEBHOOKS,
}


def view_of(event: OkraAggregate.Event) -> View | None:
    """The view holding the document of the event's aggregate (some have none)."""
    return view_of_type(type(event))


@cache  # asked several times per event projected, always of a few dozen classes
def view_of_type(event_type: type) -> View | None:
    """The view holding the documents of that event class's aggregate."""
    return _VIEW_OF_AGGREGATE.get(event_type.__qualname__.split(".", 1)[0])


class Observer(Protocol):
    """A projection that sees every event beside the current-state documents.

    Histories (audit trail, trends) register one with :func:`observer`; the
    projector preloads what ``wants`` names and calls ``observe`` after the event's
    own document has been updated, in the same batch and transaction, with that
    document as it was before the event (``before``; None for a new one).
    """

    def wants(self, event: OkraAggregate.Event) -> Iterable[tuple[View, str]]: ...

    def observe(
        self, event: OkraAggregate.Event, pos: int, batch: Batch, before: Doc | None
    ) -> None: ...


OBSERVERS: list[Observer] = []


def observer(instance: Observer) -> Observer:
    OBSERVERS.append(instance)
    return instance


def wanted(event: OkraAggregate.Event) -> Iterable[tuple[View, str]]:
    """Every document applying ``event`` reads."""
    view = view_of(event)
    if view is not None:
        yield view, str(event.originator_id)
    for watcher in OBSERVERS:
        yield from watcher.wants(event)


def apply(event: OkraAggregate.Event, pos: int, batch: Batch) -> None:
    view = view_of(event)
    # Handlers build new documents rather than mutate, so this stays the old one.
    before = batch.get(view, str(event.originator_id)) if view is not None else None
    _apply_own(event, pos, batch)
    for watcher in OBSERVERS:
        watcher.observe(event, pos, batch, before)


def _apply_own(event: OkraAggregate.Event, pos: int, batch: Batch) -> None:
    view = view_of(event)
    if view is None:
        return
    doc = batch.get(view, str(event.originator_id))
    if doc is None and not isinstance(event, OkraAggregate.Created):
        return  # The aggregate predates this view (never happens on a full replay).
    new = project(event, doc, pos, batch)
    if new is not None:
        new["updated_at"] = iso(event.timestamp)
        new["updated_by"] = event.actor
        new["updated_pos"] = pos
        if getattr(event, "edits_entity", True):
            new["version"] = new.get("version", 0) + 1
        batch.put(view, new)


@singledispatch
def project(event: OkraAggregate.Event, doc: Doc | None, pos: int, batch: Batch) -> Doc | None:
    """Events that change nothing a view shows leave the documents alone."""
    return None
