"""Only one active projector per set of views: a lease, held while alive.

On PostgreSQL the lease is a session-level advisory lock on a dedicated connection:
when the holder dies, its session ends and PostgreSQL releases the lock, so a
standby that keeps asking takes over within one poll interval. On SQLite it is an
``flock`` on a file beside the views, released by the kernel when the process dies.
Holding the lease is an efficiency, not the guarantee: the tracking row's
compare-and-set keeps projection exactly-once even if two projectors overlapped.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import zlib
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg

log = logging.getLogger("okra.lease")


class Lease(ABC):
    @abstractmethod
    async def try_acquire(self) -> bool:
        """Take the lease if it is free; whether we now hold it."""

    @abstractmethod
    async def holds(self) -> bool:
        """Whether we still hold it (a lost connection loses the lease)."""

    @abstractmethod
    async def release(self) -> None: ...

    @contextlib.asynccontextmanager
    async def held(self, poll_interval: float) -> AsyncIterator[asyncio.Event]:
        """Wait until the lease is ours; the event yielded is set if it is lost."""
        while not await self.try_acquire():  # noqa: ASYNC110 - nothing to wait on but time
            await asyncio.sleep(poll_interval)
        lost = asyncio.Event()

        async def watch() -> None:
            while await self.holds():  # noqa: ASYNC110 - a dead peer sends no signal
                await asyncio.sleep(poll_interval)
            log.warning("projector lease lost")
            lost.set()

        watcher = asyncio.create_task(watch())
        try:
            yield lost
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            await self.release()


class PostgresLease(Lease):
    def __init__(self, dsn: str, schema: str, name: str = "projector") -> None:
        self.dsn = dsn
        self.schema = schema
        self.key = zlib.crc32(f"okra:{schema}:{name}".encode())
        self.conn: Any = None

    async def try_acquire(self) -> bool:
        try:
            if self.conn is None or self.conn.is_closed():
                self.conn = await asyncpg.connect(self.dsn, timeout=10)
            return bool(await self.conn.fetchval("SELECT pg_try_advisory_lock($1)", self.key))
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            await self._drop()
            return False

    async def holds(self) -> bool:
        try:
            await asyncio.wait_for(self.conn.fetchval("SELECT 1"), 10)
            return True
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            await self._drop()
            return False

    async def release(self) -> None:
        await self._drop()  # closing the session releases the lock

    async def _drop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            await conn.close(timeout=2)
        except asyncio.CancelledError:
            # Shutting down: end the session now, or the lock outlives us until the
            # connection is collected, and the next projector waits for it.
            _terminate(conn)
            raise
        except Exception:
            _terminate(conn)


def _terminate(conn: Any) -> None:
    with contextlib.suppress(Exception):
        conn.terminate()


class FileLease(Lease):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd: int | None = None

    async def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    async def holds(self) -> bool:
        return self.fd is not None

    async def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the flock
            self.fd = None
