"""``okra notify``: see the notices of today without sending them, or send them now.

``preview`` prints the e-mails a team's notices would be today (the digest of the week
to today, whatever the team's digest day, or the reminders and escalations due
today), with their recipients: for checking the templates and who gets what. It
issues, records and sends nothing. ``run`` does one look of the scheduler (what the
gateway does every OKRA_NOTICE_INTERVAL seconds): for a cron job beside gateways
started with OKRA_NOTICES=false.
"""

from __future__ import annotations

import asyncio
import json
import logging
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from domain.model.notice import NoticeKind
from gateway.cli.options import DatabaseUrl, DataDir, Schema, settings_from
from gateway.settings import Settings
from projections import notices

if TYPE_CHECKING:
    from gateway.notices import Notifier

commands = typer.Typer(
    name="notify", help="Reminders, escalations and digests.", no_args_is_help=True
)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Kind(StrEnum):
    digest = "digest"
    reminders = "reminders"  # check-ins due and escalations


class Format(StrEnum):
    text = "text"
    html = "html"
    json = "json"


def _quiet() -> None:
    for name in ("okra.backend", "okra.projector", "okra.notices"):  # news for servers' logs
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger(name).level))


async def _preview(settings: Settings, team: str, kind: Kind) -> list[notices.Due]:
    from gateway.backend import Backend
    from gateway.notices import Notifier

    # Refused outside the backend's task group, which would wrap it in an ExceptionGroup.
    async with Backend(settings, run_projector=True).running() as backend:
        await backend.catch_up(settings.read_your_writes_timeout)
        org = await notices.Organisation.read(backend.store)
        found = [t for t in org.teams.values() if team.lower() in (t["id"], t["name"].lower())]
        if found:
            return await _due(Notifier(backend), found[0]["id"], kind, org)
    raise typer.BadParameter(f"no team is named or has the id {team!r}", param_hint="--team")


async def _due(
    notifier: Notifier, team_id: str, kind: Kind, org: notices.Organisation
) -> list[notices.Due]:
    if kind == Kind.digest:
        digest = await notifier.digest(team_id, notifier.local_now().date(), org)
        return [digest] if digest is not None else []
    due = await notifier.due()
    return [d for d in due if d.team_id == team_id and d.kind != NoticeKind.DIGEST]


@commands.command()
def preview(
    team: Annotated[str, typer.Option(help="The team: its name (ignoring case) or id.")],
    kind: Annotated[Kind, typer.Option(help="The digest, or the reminders and escalations.")] = (
        Kind.digest
    ),
    format: Annotated[Format, typer.Option(help="Print the text, the HTML or the JSON.")] = (
        Format.text
    ),
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Print what a team's notices would say today, to whom, without sending them."""
    from gateway.report.notices import render

    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    _quiet()
    found = asyncio.run(_preview(settings, team, kind))
    if not found:
        err.print(f"Nothing of that kind is due for {team} today.")
        return
    for due in found:
        to = ", ".join(
            f"{r['handle']} <{r['email'] or 'no e-mail'}> ({'/'.join(r['channels']) or 'muted'})"
            for r in due.recipients
        )
        if format == Format.json:
            notice = {
                "kind": due.kind.value,
                "team_id": due.team_id,
                "due_on": due.due_on.isoformat(),
                "summary": due.summary,
                "recipients": due.recipients,
                **due.fields,
            }
            typer.echo(json.dumps(notice, indent=2, ensure_ascii=False))
            continue
        mail = render({"kind": due.kind.value, "summary": due.summary, **due.fields})
        typer.echo(f"To: {to or 'nobody'}\nSubject: {mail.subject}\n")
        typer.echo(mail.html if format == Format.html else mail.text)


@commands.command()
def run(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
) -> None:
    """Issue and send the notices due now that no one issued yet (one scheduler look)."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    _quiet()

    async def once() -> tuple[int, int, int, int]:
        from gateway.backend import Backend
        from gateway.notices import Notifier

        async with Backend(settings, run_projector=True).running() as backend:
            await backend.catch_up(settings.read_your_writes_timeout)
            done = await Notifier(backend).run_once()
            return len(done.issued), done.already, done.sent, done.failed

    issued, already, sent, failed = asyncio.run(once())
    err.print(
        f"Issued {issued} notices ({already} issued before), e-mailed {sent}, {failed} failed."
    )
