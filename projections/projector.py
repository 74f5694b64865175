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

from domain.application import Okra
from domain.base import OkraAggregate
from projections.handlers import Batch, apply, wanted
from projections.store import TrackingConflict, ViewStore
from projections.views import View

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
    notifications = await anyio.to_thread.run_sync(
        lambda: app.recorder.select_notifications(after, limit, stop, inclusive_of_start=False)
    )
    decode = app.mapper.to_domain_event
    return [(n.id, cast(OkraAggregate.Event, decode(n))) for n in notifications]


class Projector:
    def __init__(
        self,
        app: Okra,
        store: ViewStore,
        *,
        batch_size: int = 500,
        on_commit: Callable[[Applied], None] | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.batch_size = batch_size
        self.on_commit = on_commit
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def read(self, after: int, limit: int) -> list[Logged]:
        return await read_log(self.app, after, limit)

    async def run_batch(self) -> int:
        """Apply the next batch of events; the number applied (0: up to date)."""
        start = await self.store.position()
        events = await self.read(start, self.batch_size)
        if not events:
            return 0
        batch = await self.prepare(events)
        end = events[-1][0]
        await self.store.commit(batch, start, end)
        if self.on_commit is not None:
            self.on_commit(Applied(events, end))
        return len(events)

    async def prepare(self, events: Sequence[tuple[int, Any]]) -> Batch:
        """Preload every document the batch touches, then apply the events in memory."""
        keys: dict[View, set[str]] = {}
        for _, event in events:
            for view, doc_id in wanted(event):
                keys.setdefault(view, set()).add(doc_id)
        loaded = {view.name: await self.store.load(view, ids) for view, ids in keys.items()}
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
    await shadow.reset()
    head = await anyio.to_thread.run_sync(app.recorder.max_notification_id) or 0
    projector = Projector(app, shadow, batch_size=batch_size)
    done = 0
    started = time.monotonic()
    while True:
        applied = await projector.run_batch()
        done += applied
        if progress is not None:
            progress(done, max(head, done))
        if applied < batch_size:
            break
    await shadow.swap_into(live)
    await shadow.close()
    log.info("rebuilt %d events in %.1f s", done, time.monotonic() - started)
    return done
