"""Data sources: where a metric key result's number already lives, read on a schedule.

A source is attached to one key result (its id is derived from the key result's, so a
key result has at most one, and two connections racing collide on one stream). Each
run of a source records an ordinary check-in on the key result (in the objective's
stream, by the actor ``source:<id>``), so scores, trends, the audit and retrospectives
need nothing new; the source itself records only that it ran (``DataSourceRan``) or
failed (``DataSourceFailed``), which is what its schedule and the audit read.

Secrets (a header's value, a database DSN, a push source's signing secret) arrive
here already sealed (see :mod:`domain.application.secrets`): the aggregate and its
events hold ciphertext only, and no query answers it.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model import rules
from domain.model.base import OkraAggregate, Stamp
from domain.model.edits import KEEP
from domain.model.errors import InvalidInput

SOURCE_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/data-source")
# After this many failures in a row the alignment audit reports the source broken.
BROKEN_AFTER = 3
ERROR_MAX = 500
QUERY_MAX = 10_000
URL_MAX = 2_000

_SCHEDULE = re.compile(r"^(\d{1,5})\s*(m|h|d)$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}
_NAMED = {"hourly": "1h", "daily": "1d", "weekly": "7d"}
MIN_INTERVAL = 60
MAX_INTERVAL = 31 * 86400
_HEADER = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")


class SourceKind(StrEnum):
    HTTP_JSON = "HTTP_JSON"
    POSTGRES_QUERY = "POSTGRES_QUERY"
    PROMETHEUS = "PROMETHEUS"
    PUSH = "PUSH"


class SourceStatus(StrEnum):
    CONNECTED = "CONNECTED"
    DISCONNECTED = "DISCONNECTED"


def source_id_for(key_result_id: str) -> UUID:
    return uuid5(SOURCE_NAMESPACE, str(key_result_id))


def interval_of(schedule: str, field: str = "schedule") -> tuple[str, int]:
    """A schedule as written (``15m``, ``6h``, ``1d``, ``hourly``, ``daily``, ``weekly``),
    normalised, and its interval in seconds (1 minute to 31 days)."""
    text = rules.clean(schedule, field).strip().lower()
    text = _NAMED.get(text, text)
    match = _SCHEDULE.match(text)
    if match is None:
        raise InvalidInput(field, "must be an interval such as 15m, 6h, 1d, hourly or daily")
    seconds = int(match[1]) * _UNIT_SECONDS[match[2]]
    if not MIN_INTERVAL <= seconds <= MAX_INTERVAL:
        raise InvalidInput(field, "must be between 1 minute and 31 days")
    return f"{int(match[1])}{match[2]}", seconds


def _optional_text(value: str | None, field: str, limit: int) -> str | None:
    if value is None:
        return None
    text = rules.text(value, field, limit)
    return text or None


def _header(value: str | None) -> str | None:
    if value is None:
        return None
    name = rules.clean(value, "header_name").strip()
    if not _HEADER.match(name):
        raise InvalidInput("header_name", "must be an HTTP header name such as Authorization")
    return name


def settings_for(
    kind: SourceKind,
    *,
    schedule: str | None,
    url: str | None,
    json_path: str | None,
    query: str | None,
    header_name: str | None,
    has_secret: bool,
) -> dict[str, Any]:
    """The settings a kind of source needs, checked: what it reads, and how often."""
    fields: dict[str, Any] = {
        "url": _optional_text(url, "url", URL_MAX),
        "json_path": _optional_text(json_path, "json_path", 1000),
        "query": _optional_text(query, "query", QUERY_MAX),
        "header_name": _header(header_name),
    }
    needs = {
        SourceKind.HTTP_JSON: ("url", "json_path"),
        SourceKind.PROMETHEUS: ("url", "query"),
        SourceKind.POSTGRES_QUERY: ("query",),
        SourceKind.PUSH: (),
    }[kind]
    for name in needs:
        if fields[name] is None:
            raise InvalidInput(name, f"required for a {kind} source")
    for name in ("url", "json_path", "query", "header_name"):
        if fields[name] is not None and name not in needs and name != "header_name":
            raise InvalidInput(name, f"a {kind} source takes no {name}")
    if fields["header_name"] is not None and kind not in (
        SourceKind.HTTP_JSON,
        SourceKind.PROMETHEUS,
    ):
        raise InvalidInput("header_name", f"a {kind} source takes no header")
    if fields["header_name"] is not None and not has_secret:
        raise InvalidInput("secret", "a header needs its secret value")
    if kind == SourceKind.PUSH:
        if schedule is not None:
            raise InvalidInput("schedule", "a PUSH source runs when its system pushes")
        fields["schedule"], fields["interval"] = None, None
    else:
        if schedule is None:
            raise InvalidInput("schedule", f"required for a {kind} source")
        fields["schedule"], fields["interval"] = interval_of(schedule)
    return fields


class DataSource(OkraAggregate):
    entity = "DataSource"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        key_result_id: str
        objective_id: str
        team_id: str
        cycle_id: str
        kind: SourceKind
        schedule: str | None
        interval: int | None
        url: str | None
        json_path: str | None
        query: str | None
        header_name: str | None
        sealed_secret: str | None
        status: SourceStatus
        failures: int  # in a row, since the last successful run
        failing_since: datetime | None  # when the current streak of failures began
        last_run_at: datetime | None

    class DataSourceConnected(OkraAggregate.Created):
        key_result_id: str
        objective_id: str
        team_id: str
        cycle_id: str
        kind: str
        schedule: str | None
        interval: int | None
        url: str | None
        json_path: str | None
        query: str | None
        header_name: str | None
        sealed_secret: str | None

        def apply(self, source: DataSource) -> None:
            super().apply(source)
            source.kind = SourceKind(self.kind)
            source.status = SourceStatus.CONNECTED
            source.failures = 0
            source.failing_since = None
            source.last_run_at = None

    class DataSourceReconnected(OkraAggregate.Event):
        """Connected again after a disconnection, with settings of its own."""

        kind: str
        schedule: str | None
        interval: int | None
        url: str | None
        json_path: str | None
        query: str | None
        header_name: str | None
        sealed_secret: str | None

        def apply(self, source: DataSource) -> None:
            for name in (
                "schedule",
                "interval",
                "url",
                "json_path",
                "query",
                "header_name",
                "sealed_secret",
            ):
                setattr(source, name, getattr(self, name))
            source.kind = SourceKind(self.kind)
            source.status = SourceStatus.CONNECTED
            source.failures = 0
            source.failing_since = None
            source.last_run_at = None

    class DataSourceUpdated(OkraAggregate.Event):
        changes: dict[str, list[Any]]

        def apply(self, source: DataSource) -> None:
            for name, (_, new) in self.changes.items():
                setattr(source, name, new)

    class DataSourceDisconnected(OkraAggregate.Event):
        def apply(self, source: DataSource) -> None:
            source.status = SourceStatus.DISCONNECTED

    class DataSourceRan(OkraAggregate.Event):
        """A run read ``value``; ``recorded``: whether it made a check-in (a value equal
        to the current one makes none)."""

        edits_entity = False
        value: float
        recorded: bool
        origin: str

        def apply(self, source: DataSource) -> None:
            source.failures = 0
            source.failing_since = None
            source.last_run_at = self.timestamp

    class DataSourceFailed(OkraAggregate.Event):
        """A run got no number; it is tried again at the next scheduled time."""

        edits_entity = False
        error: str
        failures: int

        def apply(self, source: DataSource) -> None:
            if self.failures == 1 or getattr(source, "failing_since", None) is None:
                source.failing_since = self.timestamp  # a new streak begins
            source.failures = self.failures
            source.last_run_at = self.timestamp

    @classmethod
    def connect(
        cls,
        stamp: Stamp,
        *,
        key_result_id: str,
        objective_id: str,
        team_id: str,
        cycle_id: str,
        kind: SourceKind,
        settings: dict[str, Any],
        sealed_secret: str | None,
    ) -> DataSource:
        return cls._create(
            cls.DataSourceConnected,
            id=source_id_for(key_result_id),
            actor=stamp.actor,
            timestamp=stamp.at,
            key_result_id=key_result_id,
            objective_id=objective_id,
            team_id=team_id,
            cycle_id=cycle_id,
            kind=kind,
            sealed_secret=sealed_secret,
            **settings,
        )

    def reconnect(
        self,
        stamp: Stamp,
        *,
        kind: SourceKind,
        settings: dict[str, Any],
        sealed_secret: str | None,
    ) -> None:
        if self.status == SourceStatus.CONNECTED:
            raise InvalidInput(
                "key_result_id", "the key result already has a data source: update it"
            )
        self.record(
            self.DataSourceReconnected, stamp, kind=kind, sealed_secret=sealed_secret, **settings
        )

    def check_connected(self) -> None:
        if self.status != SourceStatus.CONNECTED:
            raise InvalidInput("id", "the data source is disconnected")

    def update(
        self,
        stamp: Stamp,
        *,
        expected_version: int | None,
        proposed: dict[str, Any],
        sealed_secret: str | None,
    ) -> None:
        """Change settings; ``proposed`` holds KEEP for what is left alone."""
        self.check_connected()
        self.check_revision(expected_version)
        current = {
            name: getattr(self, name) for name in ("url", "json_path", "query", "header_name")
        }
        merged = {name: value for name, value in proposed.items() if value is not KEEP}
        schedule = merged.pop("schedule", self.schedule)
        has_secret = sealed_secret is not None or self.sealed_secret is not None
        settings = settings_for(
            self.kind,
            schedule=schedule,
            has_secret=has_secret,
            **{**current, **merged},
        )
        if sealed_secret is not None:
            settings["sealed_secret"] = sealed_secret
        self.record_edit(stamp, self.DataSourceUpdated, **settings)

    def disconnect(self, stamp: Stamp) -> None:
        self.check_connected()
        self.record(self.DataSourceDisconnected, stamp)

    def ran(self, stamp: Stamp, *, value: float, recorded: bool, origin: str) -> None:
        self.record(self.DataSourceRan, stamp, value=value, recorded=recorded, origin=origin)

    def failed(self, stamp: Stamp, error: str) -> None:
        message = " ".join(error.split())[:ERROR_MAX] or "failed"
        self.record(self.DataSourceFailed, stamp, error=message, failures=self.failures + 1)
