"""``okra serve``, ``demo``, ``project`` and ``rebuild``: running the gateway, seeding
the demo organisation, and keeping or rebuilding the views."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from gateway.backend import make_app
from gateway.cli.options import DatabaseUrl, DataDir, Schema, open_app, settings_from
from gateway.cli.tokens import bootstrap_admin
from gateway.settings import Settings

commands = typer.Typer()  # top-level commands: registered without a group name
console = Console(stderr=True)


@commands.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address.")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port.")] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    projector: Annotated[
        bool | None,
        typer.Option(
            "--projector/--no-projector",
            help="Run the projector in-process (default) or rely on `okra project`.",
            show_default=False,
        ),
    ] = None,
    demo: Annotated[
        bool, typer.Option(help="Seed the demo organisation first if the store is empty.")
    ] = False,
) -> None:
    """Serve the GraphQL gateway (GraphiQL at /graphql)."""
    import uvicorn

    from gateway.http.app import create_app

    settings = settings_from(
        host=host,
        port=port,
        data_dir=data_dir,
        database_url=database_url,
        database_schema=schema,
        projector=projector,
    )
    if demo:
        seed_demo(settings)
    bootstrap_admin(settings)
    store = (settings.database_url and "PostgreSQL") or f"SQLite in {settings.data_dir}/"
    console.print(
        f"[bold]OKRA[/] on {store}: GraphiQL at "
        f"[link]http://{settings.host}:{settings.port}/graphql[/link]"
    )
    uvicorn.run(
        create_app(settings, tune_heap=True),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=None,  # keep the structured logging configured in main()
        timeout_graceful_shutdown=10,
    )


@commands.command()
def demo(data_dir: DataDir = None, database_url: DatabaseUrl = None, schema: Schema = None) -> None:
    """Seed the demo organisation (only into an empty store)."""
    seed_demo(settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema))


def seed_demo(settings: Settings) -> None:
    from gateway.demo import DemoClock, seed

    clock = DemoClock()
    with open_app(settings, lambda s: make_app(s, clock)) as app:
        if app.recorder.max_notification_id():
            console.print("The store already holds events: demo not seeded.")
            return
        started = time.monotonic()
        with console.status("Seeding the demo organisation…"):
            demo = seed(app, clock)
    console.print(f"Seeded the demo: {demo.events} events in {time.monotonic() - started:.1f} s.")
    console.print(
        "[bold]Demo tokens[/] (shown once). In GraphiQL open [bold]Headers[/] and paste "
        '{"Authorization": "Bearer <token>"}:'
    )
    for user, role, team, secret in demo.tokens:
        console.print(
            f"  {user:<14} {role:<6} {team:<31} {secret}", highlight=False, soft_wrap=True
        )


@commands.command()
def project(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    batch_size: Annotated[
        int | None, typer.Option(help="Events applied per transaction.", show_default=False)
    ] = None,
) -> None:
    """Run the projector on its own, keeping the views current until stopped."""
    settings = settings_from(
        data_dir=data_dir,
        database_url=database_url,
        database_schema=schema,
        batch_size=batch_size,
    )
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_project(settings))


async def _project(settings: Settings) -> None:
    import signal

    from gateway.backend import Backend

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    async with Backend(settings, run_projector=True).running():
        console.print("Projector running; Ctrl-C to stop.")
        await stop.wait()


@commands.command()
def rebuild(
    data_dir: DataDir = None, database_url: DatabaseUrl = None, schema: Schema = None
) -> None:
    """Rebuild every view from the event log, beside the live ones, then swap them in."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    asyncio.run(rebuild_views(settings))


async def rebuild_views(settings: Settings) -> None:
    """Rebuild the views beside the live ones with a progress bar, then swap them in
    (``okra import`` ends with it too)."""
    import anyio

    from gateway.backend import ensure_schema, make_app, make_store
    from projections.projector import rebuild as rebuild_views

    await ensure_schema(settings)
    app = await anyio.to_thread.run_sync(make_app, settings)
    live = make_store(settings)
    await live.open()
    started = time.monotonic()
    columns = (
        TextColumn("[bold]Rebuilding views"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} events"),
        TextColumn("{task.fields[rate]:,.0f} events/s"),
        TimeRemainingColumn(),
    )
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("rebuild", total=0, rate=0.0)

            def advance(done: int, total: int) -> None:
                rate = done / max(time.monotonic() - started, 1e-6)
                progress.update(task, completed=done, total=total, rate=rate)

            count = await rebuild_views(
                app, live, make_store(settings, "__rebuild"), progress=advance
            )
        elapsed = time.monotonic() - started
        console.print(
            f"Rebuilt the views from {count:,} events in {elapsed:.2f} s "
            f"({count / max(elapsed, 1e-6):,.0f} events/s)."
        )
    finally:
        await live.close()
        app.close()
