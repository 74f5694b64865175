"""``okra token``: issue, list and revoke API tokens.

These commands read the event log directly rather than the views, so they are
exact even when no projector is running (a server that is down, a fresh install).
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Column, Table

from domain.application.commands import IssueToken, RevokeToken
from domain.application.okra import Okra
from domain.model import rules
from domain.model.errors import DomainError
from domain.model.person import Person
from domain.model.roles import Role
from domain.model.team import Team
from domain.model.token import ApiToken
from domain.model.topics import topics_of
from gateway.cli.options import DatabaseUrl, DataDir, Schema, open_app, settings_from
from gateway.settings import Settings

commands = typer.Typer(
    name="token", help="Issue, list and revoke API tokens.", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)
CLI_ACTOR = "okra-cli"
# Room the token table's other columns get beside the id, at the least.
TABLE_ROOM = 90


def logged(app: Okra, *event_classes: type) -> list[object]:
    """Every event of those classes, oldest first (stored under any topic they had)."""
    topics = [t for c in event_classes for t in topics_of(c)]
    events: list[object] = []
    position = 0
    while True:
        batch = app.recorder.select_notifications(
            position, 1000, topics=topics, inclusive_of_start=False
        )
        events.extend(app.mapper.to_domain_event(n) for n in batch)
        if len(batch) < 1000:
            return events
        position = batch[-1].id


def team_names(app: Okra) -> dict[str, str]:
    """Every team's name by id, as it is now: renames (issue 14) included."""
    return {
        str(e.originator_id): e.name  # type: ignore[attr-defined]
        for e in logged(app, Team.TeamCreated, Team.TeamRenamed)
    }


def team_ids(app: Okra, names_or_ids: list[str]) -> list[str]:
    teams = team_names(app)
    by_name = {name.casefold(): team_id for team_id, name in teams.items()}
    resolved = []
    for wanted in names_or_ids:
        team_id = wanted if wanted in teams else by_name.get(wanted.casefold())
        if team_id is None:
            raise typer.BadParameter(f"no team with id or name {wanted!r}", param_hint="--team")
        resolved.append(team_id)
    return resolved


def issue(
    app: Okra,
    user: str | None,
    role: str,
    teams: list[str],
    label: str,
    person: str | None = None,
) -> str:
    """A token for the person with that handle, or (the old way) for a free-text user."""
    command = IssueToken(
        user=user,
        person_id=None if person is None else str(Person.id_for(person)),
        role=rules.choice(role, Role, "role"),
        team_ids=teams,
        label=label,
    )
    secret = app.handle(command, CLI_ACTOR).secret
    assert secret is not None
    return secret


def has_tokens(app: Okra) -> bool:
    return bool(app.recorder.select_notifications(0, 1, topics=topics_of(ApiToken.TokenIssued)))


def explain(secret: str) -> None:
    err.print(f"[bold]{secret}[/]", highlight=False, soft_wrap=True)
    err.print(
        "Shown once; OKRA keeps only its hash. In GraphiQL open [bold]Headers[/] and paste:\n"
        f'  {{"Authorization": "Bearer {secret}"}}',
        highlight=False,
        soft_wrap=True,
    )


