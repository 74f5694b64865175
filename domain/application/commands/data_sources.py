"""Commands about data sources: key results that update themselves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.data_source import SourceKind, source_id_for
from domain.model.edits import KEEP


@dataclass(frozen=True, kw_only=True)
class ConnectDataSource(Command):
    """Attach a data source to a metric key result: each run records a check-in by
    source:<id> when the number changed. A PUSH source's signing secret is answered once
    (pushSecret)."""

    input_doc: ClassVar[str] = (
        "HTTP_JSON takes url and jsonPath (headerName and secret optional); POSTGRES_QUERY "
        "takes dsn and query; PROMETHEUS takes url (the server's base URL) and query; PUSH "
        "takes nothing and gets a signing secret. Every kind but PUSH takes a schedule."
    )
    argument_doc: ClassVar[str] = "The key result and where its number comes from."

    key_result_id: Annotated[Id, "The metric key result the source measures."]
    kind: Annotated[SourceKind, "Where the number comes from."]
    schedule: Annotated[
        str | None, "How often it runs: 15m, 6h, 1d, hourly, daily or weekly (not PUSH)."
    ] = None
    url: Annotated[str | None, "HTTP_JSON: the JSON's URL; PROMETHEUS: the server's URL."] = None
    json_path: Annotated[str | None, "HTTP_JSON: a JSONPath to exactly one number."] = None
    query: Annotated[
        str | None, "POSTGRES_QUERY: SQL answering one row of one number; PROMETHEUS: PromQL."
    ] = None
    header_name: Annotated[str | None, "HTTP_JSON, PROMETHEUS: a header to send the secret in."] = (
        None
    )
    secret: Annotated[str | None, "The header's value; stored encrypted, never answered."] = None
    dsn: Annotated[
        str | None, "POSTGRES_QUERY: postgresql://user:password@host/db; stored encrypted."
    ] = None

    def lock(self) -> object:
        return str(source_id_for(self.key_result_id))


@dataclass(frozen=True, kw_only=True)
class UpdateDataSource(Command):
    """Change a data source's schedule or settings; secrets left out stay as they are."""

    input_doc: ClassVar[str] = "Fields left out stay as they are."
    argument_doc: ClassVar[str] = "The data source and the settings to change."

    id: Annotated[Id, "The data source."]
    expected_version: Annotated[
        int | None, "The data source's version you read; left out, no check."
    ] = None
    schedule: Annotated[str, "A new schedule (not PUSH)."] = KEEP
    url: Annotated[str | None, "A new URL."] = KEEP
    json_path: Annotated[str | None, "A new JSONPath."] = KEEP
    query: Annotated[str | None, "A new query."] = KEEP
    header_name: Annotated[str | None, "A new header name; null removes it."] = KEEP
    secret: Annotated[str, "A new header value; stored encrypted."] = KEEP
    dsn: Annotated[str, "A new DSN; stored encrypted."] = KEEP

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class DisconnectDataSource(Command):
    """Detach a data source: it runs no more; its check-ins stay."""

    input_doc: ClassVar[str] = "The data source to disconnect."
    argument_doc: ClassVar[str] = "The data source."

    id: Annotated[Id, "The data source."]

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class RunDataSource(Command):
    """Run a data source now (PUSH sources run when their system pushes)."""

    input_doc: ClassVar[str] = "The data source to run now."
    argument_doc: ClassVar[str] = "The data source."

    id: Annotated[Id, "The data source."]

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class RecordReading(Command):
    """What a run of a data source read: a number (a check-in when it differs from the
    current value) or an error (recorded on the source). Given by the scheduler, the
    push endpoint and runDataSource, never by GraphQL directly."""

    id: Annotated[Id, "The data source."]
    value: Annotated[float | None, "The number read."] = None
    error: Annotated[str | None, "Why no number was read."] = None
    origin: Annotated[str, "Where the number came from, for the check-in's note."] = ""

    def lock(self) -> object:
        return self.id

    def request(self) -> dict[str, Any]:
        """A run of the source: what it read is not part of the request, so a retried
        run (a scheduled slot run twice, a pushed message replayed, runDataSource with
        the same key) answers as the first one did, whatever the second one read."""
        return {"id": self.id}
