"""The webhook dispatcher's tables, beside the views: its tracking position in the log,
the deliveries it enqueued, and the key webhook secrets are derived from.

Enqueueing is exactly-once for the same reason projection is: a batch's deliveries
and the position it reaches commit in one transaction, the position moved by
compare-and-set, and a delivery's id is made from its webhook and the event's log
position (inserting it twice inserts it once). Sending is at-least-once: a gateway
*claims* due deliveries by pushing their ``next_at`` a lease ahead (on PostgreSQL with
``FOR UPDATE SKIP LOCKED``, so several gateways take different rows; on SQLite one
writer at a time), sends them, and records the outcome. A gateway that dies mid-send
leaves its claims to come due again when the lease ends: the receiver may see a
delivery twice, always with the same ``webhook-id``.

These tables are not views: a rebuild of the views leaves them alone. Times are UTC
ISO text with microseconds, so text order is time order on both databases.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import asyncpg

from projections.sqlite import _Transaction
from projections.store import TrackingConflict

DELIVERIES = "okra_webhook_deliveries"
TRACKING = "okra_webhook_tracking"
KEYS = "okra_webhook_keys"
DISPATCHER = "webhooks"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"  # waiting for its first attempt, or for the next
    DELIVERED = "DELIVERED"  # the receiver answered 2xx
    FAILED = "FAILED"  # 24 hours of failures, or its webhook is disabled


PENDING, DELIVERED, FAILED = DeliveryStatus.PENDING, DeliveryStatus.DELIVERED, DeliveryStatus.FAILED

COLUMNS = (
    "id",
    "webhook_id",
    "position",
    "event_type",
    "body",
    "status",
    "attempts",
    "next_at",
    "created_at",
    "retry_since",
    "last_attempt_at",
    "response_code",
    "latency_ms",
    "error",
    "delivered_at",
)


def moment(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Delivery:
    id: str
    webhook_id: str
    position: int
    event_type: str
    body: str  # exactly the bytes sent (UTF-8), signed afresh at every attempt
    status: str
    attempts: int
    next_at: str
    created_at: str
    retry_since: str  # when the current run of attempts began (24 hours of them at most)
    last_attempt_at: str | None = None
    response_code: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    delivered_at: str | None = None

    @classmethod
    def of(cls, row: Sequence[Any]) -> Delivery:
        return cls(*row)


@dataclass(frozen=True)
class Outcome:
    """What an attempt found: the delivery's new status and when to try next."""

    status: str
    attempts: int
    next_at: str
    last_attempt_at: str
    response_code: int | None
    latency_ms: float | None
    error: str | None
    delivered_at: str | None


def _schema(float_type: str) -> list[str]:
    columns = (
        "id text PRIMARY KEY, webhook_id text NOT NULL, position bigint NOT NULL, "
        "event_type text NOT NULL, body text NOT NULL, status text NOT NULL, "
        "attempts integer NOT NULL, next_at text NOT NULL, created_at text NOT NULL, "
        "retry_since text NOT NULL, last_attempt_at text, response_code integer, "
        f"latency_ms {float_type}, error text, delivered_at text"
    )
    return [
        f"CREATE TABLE IF NOT EXISTS {DELIVERIES} ({columns})",
        f"CREATE INDEX IF NOT EXISTS {DELIVERIES}_due ON {DELIVERIES} (status, next_at)",
        f"CREATE INDEX IF NOT EXISTS {DELIVERIES}_webhook ON {DELIVERIES} (webhook_id, position)",
        f"CREATE TABLE IF NOT EXISTS {TRACKING} (name text PRIMARY KEY, position bigint NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {KEYS} (name text PRIMARY KEY, secret text NOT NULL)",
    ]


