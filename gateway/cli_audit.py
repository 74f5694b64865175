"""``okra audit verify``: recompute the hash chain of the whole event log.

It reads the log itself, not the views, so it judges what is really stored: a row
edited behind the application's back (an SQL ``UPDATE`` on the events table), an
event deleted from the middle of a stream, or one re-ordered. It cannot see a stream
rewritten from the edit to its end with freshly computed hashes, which is what the
head digest it prints is for: note it, and a later run that differs tells.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from domain.application import Okra
from domain.chain import BrokenLink, Verifier
from gateway.shell import DatabaseUrl, DataDir, Schema, open_app, settings_from

audit = typer.Typer(help="Check the event log's tamper-evident hash chain.", no_args_is_help=True)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
PAGE = 1000


def verify_log(app: Okra, page: int = PAGE) -> Verifier:
    """Every event, in log order, through one :class:`Verifier`."""
    verifier = Verifier()
    position = 0
    while True:
        batch = app.recorder.select_notifications(position, page, inclusive_of_start=False)
        for notification in batch:
            fields: dict[str, Any] | None
            try:
                fields = dict(vars(app.mapper.to_domain_event(notification)))
            except Exception:  # any undecodable row is a broken link
                fields = None
            verifier.check(
                notification.id,
                notification.topic,
                str(notification.originator_id),
                notification.originator_version,
                fields,
            )
        if len(batch) < page:
            return verifier
        position = batch[-1].id


def describe(link: BrokenLink) -> str:
    return (
        f"position {link.position}: {link.entity_type} {link.entity_id}, "
        f"{link.event_type} (stream version {link.version}): {link.reason}"
    )


@audit.command()
def verify(
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
    schema: Schema = None,
    show: Annotated[int, typer.Option(help="How many broken links to list.")] = 10,
) -> None:
    """Recompute every event's hash and link; exit 1 naming the first broken link."""
    settings = settings_from(data_dir=data_dir, database_url=database_url, database_schema=schema)
    with open_app(settings) as app, err.status("Verifying the hash chain…"):
        verifier = verify_log(app)
    if verifier.broken:
        first = verifier.broken[0]
        err.print(f"[bold red]BROKEN[/] chain at {describe(first)}")
        for link in verifier.broken[1:show]:
            err.print(f"  also {describe(link)}")
        err.print(
            f"{len(verifier.broken):,} broken link(s) among {verifier.events:,} events "
            f"in {len(verifier.heads):,} streams."
        )
        raise typer.Exit(1)
    out.print(
        f"OK: {verifier.events:,} events in {len(verifier.heads):,} streams verified; "
        f"head digest {verifier.head_digest()}"
    )
