"""The projector: follows the event log and keeps the views current.

eventsourcing's ``ProjectionRunner`` processes one event per transaction and needs
``subscribe()``, which its SQLite recorder does not implement. This runner uses the
same pieces underneath (``select_notifications`` and the application's mapper) but
applies events in batches, committing each batch's documents and its tracking
position in one transaction, which is what makes it exactly-once and fast to rebuild.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import anyio

from domain.application.okra import Okra
from domain.model.base import OkraAggregate
from projections.derived import derive, derive_all
from projections.documents import Batch, Doc
from projections.handlers import apply, wanted
from projections.store import TrackingConflict, ViewStore
from projections.views import VIEWS_BY_NAME, View

log = logging.getLogger("okra.projector")


@dataclass(frozen=True)
class Applied:
    """A committed batch: the events it applied and the position the views reached."""

    events: Sequence[tuple[int, OkraAggregate.Event]]
    position: int


class PositionWatch:
    """Lets readers wait until the views have reached a log position."""

    def __init__(self) -> None:
        self.position = 0
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._counter = itertools.count()

    def advance(self, position: int) -> None:
        if position <= self.position:
            return
        self.position = position
        while self._waiters and self._waiters[0][0] <= position:
            _, _, future = heapq.heappop(self._waiters)
            if not future.done():
                future.set_result(None)

    async def wait_beyond(self, position: int) -> None:
        """Wait, however long, until the views pass ``position``."""
        while self.position <= position:
            with contextlib.suppress(TimeoutError):
                await self.wait_for(position + 1, seconds=3600)

    async def wait_for(self, position: int | None, *, seconds: float) -> None:
        if position is None or position <= self.position:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (position, next(self._counter), future))
        try:
            await asyncio.wait_for(future, seconds)
        except TimeoutError:
            raise TimeoutError(
                f"the views did not reach log position {position} within {seconds:g} s"
            ) from None


Logged = tuple[int, OkraAggregate.Event]


async def read_log(app: Okra, after: int, limit: int, stop: int | None = None) -> list[Logged]:
    """Events after a log position (up to ``stop``), decoded, with their positions."""
    decode = app.mapper.to_domain_event

    def read() -> list[Logged]:
        notifications = app.recorder.select_notifications(
            after, limit, stop, inclusive_of_start=False
        )
        return [(n.id, cast(OkraAggregate.Event, decode(n))) for n in notifications]

    # Decoded in the worker thread too: a rebuild reads the next batch while it applies
    # the current one.
    return await anyio.to_thread.run_sync(read)


class Projector:
    def __init__(
        self,
        app: Okra,
        store: ViewStore,
        *,
        batch_size: int = 500,
        on_commit: Callable[[Applied], None] | None = None,
        remember: bool = False,
        derived: bool = True,
    ) -> None:
        self.app = app
        self.store = store
        self.batch_size = batch_size
        self.on_commit = on_commit
        self._wake = asyncio.Event()
        # The documents this projector committed, kept so that later batches need not
        # read them back: only for a store nobody else writes (a rebuild's shadow).
        self._memory: dict[str, dict[str, Doc]] | None = {} if remember else None
        self._position: int | None = None
        # Whether each batch also recomputes the rows derived from what it changed
        # (projections/derived.py); a rebuild derives them once, at the end.
        self.derived = derived

    def wake(self) -> None:
        self._wake.set()

    async def read(self, after: int, limit: int) -> list[Logged]:
        return await read_log(self.app, after, limit)

    async def run_batch(self) -> int:
        """Apply the next batch of events; the number applied (0: up to date)."""
        # The position this projector's last commit reached, else the store's (another
        # projector may have moved it: then the commit's compare-and-set fails).
        start = self._position if self._position is not None else await self.store.position()
        events = await self.read(start, self.batch_size)
        try:
            await self.apply_batch(events, start)
        except TrackingConflict:
            self._position = None
            raise
        if events:
            self._position = events[-1][0]
        return len(events)

    async def apply_batch(self, events: Sequence[Logged], start: int) -> None:
        """Apply events read after position ``start`` and commit them, in one transaction."""
        if not events:
            return
        batch = await self.prepare(events)
        if self.derived:
            await derive(self.store, batch)
        end = events[-1][0]
        await self.store.commit(batch, start, end)
        if self._memory is not None:
            for name, docs in batch.dirty.items():
                view = VIEWS_BY_NAME[name]
                if view.remembered and not view.append_only:
                    self._memory.setdefault(name, {}).update(docs)
        if self.on_commit is not None:
            self.on_commit(Applied(events, end))

    async def prepare(self, events: Sequence[tuple[int, Any]]) -> Batch:
        """Preload every document the batch touches, then apply the events in memory."""
        keys: dict[View, set[str]] = {}
        for _, event in events:
            for view, doc_id in wanted(event):
                keys.setdefault(view, set()).add(doc_id)
        loaded: dict[str, dict[str, Doc]] = {}
        for view, ids in keys.items():
            known = self._memory.get(view.name, {}) if self._memory is not None else {}
            missing = [i for i in ids if i not in known]
            docs = await self.store.load(view, missing) if missing else {}
            loaded[view.name] = {i: known[i] for i in ids if i in known} | docs
        batch = Batch(loaded)
        for position, event in events:
            apply(event, position, batch)
        return batch

    async def catch_up(self) -> int:
        total = 0
        while True:
            try:
                applied = await self.run_batch()
            except TrackingConflict:
                log.info("another projector advanced the views; re-reading position")
                continue
            total += applied
            if applied < self.batch_size:
                return total

    async def run(self, poll_interval: float = 1.0) -> None:
        """Keep the views current until cancelled; woken early by :meth:`wake`."""
        while True:
            self._wake.clear()
            try:
                await self.catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("projection batch failed; retrying")
                await asyncio.sleep(poll_interval)
            with anyio.move_on_after(poll_interval):
                await self._wake.wait()


async def rebuild(
    app: Okra,
    live: ViewStore,
    shadow: ViewStore,
    *,
    batch_size: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Build the views from zero beside the live ones, then swap them in at once.

    Readers keep using the live tables until the swap; after it, the live projector
    continues from wherever the rebuild stopped.
    """
    await shadow.open()
    await shadow.reset(indexes=False)
    head = await anyio.to_thread.run_sync(app.recorder.max_notification_id) or 0
    projector = Projector(app, shadow, batch_size=batch_size, remember=True, derived=False)
    done = 0
    started = time.monotonic()
    position = await shadow.position()
    reading = asyncio.ensure_future(projector.read(position, batch_size))
    try:
        while True:
            events = await reading
            if len(events) == batch_size:  # read the next batch while this one is applied
                reading = asyncio.ensure_future(projector.read(events[-1][0], batch_size))
            await projector.apply_batch(events, position)
            done += len(events)
            if progress is not None:
                progress(done, max(head, done))
            if len(events) < batch_size:
                break
            position = events[-1][0]
    finally:
        reading.cancel()
    await shadow.build_indexes()
    await derive_all(shadow)
    await shadow.swap_into(live)
    await shadow.close()
    log.info("rebuilt %d events in %.1f s", done, time.monotonic() - started)
    return done
