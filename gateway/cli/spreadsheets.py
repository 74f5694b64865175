"""``okra export cycle`` and ``okra import plan``: a cycle's OKRs out to a spreadsheet,
and a plan in from CSV.

The export reads the views as the gateway does, after catching them up with the
event log (projecting itself, or waiting for whichever process holds the projector's
lease), so the file shows what the API would answer now; views that cannot catch up
are refused rather than exported stale. The import is one command (``ImportPlan``):
every row saved at once, or nothing when a row is bad.
"""

from __future__ import annotations

import asyncio
import csv
import logging
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from domain.application.commands import ImportPlan
from domain.application.commands.plans import PlanRow
from domain.model.cycle import Cycle
from domain.model.errors import DomainError, InvalidInput
from gateway.cli.options import DatabaseUrl, DataDir, Schema, open_app, settings_from
from gateway.cli.tokens import CLI_ACTOR, team_names
from gateway.export.delimited import delimited
from gateway.export.plan import COLUMNS, BadPlan, read_plan
from gateway.export.sheets import KEY_RESULTS, SHEET_NAMES, CycleExport, UnknownCycle, gather
from gateway.export.workbook import workbook
from gateway.settings import Settings

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


class ViewsBehind(Exception):
    """The views could not be brought up to the event log."""


async def read_export(settings: Settings, cycle: str) -> CycleExport:
    from gateway.backend import Backend

    # Raised outside the backend's task group, which would wrap it in an ExceptionGroup.
    refused: UnknownCycle | ViewsBehind | None = None
    async with Backend(settings, run_projector=True).running() as backend:
        if not await backend.catch_up(settings.read_your_writes_timeout):
            refused = ViewsBehind(
                f"the views stand at log position {backend.watch.position} and did not catch "
                "up in time; is another projector stuck? (okra rebuild rebuilds them)"
            )
        elif not await backend.store.is_current():
            refused = ViewsBehind("the views were built by another version of OKRA; okra rebuild")
        else:
            try:
                return await gather(backend.store, cycle)
            except UnknownCycle as error:
                refused = error
    raise refused


def default_out(cycle_name: str, format: Format) -> Path:
    return Path(f"okrs-{re.sub(r'[^A-Za-z0-9._-]+', '-', cycle_name).strip('-')}.{format}")


def export_cycle(
    cycle: Annotated[str, typer.Option(help="The cycle: its name (e.g. 2026-Q3) or id.")],
    format: Annotated[
        Format | None,
        typer.Option(
            "--format",
            help="xlsx or csv (default: from --out's suffix, else xlsx).",
            show_default=False,
        ),
    ] = None,
    sheet: Annotated[
        str,
        typer.Option(help=f"With csv, the table to write: {', '.join(SHEET_NAMES)}."),
    ] = KEY_RESULTS,
    out_path: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write; '-' for standard output (default: okrs-<cycle>.xlsx).",
            show_default=False,
        ),
    ] = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Write a cycle's OKRs for a spreadsheet: a row per key result, with sheets of
    check-ins and bets (XLSX), or one of those tables (CSV).

    A key result's row: team, objective, owner, kind, start, target, current, score,
    grade, confidence, last check-in."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    if format is None:
        suffix = out_path.suffix.lower().lstrip(".") if out_path else ""
        format = Format.CSV if suffix == "csv" else Format.XLSX
    if sheet not in SHEET_NAMES:
        raise typer.BadParameter(f"one of {', '.join(SHEET_NAMES)}", param_hint="--sheet")
    if sheet != KEY_RESULTS and format != Format.CSV:
        raise typer.BadParameter("only with --format csv (a workbook holds every sheet)",
                                 param_hint="--sheet")  # fmt: skip
    for quiet in ("okra.backend", "okra.projector"):  # their news is for servers' logs
        logging.getLogger(quiet).setLevel(max(logging.WARNING, logging.getLogger(quiet).level))
    try:
        export = asyncio.run(read_export(settings, cycle))
    except UnknownCycle as error:
        raise typer.BadParameter(str(error), param_hint="--cycle") from None
    except ViewsBehind as error:
        err.print(f"[bold red]Not exported:[/] {error}")
        raise typer.Exit(1) from None
    data = workbook(export) if format == Format.XLSX else delimited(export.sheet(sheet))
    if out_path is not None and str(out_path) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = out_path or default_out(str(export.cycle["name"]), format)
    target.write_bytes(data)
    rows = ", ".join(f"{len(s.rows)} {s.name}" for s in export.sheets)
    err.print(f"Wrote {export.cycle['name']} to {target} ({rows}).")


def import_plan(
    file: Annotated[Path, typer.Argument(help=f"A CSV file: {','.join(COLUMNS)}.")],
    cycle: Annotated[str, typer.Option(help="The open cycle to plan: its name or id.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Set a cycle's objectives and key results from a CSV file: every row, or none
    when one is bad (each bad row named by its line)."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    with open_app(settings) as app:
        try:
            rows: list[PlanRow] = read_plan(file, team_names(app))
            cycle_id = str(Cycle.id_for(cycle)) if not _is_id(cycle) else cycle
            saved = app.handle(ImportPlan(cycle_id=cycle_id, rows=rows), CLI_ACTOR)
        except (BadPlan, DomainError, OSError, csv.Error, UnicodeDecodeError) as error:
            message = error.message if isinstance(error, DomainError) else str(error)
            if isinstance(error, InvalidInput) and error.field == "cycle_id":
                message = f"--cycle: no cycle is named or has the id {cycle!r}"
            err.print(f"[bold red]{file}[/]:")
            for line in message.removeprefix("rows: ").splitlines():
                err.print(f"  {line}", markup=False)
            err.print("Nothing of the file was applied.")
            raise typer.Exit(1) from None
    for note in saved.notes:
        out.print(note)
    err.print(f"Planned {len(saved.notes)} objectives ({saved.events} events).")


def _is_id(reference: str) -> bool:
    return re.fullmatch(r"[0-9a-fA-F-]{36}", reference.strip()) is not None
