"""Read models in an embedded SQLite file.

One connection serves both the projector and the queries of one process. Its
statements take well under a millisecond, so they run on the event loop directly
rather than paying a thread hop each; WAL mode lets other processes (a CLI
rebuild, a second reader) work beside it.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from projections.documents import Batch, Doc
from projections.store import TrackingConflict, ViewStore, Where
from projections.views import ALL_VIEWS, PROJECTION, View

# SQLite's own busy wait blocks the calling thread (here: the event loop), so keep it
# short and wait for the write lock asynchronously instead (see _Transaction).
BUSY_TIMEOUT = 0.02
LOCK_WAIT = 30.0


class SQLiteViewStore(ViewStore):
    def __init__(self, path: Path | str, suffix: str = "") -> None:
        super().__init__(suffix)
        self.path = str(path)
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the view store is not open")
        return self._conn

    async def open(self) -> None:
        if self._conn is not None:
            return
        conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT
        )
        conn.execute("PRAGMA journal_mode=WAL")
        # Views are rebuildable from the log, so an fsync per batch buys nothing.
        conn.execute("PRAGMA synchronous=NORMAL")
        self._conn = conn
        await self._create()

    async def _create(self) -> None:
        async with self._transaction() as conn:
            for statement in self.create_statements():
                conn.execute(statement)
            conn.execute(self.init_tracking_statement())

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    async def tracking(self) -> tuple[int, int] | None:
        row = self.conn.execute(
            f"SELECT position, schema_version FROM {self.tracking_table} WHERE projection = ?",
            (PROJECTION,),
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    async def load(self, view: View, ids: Iterable[str]) -> dict[str, Doc]:
        wanted = list(ids)
        if not wanted:
            return {}
        rows = self.conn.execute(
            f"SELECT id, doc FROM {self.table(view)} WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(wanted),),
        ).fetchall()
        return {row[0]: json.loads(row[1]) for row in rows}

    async def commit(self, batch: Batch, start: int, end: int) -> None:
        async with self._transaction() as conn:
            moved = conn.execute(self.advance_statement(), (end, start)).rowcount
            if moved != 1:
                raise TrackingConflict(f"views are no longer at position {start}")
            for view in ALL_VIEWS:
                docs = batch.dirty.get(view.name)
                if docs:
                    conn.executemany(
                        self.upsert_statement(view), self.upsert_rows(view, docs.values())
                    )

    async def reset(self, *, indexes: bool = True) -> None:
        async with self._transaction() as conn:
            for statement in self.drop_statements():
                conn.execute(statement)
            for statement in self.create_statements(indexes):
                conn.execute(statement)
            conn.execute(self.init_tracking_statement())

    async def build_indexes(self) -> None:
        async with self._transaction() as conn:
            for statement in self.index_statements():
                conn.execute(statement)

    async def drop(self) -> None:
        async with self._transaction() as conn:
            for statement in self.drop_statements():
                conn.execute(statement)

    async def swap_into(self, live: ViewStore) -> None:
        assert isinstance(live, SQLiteViewStore)
        # BEGIN IMMEDIATE takes the write lock: no projector commits in between.
        async with self._transaction() as conn:
            for view in (*ALL_VIEWS, "tracking"):
                conn.execute(f"DROP TABLE IF EXISTS {live.table(view)}")
                conn.execute(f"ALTER TABLE {self.table(view)} RENAME TO {live.table(view)}")
            _rename_indexes(conn, self, live)

    async def find(
        self,
        view: View,
        where: Where,
        limit: int | None = None,
        after: int | None = None,
        descending: bool = False,
        before: int | None = None,
    ) -> list[Doc]:
        sql, params = self.select_statement(
            view, where, limit, after, descending=descending, before=before
        )
        return [json.loads(row[0]) for row in self.conn.execute(sql, params)]

    async def count(self, view: View, where: Where) -> int:
        sql, params = self.select_statement(view, where, what="count(*)")
        return int(self.conn.execute(sql, params).fetchone()[0])

    async def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.conn.execute(sql, list(params))]

    def placeholder(self, index: int) -> str:
        return "?"

    def any_clause(self, column: str, index: int) -> str:
        return f"{column} IN (SELECT value FROM json_each(?))"

    def encode_list(self, values: list[str]) -> Any:
        return json.dumps(values)

    def encode(self, doc: Doc) -> Any:
        return json.dumps(doc, separators=(",", ":"))


def _rename_indexes(conn: sqlite3.Connection, shadow: ViewStore, live: ViewStore) -> None:
    """Indexes keep their shadow names after a table rename; recreate the live ones."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE ?",
        (f"{shadow.prefix}%{shadow.suffix}_%",),
    ).fetchall()
    for (name,) in rows:
        if shadow.suffix and shadow.suffix in name:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
    for statement in live.create_statements():
        conn.execute(statement)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, waiting for the write lock without blocking the
    event loop: another process (``okra rebuild``, ``okra report``) may hold it for a
    while, and SQLite's own busy wait would freeze every request of this one."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    async def __aenter__(self) -> sqlite3.Connection:
        deadline = time.monotonic() + LOCK_WAIT
        delay = 0.001
        while True:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return self.conn
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
