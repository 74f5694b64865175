"""Handlers of the data-source commands, and what a run needs to know before it reads.

Whoever may check in on a key result (its team's editors, its owner, its objective's
owner) may connect, change, disconnect and run its source. Reading the number is I/O,
which is the gateway's (``gateway.sources``): it asks :func:`run_spec` first (which
authorises the actor, so nobody without the right makes OKRA call anything), reads,
and hands the outcome back as :class:`RecordReading`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from jsonpath_ng.ext.parser import parse as parse_json_path

from domain.application.access import Actor
from domain.application.commands import (
    ConnectDataSource,
    DisconnectDataSource,
    RecordReading,
    RunDataSource,
    Saved,
    UpdateDataSource,
)
from domain.application.secrets import SecretBox, signing_secret
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.base import Stamp
from domain.model.data_source import DataSource, SourceKind, settings_for, source_id_for
from domain.model.edits import KEEP
from domain.model.errors import CycleClosed, DomainError, InvalidInput
from domain.model.objective import KeyResult, Objective

if TYPE_CHECKING:
    from domain.application.okra import Okra


@dataclass(frozen=True)
class RunSpec:
    """What reading a source needs, its secret opened (never leaves the process)."""

    id: str
    kind: SourceKind
    url: str | None
    json_path: str | None
    query: str | None
    header_name: str | None
    secret: str | None


# What a reading's answer notes when it made a check-in (``Saved.notes``).
RECORDED = "check-in recorded"


def actor_of(source_id: str) -> str:
    """The actor a source's check-ins are recorded by."""
    return f"source:{source_id}"


def _box(uow: UnitOfWork, field: str) -> SecretBox:
    box: SecretBox | None = uow.app.secrets
    if box is None:
        raise InvalidInput(field, "this server has no OKRA_SECRET_KEY to keep secrets with")
    return box


def _url(url: str | None) -> None:
    if url is None:
        return
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("url", "must be an http or https URL with a host")


def _json_path(path: str | None) -> None:
    """A JSONPath that parses (jsonpath-ng's extended syntax), or a refusal."""
    if path is None:
        return
    try:
        parse_json_path(rules.clean(path, "json_path"))
    except InvalidInput:
        raise
    except Exception:  # jsonpath-ng raises plain Exceptions for what does not parse
        raise InvalidInput("json_path", "must be a JSONPath such as $.data.total") from None


def _dsn(dsn: str) -> str:
    text = rules.clean(dsn, "dsn").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("postgres", "postgresql") or not parts.hostname:
        raise InvalidInput("dsn", "must be a postgresql://user:password@host:port/db URL")
    return text


def _secret_for(
    uow: UnitOfWork, kind: SourceKind, secret: str | None, dsn: str | None
) -> tuple[str | None, str | None]:
    """(the secret to seal, the one to answer once) for a new connection."""
    if dsn is not None and kind != SourceKind.POSTGRES_QUERY:
        raise InvalidInput("dsn", f"a {kind} source takes no dsn")
    if secret is not None and kind not in (SourceKind.HTTP_JSON, SourceKind.PROMETHEUS):
        raise InvalidInput("secret", f"a {kind} source takes no secret")
    if kind == SourceKind.POSTGRES_QUERY:
        if dsn is None:
            raise InvalidInput("dsn", "required for a POSTGRES_QUERY source")
        return _dsn(dsn), None
    if kind == SourceKind.PUSH:
        pushed = signing_secret()
        return pushed, pushed
    if secret is not None:
        return rules.clean(secret, "secret"), None
    return None, None


def _metric(objective: Objective, key_result: KeyResult, field: str) -> None:
    objective.check_open()
    if key_result.milestones:
        raise InvalidInput(field, "a data source measures a metric key result, not milestones")


def connect_data_source(command: ConnectDataSource, uow: UnitOfWork) -> Saved:
    objective, key_result = uow.changing_key_result(
        command.key_result_id, "key_result_id", owners_may=True
    )
    _metric(objective, key_result, "key_result_id")
    kind = rules.choice(command.kind, SourceKind, "kind")
    _url(command.url)
    _json_path(command.json_path)
    plain, answered = _secret_for(uow, kind, command.secret, command.dsn)
    settings = settings_for(
        kind,
        schedule=command.schedule,
        url=command.url,
        json_path=command.json_path,
        query=command.query,
        header_name=command.header_name,
        has_secret=command.secret is not None,
    )
    sealed = (
        _box(uow, "secret" if kind != SourceKind.PUSH else "kind").seal(plain) if plain else None
    )
    source = uow.find(DataSource, source_id_for(key_result.id))
    if source is None:
        source = DataSource.connect(
            uow.stamp,
            key_result_id=key_result.id,
            objective_id=str(objective.id),
            team_id=objective.team_id,
            cycle_id=objective.cycle_id,
            kind=kind,
            settings=settings,
            sealed_secret=sealed,
        )
    else:
        source.reconnect(uow.stamp, kind=kind, settings=settings, sealed_secret=sealed)
    return replace(uow.commit(source.id, source), secret=answered)


