"""A projector's PostgreSQL lease ends with it, even when its shutdown is cancelled.

The lease is a session-level advisory lock. If closing the lease's connection is itself
cancelled (a lifespan shutting down cancels its tasks), the session used to stay open
until the connection object was collected, and the next gateway on the same views
waited for it: a mutation's read-your-writes then timed out (seen once in the suite).
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import pytest

from projections.lease import PostgresLease


async def test_a_cancelled_release_still_frees_the_lease(
    pg_url: str, pg_schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = PostgresLease(pg_url, pg_schema)
    entered = asyncio.Event()

    async def hold() -> None:
        async with holder.held(poll_interval=0.05):
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(hold())
    await entered.wait()
    assert holder.conn is not None

    async def stalled_close(*args: Any, **kwargs: Any) -> None:
        await asyncio.Event().wait()  # a close that never gets its answer in time

    monkeypatch.setattr(asyncpg.connection.Connection, "close", stalled_close)
    task.cancel()  # leaves the context: release() starts closing
    await asyncio.sleep(0.05)
    task.cancel()  # and the shutdown cancels the close itself
    await asyncio.gather(task, return_exceptions=True)
    monkeypatch.undo()

    other = await asyncpg.connect(pg_url)
    try:
        for _ in range(40):  # the server ends the session once it sees the socket closed
            taken = await other.fetchval("SELECT pg_try_advisory_lock($1)", holder.key)
            if taken:
                break
            await asyncio.sleep(0.05)
    finally:
        await other.close()
    assert taken, "the lease outlived its holder's shutdown"
