"""``okra report retro``: a cycle's retrospective as one self-contained HTML page.

It reads the views the way the gateway does, after catching them up with the event
log (projecting itself, or waiting for whichever process holds the projector's
lease), so the page shows what the ``retrospective`` query would answer now. Views
that cannot catch up are refused rather than reported stale.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from gateway.cli.options import DatabaseUrl, DataDir, Schema, settings_from
from gateway.report.figures import ReportError, gather
from gateway.report.retro import render
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.backend import Backend

commands = typer.Typer(
    name="report", help="Reports as self-contained HTML pages.", no_args_is_help=True
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class ViewsBehind(Exception):
    """The views could not be brought up to the event log."""


async def retro_page(settings: Settings, cycle: str, compare: str | None) -> tuple[str, str]:
    """The page, and the name of the cycle it is about."""
    from gateway.backend import Backend

    # Raised outside the backend's task group, which would wrap it in an ExceptionGroup.
    refused: ReportError | ViewsBehind | None = None
    async with Backend(settings, run_projector=True).running() as backend:
        try:
            return await _page(backend, cycle, compare)
        except (ReportError, ViewsBehind) as error:
            refused = error
    assert refused is not None
    raise refused


async def _page(backend: Backend, cycle: str, compare: str | None) -> tuple[str, str]:
    settings = backend.settings
    if not await backend.catch_up(settings.read_your_writes_timeout):
        head = backend.app.recorder.max_notification_id() or 0
        raise ViewsBehind(
            f"the views stand at log position {backend.watch.position} of {head} and did "
            "not catch up in time; is another projector stuck? (okra rebuild rebuilds them)"
        )
    if not await backend.store.is_current():
        raise ViewsBehind("the views were built by another version of OKRA; run okra rebuild")
    position = await backend.store.position()
    now = backend.app.clock()
    figures = await gather(backend.store, cycle, compare, now.date(), settings.audit.thresholds())
    return render(figures, now, position), str(figures.cycle["name"])


def default_out(cycle_name: str) -> Path:
    return Path(f"retro-{re.sub(r'[^A-Za-z0-9._-]+', '-', cycle_name).strip('-')}.html")


@commands.command()
def retro(
    cycle: Annotated[
        str, typer.Option(help="The cycle to look back on: its name (e.g. 2026-Q3) or id.")
    ],
    compare: Annotated[
        str | None,
        typer.Option(
            help="The cycle to compare with, by name or id (default: the previous cycle of "
            "the same kind, as the retrospective query does).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Where to write the page; '-' for standard output (default: retro-<cycle>.html).",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Write a cycle's retrospective (grades, trends, bets, calibration, carry-overs,
    audit) as one HTML page with inline SVG charts, for screen and print."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    for quiet in ("okra.backend", "okra.projector"):  # their news is for servers' logs
        logging.getLogger(quiet).setLevel(max(logging.WARNING, logging.getLogger(quiet).level))
    try:
        page, name = asyncio.run(retro_page(settings, cycle, compare))
    except ReportError as error:
        raise typer.BadParameter(str(error)) from None
    except ViewsBehind as error:
        err.print(f"[bold red]Not reported:[/] {error}")
        raise typer.Exit(1) from None
    if out is not None and str(out) == "-":
        sys.stdout.write(page)
        return
    target = out or default_out(name)
    target.write_text(page, encoding="utf-8")
    err.print(f"Wrote the {name} retrospective to {target} ({len(page.encode()) / 1024:,.0f} KiB).")
