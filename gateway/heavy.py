"""Heavy queries: how many run at once, and where their computing happens.

A retrospective, an alignment audit or a team's trend computes over a whole cycle.
Hundreds of them at once used to fill the memory and the event loop until the
health probe stopped answering. Two rules keep the gateway responsive:

- **Turns.** At most ``OKRA_MAX_HEAVY_QUERIES`` heavy operations run at once per
  process. Others wait up to ``OKRA_HEAVY_QUEUE_SECONDS`` for a turn, then are refused
  (503 ``OVERLOADED`` with ``Retry-After``) rather than queueing without end.
- **Computing off the event loop.** Their pure-Python figures run in a small pool of
  threads of the same size (:meth:`HeavyWork.compute`), so probes and small queries
  are answered between their steps, and a request past its time budget ends at the
  deadline. Work whose request has gone is skipped if it has not started, and a
  computation still running holds its thread, so abandoned work never adds to the
  load beyond the pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Overloaded(Exception):
    """No turn came up in time: the client should retry after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many heavy queries at once; retry after {retry_after} s")
        self.retry_after = retry_after


class _Gone(Exception):
    """The request that wanted this computation ended before it started."""


class HeavyWork:
    def __init__(self, turns: int, wait: float) -> None:
        self.turns = turns
        self.wait = wait
        self._semaphore: asyncio.Semaphore | None = None
        self._pool = ThreadPoolExecutor(max_workers=turns, thread_name_prefix="okra-heavy")

    @property
    def semaphore(self) -> asyncio.Semaphore:
        if self._semaphore is None:  # made on the running loop, at first use
            self._semaphore = asyncio.Semaphore(self.turns)
        return self._semaphore

    @contextlib.asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Hold one of the turns for a heavy operation, or raise :class:`Overloaded`."""
        try:
            await asyncio.wait_for(self.semaphore.acquire(), timeout=self.wait)
        except TimeoutError:
            raise Overloaded(max(1, math.ceil(self.wait))) from None
        try:
            yield
        finally:
            self.semaphore.release()

    async def compute(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(*args, **kwargs)`` in the heavy pool; pure computation only (no I/O)."""
        gone = threading.Event()

        def run() -> T:
            if gone.is_set():
                raise _Gone
            return work(*args, **kwargs)

        future = self._pool.submit(run)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            gone.set()
            future.cancel()
            raise

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
