"""Read models in PostgreSQL, through an asyncpg pool.

Documents are ``jsonb``; the pool's connections encode and decode them with ``orjson``
once, in the driver (several times faster than ``json``). Each committed batch also
sends ``NOTIFY`` with the new position on :attr:`PostgresViewStore.channel`,
delivered only if the transaction commits, so other processes' readers learn of new
views without polling.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg
import orjson

from projections.documents import Batch, Doc
from projections.store import TrackingConflict, ViewStore, Where
from projections.views import ALL_VIEWS, PROJECTION, View

# Serialises schema creation and swaps between processes sharing a database.
DDL_LOCK = 0x6F6B7261  # "okra"


def _encode_jsonb(value: Any) -> bytes:
    return b"\x01" + orjson.dumps(value)  # jsonb's binary format: version 1, then text


def _decode_jsonb(data: bytes) -> Any:
    return orjson.loads(data[1:])


async def _init_connection(conn: asyncpg.Connection) -> None:
    # Binary, which COPY (append-only views) needs; it also skips a text conversion.
    await conn.set_type_codec(
        "jsonb", encoder=_encode_jsonb, decoder=_decode_jsonb, schema="pg_catalog", format="binary"
    )


async def _reset_connection(conn: asyncpg.Connection) -> None:
    """What a released connection needs: OKRA's pool connections never LISTEN, hold
    session locks or change settings (those use connections of their own), so
    asyncpg's default reset (a round trip on every release) is only a rollback of a
    transaction left open, which ``conn.transaction()`` blocks leave only when cut."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def create_pool(
    dsn: str, schema: str = "public", *, min_size: int = 1, max_size: int = 10
) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=_init_connection,
        reset=_reset_connection,
        server_settings={"search_path": schema, "application_name": "okra"},
    )


def views_channel(schema: str) -> str:
    return f"okra_views.{schema}"


class PostgresViewStore(ViewStore):
    doc_type = "jsonb"

    def __init__(
        self,
        dsn: str,
        schema: str = "public",
        suffix: str = "",
        pool: asyncpg.Pool | None = None,
        pool_size: int = 10,
    ) -> None:
        super().__init__(suffix)
        self.dsn = dsn
        self.schema = schema
        self.channel = views_channel(schema)
        self._pool = pool
        self._owns_pool = pool is None
        self.pool_size = pool_size

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            raise RuntimeError("the view store is not open")
        return self._pool

    async def open(self) -> None:
        if self._pool is None:
            self._pool = await create_pool(self.dsn, self.schema, max_size=self.pool_size)
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", DDL_LOCK)
            for statement in self.create_statements():
                await conn.execute(statement)
            await conn.execute(self.init_tracking_statement())

    async def close(self) -> None:
        if self._pool is not None and self._owns_pool:
            await self._pool.close()
        self._pool = None

    async def tracking(self) -> tuple[int, int] | None:
        row = await self.pool.fetchrow(
            f"SELECT position, schema_version FROM {self.tracking_table} WHERE projection = $1",
            PROJECTION,
        )
        return (int(row[0]), int(row[1])) if row else None

    async def load(self, view: View, ids: Iterable[str]) -> dict[str, Doc]:
        wanted = list(ids)
        if not wanted:
            return {}
        rows = await self.pool.fetch(
            f"SELECT id, doc FROM {self.table(view)} WHERE id = ANY($1::text[])", wanted
        )
        return {row[0]: row[1] for row in rows}

    async def commit(self, batch: Batch, start: int, end: int) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            moved = await conn.execute(self.advance_statement(), end, start)
            if moved != "UPDATE 1":
                raise TrackingConflict(f"views are no longer at position {start}")
            for view in ALL_VIEWS:
                docs = batch.dirty.get(view.name)
                if not docs:
                    continue
                rows = self.upsert_rows(view, docs.values())
                if view.append_only:
                    # New rows only (the tracking update above fails for a batch that
                    # was committed before), so COPY: one round trip, no conflict checks.
                    names = ["id", *view.column_names, "doc"]
                    await conn.copy_records_to_table(self.table(view), records=rows, columns=names)
                else:
                    await conn.executemany(self.upsert_statement(view), rows)
            if not self.suffix:
                await conn.execute("SELECT pg_notify($1, $2)", self.channel, str(end))

    async def reset(self, *, indexes: bool = True) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", DDL_LOCK)
            for statement in (*self.drop_statements(), *self.create_statements(indexes)):
                await conn.execute(statement)
            await conn.execute(self.init_tracking_statement())

    async def build_indexes(self) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            for statement in self.index_statements():
                await conn.execute(statement)
        # Tables filled in bulk have no statistics until autovacuum gets to them; the
        # planner would guess (and pick a scan in pos order over a cycle's index).
        async with self.pool.acquire() as conn:
            for view in (*ALL_VIEWS, "tracking"):
                await conn.execute(f"ANALYZE {self.table(view)}")

    async def drop(self) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            for statement in self.drop_statements():
                await conn.execute(statement)

    async def swap_into(self, live: ViewStore) -> None:
        assert isinstance(live, PostgresViewStore)
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", DDL_LOCK)
            for view in (*ALL_VIEWS, "tracking"):
                await conn.execute(f"DROP TABLE IF EXISTS {live.table(view)}")
                await conn.execute(f"ALTER TABLE {self.table(view)} RENAME TO {live.table(view)}")
                indexes = await conn.fetch(
                    "SELECT indexname FROM pg_indexes "
                    "WHERE schemaname = current_schema() AND tablename = $1",
                    live.table(view),
                )
                for (name,) in indexes:
                    if self.suffix in name:
                        new_name = name.replace(self.suffix, live.suffix)
                        await conn.execute(f"ALTER INDEX {name} RENAME TO {new_name}")
            position = await conn.fetchval(f"SELECT position FROM {live.tracking_table}")
            await conn.execute("SELECT pg_notify($1, $2)", live.channel, str(position or 0))

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
        return [row[0] for row in await self.pool.fetch(sql, *params)]

    async def count(self, view: View, where: Where) -> int:
        sql, params = self.select_statement(view, where, what="count(*)")
        return int(await self.pool.fetchval(sql, *params))

    async def rows(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await self.pool.fetch(sql, *params)]

    def placeholder(self, index: int) -> str:
        return f"${index}"

    def any_clause(self, column: str, index: int) -> str:
        return f"{column} = ANY(${index}::text[])"

    def encode(self, doc: Doc) -> Any:
        return doc
