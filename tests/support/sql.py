"""Counting the SQL statements a store runs, on SQLite and on PostgreSQL alike.

For performance tests: run a request inside ``statements(store)`` and look at what
reached the database. Counted at the driver (SQLite's trace callback, asyncpg's query
logger on every connection of the pool), so a statement issued any way at all is seen.

    async with statements(api.backend.store) as seen:
        await api.data(DASHBOARD, c=cycle)
    assert len(view_reads(seen)) <= 6, seen
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from typing import Any

from projections.postgres import PostgresViewStore
from projections.sqlite import SQLiteViewStore
from projections.store import ViewStore

# Bookkeeping tables, read by sign-in and by the projector on its own schedule.
_BOOKKEEPING = ("okra_tracking", "okra_tokens")
_READS_VIEWS = re.compile(r"\bFROM\s+(okra_\w+)", re.I)


@contextlib.asynccontextmanager
async def statements(store: ViewStore) -> AsyncIterator[list[str]]:
    """Every statement ``store`` sends to its database while the block runs, in order."""
    seen: list[str] = []
    recording = True

    def record(sql: str) -> None:
        if recording:
            seen.append(sql)

    if isinstance(store, SQLiteViewStore):
        store.conn.set_trace_callback(record)
        try:
            yield seen
        finally:
            recording = False
            store.conn.set_trace_callback(None)
    elif isinstance(store, PostgresViewStore):
        # Hold every connection the pool may hand out, so each gets the logger, then
        # give them back (asyncpg's release resets them; the reset is logged too).
        pool = store.pool
        held = [await pool.acquire() for _ in range(pool.get_max_size())]

        def logged(query: Any) -> None:
            record(query.query)

        try:
            for connection in held:
                connection.add_query_logger(logged)
        finally:
            for connection in held:
                await pool.release(connection)
        seen.clear()
        try:
            yield seen
            await asyncio.sleep(0)  # asyncpg calls query loggers on the next loop turn
        finally:
            recording = False  # the logger stays on the connections, silent
    else:
        raise TypeError(f"cannot count the statements of {type(store).__name__}")


def view_reads(seen: list[str]) -> list[str]:
    """The statements that read OKRA's views (not sign-in's tokens, not tracking)."""
    return [
        sql
        for sql in seen
        if (match := _READS_VIEWS.search(sql)) and not match.group(1).startswith(_BOOKKEEPING)
    ]
