"""Counting the SQL the command side (eventsourcing's recorder) sends, on both backends.

The view side is counted by :func:`tests.support.sql.statements`; this is its twin for the
event store, so a test can say what one command costs: its statements and its
write transactions. Counted at the driver: SQLite's trace callback on the
connections of eventsourcing's pool, and on PostgreSQL a psycopg cursor class that
records what it executes, set on the connections of eventsourcing's psycopg pool.
A write transaction is one that appends events: on PostgreSQL it starts with
eventsourcing's ``LOCK TABLE``, on SQLite it is the ``BEGIN`` of a writer.

    with event_statements(app) as seen:
        app.record_check_in(...)
    assert len(writes(seen)) == 1
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import psycopg
from eventsourcing.application import Application

_WRITES = re.compile(r"^\s*(LOCK TABLE|INSERT INTO)\b", re.I)
_INSERTS = re.compile(r"^\s*INSERT INTO\s+\S*events\b", re.I)


class _Recorded:
    def __init__(self) -> None:
        self.seen: list[str] = []
        self.on = False

    def __call__(self, sql: str) -> None:
        if self.on:
            self.seen.append(sql)


@contextlib.contextmanager
def event_statements(app: Application[Any]) -> Iterator[list[str]]:
    """Every statement the application's event store runs while the block runs."""
    recorded = _Recorded()
    datastore = app.recorder.datastore  # type: ignore[attr-defined]
    pool = datastore.pool
    if hasattr(pool, "getconn"):  # psycopg_pool: the PostgreSQL module
        held = [pool.getconn() for _ in range(pool.max_size)]

        class Counting(psycopg.Cursor[Any]):
            def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
                recorded(_text(query, self.connection))
                return super().execute(query, *args, **kwargs)

            def executemany(self, query: Any, *args: Any, **kwargs: Any) -> Any:
                recorded(_text(query, self.connection))
                return super().executemany(query, *args, **kwargs)

        for conn in held:
            conn.cursor_factory = Counting
        for conn in held:
            pool.putconn(conn)
    else:  # eventsourcing's own pool of sqlite3 connections
        held = [pool.get_connection() for _ in range(pool.pool_size)]
        for conn in held:
            conn._sqlite_conn.set_trace_callback(recorded)
        for conn in held:
            pool.put_connection(conn)
    recorded.on = True
    try:
        yield recorded.seen
    finally:
        recorded.on = False


def _text(query: Any, conn: psycopg.Connection[Any]) -> str:
    return query if isinstance(query, str) else query.as_string(conn)


def write_transactions(seen: list[str]) -> int:
    """Transactions that appended events (one LOCK TABLE, or one writer's BEGIN, each)."""
    locks = sum(1 for sql in seen if re.match(r"^\s*LOCK TABLE", sql, re.I))
    if locks:
        return locks
    # SQLite: one INSERT per appended event, the events of one save() back to back.
    runs, previous = 0, False
    for sql in seen:
        inserting = bool(_INSERTS.match(sql))
        runs += inserting and not previous
        previous = inserting
    return runs


def writes(seen: list[str]) -> list[str]:
    return [sql for sql in seen if _WRITES.match(sql)]