def _changing(uow: UnitOfWork, source_id: str) -> DataSource:
    source = uow.load(DataSource, source_id, "id")
    uow.changing_key_result(source.key_result_id, "id", owners_may=True)
    return source


def update_data_source(command: UpdateDataSource, uow: UnitOfWork) -> Saved:
    source = _changing(uow, command.id)
    _url(None if command.url is KEEP else command.url)
    _json_path(None if command.json_path is KEEP else command.json_path)
    sealed: str | None = None
    if command.secret is not KEEP:
        if source.kind not in (SourceKind.HTTP_JSON, SourceKind.PROMETHEUS):
            raise InvalidInput("secret", f"a {source.kind} source takes no secret")
        sealed = _box(uow, "secret").seal(rules.clean(command.secret, "secret"))
    if command.dsn is not KEEP:
        if source.kind != SourceKind.POSTGRES_QUERY:
            raise InvalidInput("dsn", f"a {source.kind} source takes no dsn")
        sealed = _box(uow, "dsn").seal(_dsn(command.dsn))
    source.update(
        uow.stamp,
        expected_version=command.expected_version,
        proposed={
            "schedule": command.schedule,
            "url": command.url,
            "json_path": command.json_path,
            "query": command.query,
            "header_name": command.header_name,
        },
        sealed_secret=sealed,
    )
    return uow.commit(source.id, source)


def disconnect_data_source(command: DisconnectDataSource, uow: UnitOfWork) -> Saved:
    source = _changing(uow, command.id)
    source.disconnect(uow.stamp)
    return uow.commit(source.id, source)


def run_data_source(command: RunDataSource, uow: UnitOfWork) -> Saved:
    """A run reads the source first, which is I/O: the gateway does it (``run_spec``,
    then :class:`RecordReading`). Given to the application directly, a run is refused
    once the actor is found allowed."""
    _changing(uow, command.id).check_connected()
    raise InvalidInput("id", "a data source is run through the gateway (runDataSource)")


def record_reading(command: RecordReading, uow: UnitOfWork) -> Saved:
    """A check-in by ``source:<id>`` when the number differs from the current value, and
    on the source, that it ran or failed (its failures in a row). A source whose cycle
    closed disconnects itself at its next run."""
    source = _changing(uow, command.id)
    source.check_connected()
    if command.error is not None or command.value is None:
        source.failed(uow.stamp, command.error or "no number was read")
        return uow.commit(source.id, source)
    objective, key_result = uow.key_result(source.key_result_id, "id")
    value = command.value
    if key_result.current is not None and key_result.current == value:
        source.ran(uow.stamp, value=value, recorded=False, origin=command.origin)
        return uow.commit(source.id, source)
    try:
        _metric(objective, key_result, "id")
        objective.record_check_in(
            Stamp(actor=actor_of(str(source.id)), at=uow.stamp.at),
            key_result.id,
            expected_version=None,
            value=value,
            milestones_done=None,
            confidence=key_result.confidence,  # the people's latest, kept
            note=f"From {source.kind} {command.origin}".strip()[: rules.NOTE_MAX],
            as_of=None,
        )
    except CycleClosed:  # its cycle is over: nothing more to measure
        source.disconnect(uow.stamp)
        return uow.commit(source.id, source)
    except DomainError as refused:  # a number no store keeps
        source.failed(uow.stamp, f"the check-in was refused: {refused}")
        return uow.commit(source.id, source)
    source.ran(uow.stamp, value=value, recorded=True, origin=command.origin)
    return replace(uow.commit(source.id, source, objective), notes=(RECORDED,))


def run_spec(app: Okra, actor: Actor, source_id: str) -> RunSpec:
    """What reading the source needs, once ``actor`` may run it (a Principal is
    authorised; the scheduler's and the push endpoint's ``source:<id>`` are trusted)."""
    uow = UnitOfWork(app, actor)
    source = _changing(uow, source_id)
    source.check_connected()
    secret = None
    if source.sealed_secret is not None:
        box: SecretBox | None = app.secrets
        secret = box.open(source.sealed_secret) if box is not None else None
    return RunSpec(
        id=str(source.id),
        kind=source.kind,
        url=source.url,
        json_path=source.json_path,
        query=source.query,
        header_name=source.header_name,
        secret=secret,
    )
