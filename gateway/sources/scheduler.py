"""Running data sources: now (runDataSource), and on their schedule, once across gateways.

The schedule lives in the views (``next_run_at`` of each source's document, derived
from its events), so it survives restarts. One process at a time follows it: the one
holding the ``sources`` lease (a PostgreSQL advisory lock, or a file lock beside the
SQLite store), the same mechanism that picks one projector. Time is the application's
clock, so tests move a clock and call :meth:`Sources.run_due` instead of sleeping.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import anyio

from domain.application.access import Actor
from domain.application.commands import RecordReading, Saved
from domain.application.handlers.data_sources import actor_of, run_spec
from domain.model.data_source import SourceKind, SourceStatus
from domain.model.errors import DomainError, InvalidInput
from gateway.sources.reading import ReadFailed, read
from projections.documents import iso
from projections.lease import Lease
from projections.store import Between
from projections.views import DATA_SOURCES

if TYPE_CHECKING:
    from gateway.backend import Backend

log = logging.getLogger("okra.sources")


class Sources:
    def __init__(self, backend: Backend, lease: Callable[[], Lease]) -> None:
        self.backend = backend
        self.lease = lease
        self._due = asyncio.Lock()  # one look at due sources at a time in this process

    async def run(self, source_id: str, actor: Actor, idempotency_key: str | None = None) -> Saved:
        """Read the source now and record what was read (a check-in when the number
        changed, else only the run), as ``actor`` (authorised before anything is read)."""
        backend = self.backend
        spec = await anyio.to_thread.run_sync(run_spec, backend.app, actor, source_id)
        if spec.kind == SourceKind.PUSH:
            raise InvalidInput("id", "a PUSH source runs when its system pushes")
        try:
            value, origin = await read(spec, backend.outbound, backend.settings.source_timeout)
            command = RecordReading(id=spec.id, value=value, origin=origin)
        except ReadFailed as failed:
            command = RecordReading(id=spec.id, error=str(failed))
        return await backend.handle(command, actor, idempotency_key)

    async def push(self, source_id: str, value: float, message_id: str) -> Saved:
        """Record a number a PUSH source's system sent (its signature already checked);
        the message's id is the idempotency key, so a replay changes nothing."""
        reading = RecordReading(id=source_id, value=value, origin="pushed")
        return await self.backend.handle(reading, actor_of(source_id), message_id[:200])

    async def run_due(self) -> int:
        """Run every connected source whose time has come; how many ran."""
        async with self._due:
            now = self.backend.clock()
            due = await self.backend.store.find(
                DATA_SOURCES,
                {
                    "status": SourceStatus.CONNECTED,
                    "next_run_at": Between(None, iso(now + timedelta(microseconds=1))),
                },
            )
            for doc in due:
                await self._run_scheduled(doc["id"], doc["next_run_at"])
            return len(due)

    async def _run_scheduled(self, source_id: str, slot: str) -> None:
        """One scheduled run, recorded once per slot: the slot is the idempotency key, so
        a second process running the same slot (a lease changing hands) records nothing."""
        try:
            await self.run(source_id, actor_of(source_id), f"scheduled {slot}")
        except DomainError as refused:  # disconnected meanwhile, the slot already run
            log.info("data source %s not run: %s", source_id, refused)
        except Exception:  # one broken source must not stop the others
            log.exception("data source %s failed to run", source_id)

    async def follow(self, interval: float, poll: float) -> None:
        """Run due sources every ``interval`` seconds while this process holds the lease."""
        lease = self.lease()
        while True:
            async with lease.held(poll) as lost:
                log.info("this process now runs the data sources' schedule")
                while not lost.is_set():
                    with anyio.move_on_after(interval):
                        await lost.wait()
                    if not lost.is_set():
                        await self.run_due()
