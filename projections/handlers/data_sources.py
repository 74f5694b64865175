"""Documents of data sources: their settings (never their secrets), their last run and
when the schedule runs them next."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.model.data_source import DataSource, SourceStatus
from projections.documents import Batch, Doc, created, iso
from projections.handlers.dispatch import project

_SETTINGS = ("kind", "schedule", "interval", "url", "json_path", "query", "header_name")


def scheduled(doc: Doc) -> Doc:
    """The document with its next run: at once when connected, then an interval after
    the last run; none for a PUSH or disconnected source (the domain's rule)."""
    interval = doc.get("interval")
    if interval is None or doc["status"] != SourceStatus.CONNECTED:
        return {**doc, "next_run_at": None}
    last = doc.get("last_run_at")
    if last is None:
        return {**doc, "next_run_at": doc["connected_at"]}
    at = datetime.fromisoformat(last) + timedelta(seconds=interval)
    return {**doc, "next_run_at": iso(at)}


def _settings(event: Any) -> dict[str, Any]:
    fields = {name: getattr(event, name) for name in _SETTINGS}
    fields["has_secret"] = event.sealed_secret is not None
    return fields


@project.register
def _(event: DataSource.DataSourceConnected, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return scheduled(
        created(
            event,
            pos,
            key_result_id=event.key_result_id,
            objective_id=event.objective_id,
            team_id=event.team_id,
            cycle_id=event.cycle_id,
            status=SourceStatus.CONNECTED,
            connected_at=iso(event.timestamp),
            last_run_at=None,
            last_value=None,
            last_error=None,
            failures=0,
            **_settings(event),
        )
    )


@project.register
def _(event: DataSource.DataSourceReconnected, doc: Doc, pos: int, batch: Batch) -> Doc:
    return scheduled(
        {
            **doc,
            **_settings(event),
            "status": SourceStatus.CONNECTED,
            "connected_at": iso(event.timestamp),
            "last_run_at": None,
            "last_error": None,
            "failures": 0,
        }
    )


@project.register
def _(event: DataSource.DataSourceUpdated, doc: Doc, pos: int, batch: Batch) -> Doc:
    new = dict(doc)
    for name, (_, value) in event.changes.items():
        if name == "sealed_secret":
            new["has_secret"] = value is not None
        else:
            new[name] = value
    return scheduled(new)


@project.register
def _(event: DataSource.DataSourceDisconnected, doc: Doc, pos: int, batch: Batch) -> Doc:
    return scheduled({**doc, "status": SourceStatus.DISCONNECTED})


@project.register
def _(event: DataSource.DataSourceRan, doc: Doc, pos: int, batch: Batch) -> Doc:
    return scheduled(
        {
            **doc,
            "last_run_at": iso(event.timestamp),
            "last_value": event.value,
            "last_error": None,
            "failures": 0,
        }
    )


@project.register
def _(event: DataSource.DataSourceFailed, doc: Doc, pos: int, batch: Batch) -> Doc:
    return scheduled(
        {
            **doc,
            "last_run_at": iso(event.timestamp),
            "last_error": event.error,
            "failures": event.failures,
        }
    )
