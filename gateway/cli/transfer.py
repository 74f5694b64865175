"""``okra export`` and ``okra import``: an organisation's whole history as JSON lines.

Each line is one stored event exactly as recorded: its aggregate id and version, its
topic, and its state (the JSON eventsourcing wrote, kept as a string so the bytes,
and with them every hash of the audit chain, survive the trip unchanged). Moving
between SQLite and PostgreSQL, or backing up and restoring, are the same operation.

``okra export`` and ``okra import`` are also groups: ``okra export cycle`` writes a
cycle's OKRs for a spreadsheet and ``okra import plan`` reads a plan from CSV (see
:mod:`gateway.cli.spreadsheets`). Their first use stays as it was (``okra export
--out events.jsonl``, ``okra import events.jsonl``): an argument that names none of a
group's commands goes to its ``events`` command.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, TextIO
from uuid import UUID

import typer
from eventsourcing.persistence import IntegrityError, StoredEvent
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from typer.core import TyperGroup

from domain.application.okra import Okra
from gateway.cli.options import DatabaseUrl, DataDir, Schema, open_app, settings_from
from gateway.cli.serve import rebuild_views
from gateway.cli.spreadsheets import export_cycle, import_plan


class EventsByDefault(TyperGroup):
    """A group whose ``events`` command runs when the first argument names none of its
    commands: how ``okra export`` and ``okra import`` took sub-commands and kept their
    first usage. ``--help`` still shows the group's help."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # Any: typer's own Click
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = ["events", *args]
        return super().parse_args(ctx, args)


exports = typer.Typer(
    name="export",
    cls=EventsByDefault,
    help="Write every event as JSON lines (okra export, or okra export events), or a "
    "cycle's OKRs for a spreadsheet (okra export cycle).",
)
imports = typer.Typer(
    name="import",
    cls=EventsByDefault,
    help="Load an export (okra import FILE, or okra import events FILE), or a plan "
    "from CSV (okra import plan FILE).",
)
commands = typer.Typer()  # top-level: registered without a group name
commands.add_typer(exports)
commands.add_typer(imports)
err = Console(stderr=True)
BATCH = 1000


def progress_bar(what: str) -> Progress:
    return Progress(
        TextColumn(f"[bold]{what}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        TimeRemainingColumn(),
        console=err,
    )


def export_events(app: Okra, out: TextIO, progress: Progress | None = None) -> int:
    total = app.recorder.max_notification_id() or 0
    task = progress.add_task("export", total=total) if progress else None
    position = 0
    count = 0
    while True:
        batch = app.recorder.select_notifications(position, BATCH, inclusive_of_start=False)
        for n in batch:
            line = {
                "position": n.id,
                "originator_id": str(n.originator_id),
                "originator_version": n.originator_version,
                "topic": n.topic,
                "state": n.state.decode("utf-8"),
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += len(batch)
        if progress is not None and task is not None:
            progress.update(task, completed=batch[-1].id if batch else total)
        if len(batch) < BATCH:
            return count
        position = batch[-1].id


def read_lines(source: TextIO) -> Iterator[StoredEvent]:
    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            yield StoredEvent(
                originator_id=UUID(record["originator_id"]),
                originator_version=int(record["originator_version"]),
                topic=str(record["topic"]),
                state=record["state"].encode("utf-8"),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise typer.BadParameter(f"line {number} is not an exported event: {error}") from None


def import_events(
    app: Okra, events: Iterator[StoredEvent], progress: Progress | None = None, total: int = 0
) -> int:
    task = progress.add_task("import", total=total or None) if progress else None
    count = 0
    batch: list[StoredEvent] = []

    def flush() -> None:
        nonlocal count
        try:
            app.recorder.insert_events(batch)
        except IntegrityError as error:
            raise typer.BadParameter(
                f"an event of the file is already in the store ({error}); nothing of this "
                "batch was imported"
            ) from None
        count += len(batch)
        batch.clear()
        if progress is not None and task is not None:
            progress.update(task, completed=count)

    for event in events:
        batch.append(event)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return count


@exports.command("events")
def export(
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Write every event, in log order, as JSON lines (a backup, or a move)."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    with open_app(settings) as app, progress_bar("Exporting") as progress:
        if out is None:
            count = export_events(app, sys.stdout, progress)
        else:
            with out.open("w", encoding="utf-8") as sink:
                count = export_events(app, sink, progress)
    err.print(f"Exported {count:,} events.")


@imports.command("events")
def import_(
    source: Annotated[Path, typer.Argument(help="A file `okra export` wrote.")],
    into_non_empty: Annotated[
        bool, typer.Option(help="Add to a store that already holds events.")
    ] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Load an export into a store, then rebuild its views."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    total = sum(1 for line in source.open(encoding="utf-8") if line.strip())
    with open_app(settings) as app:
        if app.recorder.max_notification_id() and not into_non_empty:
            raise typer.BadParameter(
                "the store already holds events; pass --into-non-empty to add to it"
            )
        with source.open(encoding="utf-8") as lines, progress_bar("Importing") as progress:
            count = import_events(app, read_lines(lines), progress, total)
    err.print(f"Imported {count:,} events; rebuilding the views…")
    asyncio.run(rebuild_views(settings))


exports.command("cycle")(export_cycle)
imports.command("plan")(import_plan)
