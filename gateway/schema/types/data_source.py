"""The DataSource type: where a key result's number comes from, and how its runs went."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.model.data_source import SourceKind, SourceStatus
from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.types.audited import Audited, moment, stamps
from gateway.schema.types.lazy import LazyKeyResult
from gateway.schema.types.node import Node
from projections.documents import Doc
from projections.views import DATA_SOURCES


@strawberry.type(
    description="A data source of a metric key result: each run records a check-in by "
    "source:<id> when the number changed. Its secrets are never answered."
)
class DataSource(Node, Audited, stored_in=DATA_SOURCES):
    id: strawberry.ID = strawberry.field(description="The data source's opaque id.")
    key_result_id: strawberry.ID = strawberry.field(description="The key result it measures.")
    kind: SourceKind = strawberry.field(description="Where the number comes from.")
    status: SourceStatus = strawberry.field(description="Connected, or disconnected.")
    schedule: str | None = strawberry.field(
        description="How often it runs (15m, 6h, 1d…); null for PUSH."
    )
    url: str | None = strawberry.field(description="HTTP_JSON, PROMETHEUS: the URL it reads.")
    json_path: str | None = strawberry.field(description="HTTP_JSON: the JSONPath to the number.")
    query: str | None = strawberry.field(description="POSTGRES_QUERY: the SQL; PROMETHEUS: PromQL.")
    header_name: str | None = strawberry.field(
        description="The header its secret is sent in, if any."
    )
    has_secret: bool = strawberry.field(
        description="Whether a secret (header value, DSN, signing secret) is stored, encrypted."
    )
    last_run_at: datetime | None = strawberry.field(description="When it last ran; null if never.")
    last_value: float | None = strawberry.field(
        description="The number its last successful run read."
    )
    last_error: str | None = strawberry.field(
        description="Why its last run failed; null when it succeeded."
    )
    failures: int = strawberry.field(
        description="Failed runs in a row (3 or more: the audit reports BROKEN_DATA_SOURCE)."
    )
    next_run_at: datetime | None = strawberry.field(
        description="When the schedule runs it next; null for PUSH or disconnected sources."
    )
    push_path: str | None = strawberry.field(
        description="PUSH: where its system POSTs signed numbers (Standard Webhooks)."
    )
    push_secret: str | None = strawberry.field(
        default=None,
        description="PUSH: the signing secret, answered once by connectDataSource; null "
        "everywhere else.",
    )

    @classmethod
    def from_doc(cls, doc: Doc) -> DataSource:
        return cls(
            id=strawberry.ID(doc["id"]),
            key_result_id=strawberry.ID(doc["key_result_id"]),
            kind=SourceKind(doc["kind"]),
            status=SourceStatus(doc["status"]),
            schedule=doc["schedule"],
            url=doc["url"],
            json_path=doc["json_path"],
            query=doc["query"],
            header_name=doc["header_name"],
            has_secret=doc["has_secret"],
            last_run_at=moment(doc["last_run_at"]),
            last_value=doc["last_value"],
            last_error=doc["last_error"],
            failures=doc["failures"],
            next_run_at=moment(doc["next_run_at"]),
            push_path=f"/sources/{doc['id']}" if doc["kind"] == SourceKind.PUSH else None,
            **stamps(doc),
        )

    @strawberry.field(description="The key result it measures.")
    async def key_result(self, info: Info) -> LazyKeyResult | None:
        return await loading.key_result(info, self.key_result_id)


async def data_source(info: Info, source_id: str | None) -> DataSource | None:
    doc = await info.context.loaders.one(DATA_SOURCES).load(str(source_id)) if source_id else None
    return DataSource.from_doc(doc) if doc else None
