"""Live updates: committed events fanned out to GraphQL subscriptions.

The feed follows the views' position, wherever the projector runs: once the views
pass a position (this process's projector committed, or another process's did and
said so over NOTIFY), the feed reads the events up to it from the log and hands
them to every subscriber. A subscriber therefore never hears of a change before a
query could see it, and a client on one gateway hears of writes made on another.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from domain.application.okra import Okra
from projections.projector import Logged, PositionWatch, read_log

log = logging.getLogger("okra.feed")
QUEUE_LIMIT = 10_000


class FellBehind(Exception):
    """A subscriber did not keep up with the feed and was dropped."""


class ChangeFeed:
    def __init__(self, app: Okra, watch: PositionWatch) -> None:
        self.app = app
        self.watch = watch
        self.published = 0
        self.subscribers: set[asyncio.Queue[Logged | None]] = set()

    async def run(self) -> None:
        self.published = self.watch.position
        while True:
            await self.watch.wait_beyond(self.published)
            target = self.watch.position
            if not self.subscribers:
                self.published = target
                continue
            while self.published < target:
                events = await read_log(self.app, self.published, 500, stop=target)
                if not events:
                    break
                for logged in events:
                    self._publish(logged)
                self.published = events[-1][0]
            self.published = max(self.published, target)

    def _publish(self, logged: Logged) -> None:
        for queue in list(self.subscribers):
            try:
                queue.put_nowait(logged)
            except asyncio.QueueFull:
                self.subscribers.discard(queue)
                queue.get_nowait()  # make room for the end-of-stream marker
                queue.put_nowait(None)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[AsyncIterator[Logged]]:
        queue: asyncio.Queue[Logged | None] = asyncio.Queue(QUEUE_LIMIT)
        self.subscribers.add(queue)

        async def events() -> AsyncIterator[Logged]:
            while True:
                logged = await queue.get()
                if logged is None:
                    raise FellBehind("this subscription fell behind the feed; subscribe again")
                yield logged

        try:
            yield events()
        finally:
            self.subscribers.discard(queue)
