"""One process's OKRA: the command side, the views, the projector and the wiring
that gives read-your-writes.

A mutation runs its command in a worker thread (eventsourcing is synchronous),
then waits until the views have reached the log position of the events it saved.
The position arrives from this process's own projector, or, when another process
projects, through PostgreSQL ``NOTIFY`` on the views channel, with a periodic
look at the tracking row so that a lost notification only delays, never blocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from typing import TypeVar

import anyio

from domain.application.access import Actor
from domain.application.commands import Command, Saved
from domain.application.okra import Okra, utc_now
from domain.application.secrets import SecretBox
from gateway.dispatcher import Dispatcher
from gateway.feed import ChangeFeed
from gateway.heavy import HeavyWork
from gateway.observability import Metrics
from gateway.outbound import Outbound
from gateway.settings import Settings
from gateway.sources.scheduler import Sources
from projections.deliveries import DeliveryStore, PostgresDeliveryStore, SQLiteDeliveryStore
from projections.lease import FileLease, Lease, PostgresLease
from projections.postgres import DDL_LOCK, PostgresViewStore
from projections.projector import Applied, PositionWatch, Projector, rebuild
from projections.sqlite import SQLiteViewStore
from projections.store import ViewStore

log = logging.getLogger("okra.backend")
T = TypeVar("T")


def make_store(settings: Settings, suffix: str = "") -> ViewStore:
    if settings.database_url:
        return PostgresViewStore(settings.database_url, settings.database_schema, suffix)
    return SQLiteViewStore(settings.views_path, suffix)


async def ensure_schema(settings: Settings) -> None:
    """eventsourcing creates tables, not schemas: make the configured one exist."""
    if settings.database_url and settings.database_schema != "public":
        import asyncpg

        conn = await asyncpg.connect(settings.database_url)
        try:
            await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{settings.database_schema}"')
        finally:
            await conn.close()


def make_lease(settings: Settings, name: str = "projector") -> Lease:
    if settings.database_url:
        return PostgresLease(settings.database_url, settings.database_schema, name)
    return FileLease(settings.data_dir / f"{name}.lock")


def make_app(settings: Settings, clock: Callable[[], datetime] = utc_now) -> Okra:
    """The command side. On PostgreSQL, eventsourcing creates its tables with ``CREATE
    TABLE IF NOT EXISTS``, which is not safe when several processes start at once
    (one fails on ``pg_type``'s unique index), so creation holds the DDL lock."""
    if not settings.database_url:
        return Okra(env=settings.eventsourcing_env(), clock=clock)
    import psycopg

    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", (DDL_LOCK,))
        try:
            return Okra(env=settings.eventsourcing_env(), clock=clock)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (DDL_LOCK,))


