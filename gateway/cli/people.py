"""``okra people``: import people from a CSV file, and list them.

Like ``okra token``, these read and write the event log directly, so they are exact
whether or not a gateway or projector is running.

The file has a header row naming its columns, among ``handle,name,email,team,role``;
a person may have several rows, one per team. An import is one command: every row
is applied in one save, or, when a row breaks a rule, none is (the error names the
row's line). A re-run of the same file changes nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from domain.application.commands import ImportPeople
from domain.application.commands.people import PersonRow
from domain.model.errors import DomainError
from domain.model.person import Person
from gateway.cli.options import DatabaseUrl, DataDir, Schema, open_app, settings_from
from gateway.cli.tokens import CLI_ACTOR, logged, team_names

commands = typer.Typer(
    name="people", help="Import people from CSV and list them.", no_args_is_help=True
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
COLUMNS = ("handle", "name", "email", "team", "role")


class BadFile(Exception):
    """The file cannot be read as people (a column or a team it names is unknown)."""


def read_rows(path: Path, teams: dict[str, str]) -> list[PersonRow]:
    """The file's rows, each with its line number; team names (ignoring case) or ids
    resolved to ids. Everything else is checked by the command."""
    by_name = {name.casefold(): team_id for team_id, name in teams.items()}
    with path.open(newline="", encoding="utf-8-sig") as file:
        reader = csv.DictReader(file)
        unknown = [c for c in reader.fieldnames or [] if c.strip().lower() not in COLUMNS]
        if not reader.fieldnames or "handle" not in [c.strip().lower() for c in reader.fieldnames]:
            raise BadFile(f"line 1: the header must name the columns, among {','.join(COLUMNS)}")
        if unknown:
            raise BadFile(f"line 1: unknown column {unknown[0]!r} (known: {','.join(COLUMNS)})")
        rows = []
        for record in reader:
            cells = {(k or "").strip().lower(): (v or "").strip() for k, v in record.items() if k}
            if not any(cells.values()):
                continue  # a blank line
            team = cells.get("team") or None
            team_id = None
            if team is not None:
                team_id = team if team in teams else by_name.get(team.casefold())
                if team_id is None:
                    raise BadFile(f"line {reader.line_num}: team: no team with id or name {team!r}")
            rows.append(
                PersonRow(
                    line=reader.line_num,
                    handle=cells.get("handle", ""),
                    name=cells.get("name") or None,
                    email=cells.get("email") or None,
                    team_id=team_id,
                    role=(cells.get("role") or "").upper() or None,
                )
            )
    return rows


@commands.command("import")
def import_people(
    file: Annotated[Path, typer.Argument(help="A CSV file: handle,name,email,team,role.")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Add or update people and their memberships: all rows, or none if one is bad."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    with open_app(settings) as app:
        try:
            rows = read_rows(file, team_names(app))
            saved = app.handle(ImportPeople(rows=rows), CLI_ACTOR)
        except (BadFile, DomainError, OSError, csv.Error, UnicodeDecodeError) as error:
            message = error.message if isinstance(error, DomainError) else str(error)
            err.print(f"[bold red]{file}[/]: {message.removeprefix('rows: ')}")
            err.print("Nothing of the file was applied.")
            raise typer.Exit(1) from None
    for note in saved.notes:
        out.print(note)
    tally = {kind: sum(n.startswith(kind) for n in saved.notes) for kind in ("added", "changed")}
    left = len(saved.notes) - sum(tally.values())
    err.print(
        f"{tally['added']} added, {tally['changed']} changed, {left} left alone "
        f"({saved.events} events)."
    )


@commands.command("list")
def list_people(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """List people, with their teams and roles."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    with open_app(settings) as app:
        teams = team_names(app)
        added = logged(app, Person.PersonAdded)
        found: list[Person] = [app.repository.get(e.originator_id) for e in added]  # type: ignore[attr-defined]
    rows = [listed(person, teams) for person in found]
    if as_json:
        for row in rows:
            out.print_json(data=row, indent=None)
        return
    table = Table("handle", "name", "email", "active", "teams")
    for row in rows:
        memberships = ", ".join(f"{m['team']} ({m['role']})" for m in row["memberships"])
        table.add_row(
            row["handle"], row["name"], row["email"] or "", "yes" if row["active"] else "no",
            memberships,
        )  # fmt: skip
    out.print(table)


def listed(person: Person, teams: dict[str, str]) -> dict[str, Any]:
    return {
        "id": str(person.id),
        "handle": person.handle,
        "name": person.name,
        "email": person.email,
        "active": person.active,
        "memberships": [
            {"team_id": team_id, "team": teams.get(team_id, team_id), "role": str(role)}
            for team_id, role in person.memberships.items()
        ],
    }