_INIT = [
    (f"INSERT INTO {TRACKING} (name, position) VALUES ($1, $2) ON CONFLICT DO NOTHING", "tracking"),
    (f"INSERT INTO {KEYS} (name, secret) VALUES ($1, $2) ON CONFLICT DO NOTHING", "key"),
]
_ADVANCE = f"UPDATE {TRACKING} SET position = $1 WHERE name = $2 AND position = $3"
_INSERT = (
    f"INSERT INTO {DELIVERIES} ({', '.join(COLUMNS)}) VALUES "
    f"({', '.join(f'${i + 1}' for i in range(len(COLUMNS)))}) ON CONFLICT (id) DO NOTHING"
)
_RESET = (
    f"UPDATE {DELIVERIES} SET status = '{PENDING}', next_at = $1, retry_since = $2 WHERE id = $3"
)
_CLAIM = (
    f"UPDATE {DELIVERIES} SET next_at = $1 WHERE id IN (SELECT id FROM {DELIVERIES} "
    f"WHERE status = '{PENDING}' AND next_at <= $2 ORDER BY next_at, position LIMIT $3{{lock}}) "
    f"RETURNING {', '.join(COLUMNS)}"
)
_FINISH = (
    f"UPDATE {DELIVERIES} SET status = $1, attempts = $2, next_at = $3, last_attempt_at = $4, "
    "response_code = $5, latency_ms = $6, error = $7, delivered_at = $8 WHERE id = $9"
)
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM {DELIVERIES}"