@commands.command("create")
def create(
    person: Annotated[
        str | None,
        typer.Option(help="The handle of the person it speaks for (their teams decide the rest)."),
    ] = None,
    role: Annotated[str, typer.Option(help="admin, member or viewer.")] = "member",
    user: Annotated[
        str | None,
        typer.Option(help="Instead of --person: a free-text user, as before people existed."),
    ] = None,
    team: Annotated[
        list[str] | None,
        typer.Option(help="With --user: a team (id or name) the member belongs to."),
    ] = None,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Issue a token and print it once."""
    if (person is None) == (user is None):
        raise typer.BadParameter("give --person HANDLE (or, the old way, --user NAME)")
    with open_app(
        settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    ) as app:
        try:
            secret = issue(app, user, role, team_ids(app, team or []), label, person)
        except DomainError as error:
            raise typer.BadParameter(error.message) from None
    # The token alone on standard output (TOKEN=$(okra token create …) works); what to
    # do with it on standard error.
    err.print(f"Issued a {role} token for {person or user}. Shown once; OKRA keeps only its hash.")
    err.print(
        'In GraphiQL open [bold]Headers[/] and paste {"Authorization": "Bearer <the token>"}.',
        highlight=False,
        soft_wrap=True,
    )
    print(secret)


@commands.command("list")
def list_tokens(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """List tokens (never their secrets)."""
    with open_app(
        settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    ) as app:
        events = logged(app, ApiToken.TokenIssued, ApiToken.TokenRevoked)
    rows: dict[str, dict[str, object]] = {}
    for event in events:
        token_id = str(event.originator_id)  # type: ignore[attr-defined]
        if isinstance(event, ApiToken.TokenIssued):
            rows[token_id] = {
                "id": token_id,
                "user": event.user,
                "person": event.person_id,
                "role": event.role,
                "teams": event.team_ids,
                "label": event.label,
                "issued": event.timestamp.isoformat(timespec="seconds"),
                "revoked": None,
            }
        elif token_id in rows:
            rows[token_id]["revoked"] = event.timestamp.isoformat(timespec="seconds")  # type: ignore[attr-defined]
    if as_json:
        for row in rows.values():
            out.print_json(data=row, indent=None)
        return
    table = Table("user", "person", "role", "teams", "label", "issued", "revoked")
    # Ids are never cut, whatever the terminal's width: others fold, the id column is as
    # wide as the longest id, and the table is laid out at least that wide.
    id_width = max((len(token_id) for token_id in rows), default=2)
    table.columns.insert(0, Column("id", no_wrap=True, min_width=id_width))
    for column in table.columns[1:]:
        column.overflow = "fold"
    for row in rows.values():
        table.add_row(
            *(", ".join(v) if isinstance(v, list) else str(v or "") for v in row.values())
        )
    wide = Console(width=max(out.width, id_width + TABLE_ROOM))
    wide.print(table)


@commands.command("revoke")
def revoke(
    token_id: Annotated[
        str,
        typer.Argument(help="The id `okra token list` shows, or any unique start of it."),
    ],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Revoke a token: it stops working within OKRA_TOKEN_CACHE_SECONDS."""
    with open_app(
        settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    ) as app:
        token = matching(app, token_id)
        try:
            app.handle(RevokeToken(id=str(token.originator_id)), CLI_ACTOR)
        except DomainError as error:
            raise typer.BadParameter(error.message) from None
    err.print(f"Revoked {describe(token)}.")


def matching(app: Okra, prefix: str) -> ApiToken.TokenIssued:
    """The one token whose id starts with ``prefix`` (as git finds commits)."""
    wanted = prefix.strip().lower()
    found = [
        event
        for event in logged(app, ApiToken.TokenIssued)
        if isinstance(event, ApiToken.TokenIssued)
        and wanted
        and str(event.originator_id).startswith(wanted)
    ]
    if not found:
        raise typer.BadParameter(f"no token id starts with {prefix!r}", param_hint="TOKEN_ID")
    if len(found) > 1:
        listed = "\n".join(f"  {describe(event)}" for event in found)
        raise typer.BadParameter(
            f"{prefix!r} starts {len(found)} token ids; give more of it:\n{listed}",
            param_hint="TOKEN_ID",
        )
    return found[0]


def describe(token: ApiToken.TokenIssued) -> str:
    who = token.user or token.person_id or "?"
    label = f", {token.label!r}" if token.label else ""
    return f"{token.originator_id} ({token.role} token for {who}{label})"


def bootstrap_admin(settings: Settings) -> None:
    """Secure by default: a store without tokens gets one admin token, shown once."""
    with open_app(settings) as app:
        if has_tokens(app):
            return
        secret = issue(app, "admin", "admin", [], "created by okra serve on an empty store")
    err.print("[bold]No API token existed, so OKRA issued an admin token:[/]")
    explain(secret)
    err.print("Make more with `okra token create --person HANDLE --role member`.")
