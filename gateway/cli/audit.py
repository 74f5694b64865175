"""``okra audit verify``: recompute the hash chain of the whole event log.

It reads the log itself, not the views, so it judges what is really stored: a row
edited behind the application's back (an SQL ``UPDATE`` on the events table), an
event deleted from the middle of a stream, or one re-ordered. It cannot see a stream
rewritten from the edit to its end with freshly computed hashes, which is what the
head digest it prints is for: note it, and a later run that differs tells.
"""

from __future__ import annotations

from typing import Annotated, Any, cast
from uuid import UUID

import typer
from eventsourcing.persistence import StoredEvent
from rich.console import Console

from domain.application.okra import Okra
from domain.model.chain import BrokenLink, Verifier
from gateway.cli.options import DatabaseUrl, DataDir, Schema, open_app, settings_from

commands = typer.Typer(
    name="audit", help="Check the event log's tamper-evident hash chain.", no_args_is_help=True
)
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
                fields = recorded_fields(app, notification)
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


def recorded_fields(app: Okra, stored: StoredEvent) -> dict[str, Any]:
    """The fields an event was hashed with: its state as stored, before any upcasting.

    An event of an older class version decodes with the fields a later version added
    (``upcast_v1_v2``), but its hash covers what was recorded, and history is never
    rewritten; so the chain is checked against the stored state (without the
    ``class_version`` marker eventsourcing stores beside it), plus the stream id and
    version stored in their own columns. It must still decode as an event.
    """
    mapper = app.mapper
    mapper.to_domain_event(stored)
    state = stored.state
    if mapper.cipher:
        state = mapper.cipher.decrypt(state)
    if mapper.compressor:
        state = mapper.compressor.decompress(state)
    fields: dict[str, Any] = mapper.transcoder.decode(state)
    fields.pop("class_version", None)
    fields["originator_id"] = stored.originator_id
    fields["originator_version"] = stored.originator_version
    return fields


def verify_snapshots(app: Okra, streams: list[str]) -> list[str]:
    """Snapshots are not chained (they are a cache of state, not history), but commands
    and time travel start from them, so a forged one would pass for the truth. Each is
    compared with the state its stream's events give at the same version."""
    if app.snapshots is None:
        return []
    problems: list[str] = []
    for stream in streams:
        try:
            snapshots = sorted(app.snapshots.get(UUID(stream)), key=lambda s: s.originator_version)
        except Exception as error:  # a snapshot that does not decode is not one we took
            problems.append(f"a snapshot of {stream} cannot be decoded ({error})")
            continue
        if not snapshots:
            continue
        wanted = iter(snapshots)
        snapshot = next(wanted, None)
        aggregate: Any = None
        events: Any = app.events.get(UUID(stream), lte=snapshots[-1].originator_version)
        for event in events:
            aggregate = event.mutate(aggregate)
            while snapshot is not None and snapshot.originator_version == event.originator_version:
                if not _same(cast(Any, snapshot).mutate(None), aggregate):
                    problems.append(
                        f"the snapshot of {stream} at version {snapshot.originator_version} "
                        "does not match its events (edited after it was taken)"
                    )
                snapshot = next(wanted, None)
        if snapshot is not None:
            problems.append(
                f"the snapshot of {stream} at version {snapshot.originator_version} "
                "has no events up to that version"
            )
    return problems


def _state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def _same(taken: Any, replayed: Any) -> bool:
    """Whether a snapshot holds the state its events give; what a snapshot of an older
    class version could not know (``learnt_on_replay``, upcast to None) is not compared."""
    snapshot, events = _state(taken), _state(replayed)
    for name in getattr(type(replayed), "learnt_on_replay", ()):
        if snapshot.get(name) is None:
            snapshot.pop(name, None)
            events.pop(name, None)
    return snapshot == events


def describe(link: BrokenLink) -> str:
    return (
        f"position {link.position}: {link.entity_type} {link.entity_id}, "
        f"{link.event_type} (stream version {link.version}): {link.reason}"
    )


@commands.command()
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
        forged = verify_snapshots(app, list(verifier.heads))
    for problem in forged[:show]:
        err.print(f"[bold red]FORGED[/] {problem}")
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
    if forged:
        err.print(f"{len(forged):,} snapshot(s) do not match their events.")
        raise typer.Exit(1)
    out.print(
        f"OK: {verifier.events:,} events in {len(verifier.heads):,} streams verified; "
        f"head digest {verifier.head_digest()}"
    )