class DeliveryStore(ABC):
    """The dispatcher's tables in the views' database (see the module's docstring)."""

    @abstractmethod
    async def open(self, start: int = 0) -> None:
        """Create the tables if missing; a new tracking row starts at ``start`` (the log's
        head: a store imported from elsewhere, or from a release without webhooks, does
        not send its whole past to the webhooks it holds)."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def _fetch(self, sql: str, *params: Any) -> list[Sequence[Any]]: ...

    @abstractmethod
    async def _enqueue(
        self, start: int, end: int, rows: list[tuple[Any, ...]], resets: list[tuple[str, str, str]]
    ) -> None: ...

    @abstractmethod
    async def claim(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        """Take up to ``limit`` due deliveries, hidden from other claims until ``until``."""

    async def key(self) -> str:
        """The random key webhook secrets are derived from (made once per database)."""
        rows = await self._fetch(f"SELECT secret FROM {KEYS} WHERE name = $1", "signing")
        return str(rows[0][0])

    async def position(self) -> int:
        rows = await self._fetch(f"SELECT position FROM {TRACKING} WHERE name = $1", DISPATCHER)
        return int(rows[0][0]) if rows else 0

    async def enqueue(
        self,
        start: int,
        end: int,
        deliveries: Sequence[Delivery],
        redeliveries: Sequence[str],
        now: datetime,
    ) -> None:
        """Insert the deliveries of the events in (start, end], reset those to send
        again, and move the position to ``end``: all or nothing (``TrackingConflict``
        if another dispatcher moved it first)."""
        rows = [tuple(getattr(d, c) for c in COLUMNS) for d in deliveries]
        await self._enqueue(start, end, rows, [(moment(now), moment(now), i) for i in redeliveries])

    async def finish(self, delivery: Delivery, outcome: Outcome) -> None:
        o = outcome
        await self._fetch(
            _FINISH + " RETURNING id",
            o.status,
            o.attempts,
            o.next_at,
            o.last_attempt_at,
            o.response_code,
            o.latency_ms,
            o.error,
            o.delivered_at,
            delivery.id,
        )

    async def get(self, delivery_id: str) -> Delivery | None:
        rows = await self._fetch(f"{_SELECT} WHERE id = $1", delivery_id)
        return Delivery.of(rows[0]) if rows else None

    async def find(
        self,
        webhook_id: str,
        limit: int,
        after: int | None = None,
        before: int | None = None,
        descending: bool = False,
    ) -> list[Delivery]:
        """A webhook's deliveries in log order (newest first with ``descending``), past
        log position ``after`` and short of ``before`` in that order, as the views'
        ``find`` reads a view."""
        later, earlier = (">", "<") if not descending else ("<", ">")
        where: list[str] = ["webhook_id = $1"]
        params: list[Any] = [webhook_id]
        for bound, op in ((after, later), (before, earlier)):
            if bound is not None:
                params.append(bound)
                where.append(f"position {op} ${len(params)}")
        params.append(limit)
        rows = await self._fetch(
            f"{_SELECT} WHERE {' AND '.join(where)} "
            f"ORDER BY position {'DESC' if descending else 'ASC'} LIMIT ${len(params)}",
            *params,
        )
        return [Delivery.of(r) for r in rows]

    async def count(self, webhook_id: str) -> int:
        rows = await self._fetch(
            f"SELECT count(*) FROM {DELIVERIES} WHERE webhook_id = $1", webhook_id
        )
        return int(rows[0][0])


def _qmarks(sql: str) -> str:
    return re.sub(r"\$\d+", "?", sql)


class SQLiteDeliveryStore(DeliveryStore):
    """On SQLite: a connection of its own to the views' file (one writer at a time, so
    claims never overlap)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the delivery store is not open")
        return self._conn

    async def open(self, start: int = 0) -> None:
        self._conn = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=0.02
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        async with _Transaction(self.conn) as conn:
            for statement in _schema("double precision"):
                conn.execute(statement)
            conn.execute(_qmarks(_INIT[0][0]), (DISPATCHER, start))
            conn.execute(_qmarks(_INIT[1][0]), ("signing", secrets.token_urlsafe(32)))

    async def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def _fetch(self, sql: str, *params: Any) -> list[Sequence[Any]]:
        if sql.lstrip().upper().startswith("SELECT"):
            return list(self.conn.execute(_qmarks(sql), params).fetchall())
        async with _Transaction(self.conn) as conn:
            return list(conn.execute(_qmarks(sql), params).fetchall())

    async def _enqueue(
        self, start: int, end: int, rows: list[tuple[Any, ...]], resets: list[tuple[str, str, str]]
    ) -> None:
        async with _Transaction(self.conn) as conn:
            if conn.execute(_qmarks(_ADVANCE), (end, DISPATCHER, start)).rowcount != 1:
                raise TrackingConflict(f"the dispatcher is no longer at position {start}")
            conn.executemany(_qmarks(_INSERT), rows)
            conn.executemany(_qmarks(_RESET), resets)

    async def claim(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        sql = _qmarks(_CLAIM.format(lock=""))
        async with _Transaction(self.conn) as conn:
            rows = conn.execute(sql, (moment(until), moment(now), limit)).fetchall()
        return [Delivery.of(r) for r in rows]


class PostgresDeliveryStore(DeliveryStore):
    """On PostgreSQL: the views' pool; claims skip rows another gateway has locked."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def open(self, start: int = 0) -> None:
        from projections.postgres import DDL_LOCK

        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", DDL_LOCK)
            for statement in _schema("double precision"):
                await conn.execute(statement)
            await conn.execute(_INIT[0][0], DISPATCHER, start)
            await conn.execute(_INIT[1][0], "signing", secrets.token_urlsafe(32))

    async def close(self) -> None:
        pass  # the pool is the views'

    async def _fetch(self, sql: str, *params: Any) -> list[Sequence[Any]]:
        return list(await self.pool.fetch(sql, *params))

    async def _enqueue(
        self, start: int, end: int, rows: list[tuple[Any, ...]], resets: list[tuple[str, str, str]]
    ) -> None:
        async with self.pool.acquire() as conn, conn.transaction():
            if await conn.execute(_ADVANCE, end, DISPATCHER, start) != "UPDATE 1":
                raise TrackingConflict(f"the dispatcher is no longer at position {start}")
            if rows:
                await conn.executemany(_INSERT, rows)
            if resets:
                await conn.executemany(_RESET, resets)

    async def claim(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        sql = _CLAIM.format(lock=" FOR UPDATE SKIP LOCKED")
        rows = await self.pool.fetch(sql, moment(until), moment(now), limit)
        return [Delivery.of(tuple(r)) for r in rows]


def body_json(value: Any) -> str:
    """JSON as sent: compact, UTF-8 (see the dispatcher for what goes in)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