class Backend:
    def __init__(
        self,
        settings: Settings,
        *,
        run_projector: bool | None = None,
        clock: Callable[[], datetime] = utc_now,
        dispatch: bool = False,
    ) -> None:
        self.settings = settings
        self.dispatch = dispatch  # whether this process sends webhooks (the gateway does)
        self.clock = clock
        self.run_projector = settings.projector if run_projector is None else run_projector
        self.watch = PositionWatch()
        self.app: Okra
        self.store: ViewStore
        self.projector: Projector | None = None
        self.feed: ChangeFeed
        self.outbound: Outbound  # requests to URLs people give (webhooks, data sources)
        self.deliveries: DeliveryStore  # webhook deliveries (issue 16)
        self.dispatch_views: ViewStore  # the views as the webhook dispatcher reads them
        self.dispatcher: Dispatcher | None = None
        self._dispatching: anyio.CancelScope | None = None  # made in the event loop
        self.metrics = Metrics()
        self.heavy = HeavyWork(settings.max_heavy_queries, settings.heavy_queue_seconds)
        # Data sources: run now, or on their schedule by the holder of the sources lease.
        self.sources = Sources(self, lambda: make_lease(settings, "sources"))

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[Backend]:
        await ensure_schema(self.settings)
        self.app = await anyio.to_thread.run_sync(make_app, self.settings, self.clock)
        if self.settings.secret_key:
            self.app.secrets = SecretBox(self.settings.secret_key)
        self.store = make_store(self.settings)
        await self.store.open()
        self.watch.advance(await self.store.position())
        self.feed = ChangeFeed(self.app, self.watch)
        self.outbound = Outbound(allow_private=self.settings.webhook_allow_private)
        self.dispatch_views, self.deliveries = await self._delivery_stores()
        head = await anyio.to_thread.run_sync(self.app.recorder.max_notification_id)
        await self.deliveries.open(start=head or 0)
        try:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(self._follow_tracking)
                tasks.start_soon(self.feed.run)
                tasks.start_soon(
                    self.sources.follow, self.settings.sources_interval, self.settings.poll_interval
                )
                if self.run_projector:
                    tasks.start_soon(self._project)
                    await self._caught_up()
                if self.dispatch:
                    self.dispatcher = self.make_dispatcher()
                    await self.dispatcher.start()
                    tasks.start_soon(self._dispatch, self.dispatcher)
                yield self
                tasks.cancel_scope.cancel()
        finally:
            await self.deliveries.close()
            await self.dispatch_views.close()
            await self.outbound.aclose()
            self.heavy.close()
            await self.store.close()
            self.app.close()

    async def _delivery_stores(self) -> tuple[ViewStore, DeliveryStore]:
        """The webhook dispatcher's connections, its own (a few): its reads never queue
        behind requests', nor count among them."""
        if self.settings.database_url:
            shared = PostgresViewStore(
                self.settings.database_url, self.settings.database_schema, pool_size=3
            )
            await shared.open()
            return shared, PostgresDeliveryStore(shared.pool)
        own = SQLiteViewStore(self.settings.views_path)
        await own.open()
        return own, SQLiteDeliveryStore(str(self.settings.views_path))

    async def _dispatch(self, dispatcher: Dispatcher) -> None:
        """Send webhooks for as long as the process runs: a fault of the dispatcher is
        logged and it starts again, it never ends the gateway."""
        with anyio.CancelScope() as self._dispatching:
            while True:
                try:
                    await dispatcher.run()
                except Exception:
                    log.exception("the webhook dispatcher failed; restarting it")
                    await asyncio.sleep(self.settings.poll_interval)

    def stop_dispatcher(self) -> None:
        """Stop sending webhooks at once, as a killed process would (the tests' kill)."""
        if self._dispatching is not None:
            self._dispatching.cancel()

    def make_dispatcher(self, seed: int | None = None) -> Dispatcher:
        """A webhook dispatcher of this process (the tests make more, to kill one)."""
        return Dispatcher(
            self.app,
            self.dispatch_views,
            self.deliveries,
            self.outbound,
            self.watch,
            clock=self.clock,
            disable=self._disable_webhook,
            batch_size=self.settings.batch_size,
            poll_interval=self.settings.poll_interval,
            seed=seed,
            lease=timedelta(seconds=self.settings.webhook_claim_seconds),
        )

    async def _disable_webhook(self, webhook_id: str, reason: str) -> None:
        from domain.application.commands import DisableWebhook

        await self.handle(DisableWebhook(id=webhook_id, reason=reason), "okra")

    async def _caught_up(self) -> None:
        """Serve once the views hold what the log held at start (whoever projects)."""
        if not await self.catch_up(self.settings.startup_timeout):
            log.warning("serving before the views caught up with the log")

    async def catch_up(self, seconds: float | None = None) -> bool:
        """Wait until the views hold what the log holds now; whether they got there."""
        head = await anyio.to_thread.run_sync(self.app.recorder.max_notification_id) or 0
        if head > self.watch.position and self.projector is not None:
            self.projector.wake()
        try:
            await self.watch.wait_for(
                head, seconds=self.settings.read_your_writes_timeout if seconds is None else seconds
            )
        except TimeoutError:
            return False
        return True

    async def _project(self) -> None:
        """Project while holding the lease; stand by while another process holds it."""
        lease = make_lease(self.settings)
        while True:
            async with lease.held(self.settings.poll_interval) as lost:
                log.info("this process is now the active projector")
                if not await self.store.is_current():
                    log.warning("the views were built by another schema version: rebuilding")
                    await rebuild(self.app, self.store, make_store(self.settings, "__upgrade"))
                    self.watch.advance(await self.store.position())
                projector = Projector(
                    self.app,
                    self.store,
                    batch_size=self.settings.batch_size,
                    on_commit=self._committed,
                )
                self.projector = projector
                try:
                    async with anyio.create_task_group() as tasks:
                        tasks.start_soon(projector.run, self.settings.poll_interval)
                        await lost.wait()
                        tasks.cancel_scope.cancel()
                finally:
                    self.projector = None

    def _committed(self, applied: Applied) -> None:
        self.watch.advance(applied.position)
        self.metrics.projected.inc(len(applied.events))

    async def _follow_tracking(self) -> None:
        """Learn positions reached by other processes' projectors."""
        if isinstance(self.store, PostgresViewStore):
            await self._listen(self.store)
        else:
            while True:
                await asyncio.sleep(self.settings.poll_interval)
                self.watch.advance(await self.store.position())

    async def _listen(self, store: PostgresViewStore) -> None:
        import asyncpg

        events_channel = "okra_events"  # eventsourcing notifies on its table name
        while True:
            try:
                conn = await asyncpg.connect(
                    store.dsn, server_settings={"search_path": store.schema}
                )
            except (OSError, asyncpg.PostgresError):
                await asyncio.sleep(self.settings.poll_interval)
                continue
            try:
                await conn.add_listener(store.channel, self._views_notified)
                await conn.add_listener(events_channel, self._events_notified)
                while not conn.is_closed():
                    await asyncio.sleep(self.settings.poll_interval)
                    self.watch.advance(await self.store.position())
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.warning("lost the notification connection; reconnecting")
            finally:
                with contextlib.suppress(Exception):
                    await conn.close()

    def _views_notified(self, *args: object) -> None:
        self.watch.advance(int(str(args[3])))

    def _events_notified(self, *args: object) -> None:
        if self.projector is not None:
            self.projector.wake()

    async def handle(
        self, command: Command, actor: Actor, idempotency_key: str | None = None
    ) -> Saved:
        """Run a command (in a worker thread: eventsourcing is synchronous), then wait
        until the views show its effect."""
        saved = await anyio.to_thread.run_sync(self.app.handle, command, actor, idempotency_key)
        self.metrics.appended.inc(saved.events)
        if saved.position is not None:
            committed = time.perf_counter()
            if self.projector is not None:
                self.projector.wake()
            try:
                await self.watch.wait_for(
                    saved.position, seconds=self.settings.read_your_writes_timeout
                )
            except TimeoutError:
                raise ViewsLagging(saved) from None
            self.metrics.visible.observe(time.perf_counter() - committed)
        return saved


class ViewsLagging(Exception):
    """The command was applied, but the views did not show it in time."""

    def __init__(self, saved: Saved) -> None:
        super().__init__(
            f"applied at log position {saved.position}, but the views have not caught up "
            "yet; retry with the same idempotency key to get the answer"
        )
        self.saved = saved
