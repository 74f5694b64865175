"""Operating OKRA: structured logs with a request id, and Prometheus metrics.

Shared by every process (the gateway, the projector, the CLI): the logging set-up,
the metrics registry and the request id of the current context, which HTTP sets
(:mod:`gateway.http.request_ids`) and masked errors name. Metrics use bounded labels
only: an operation is named by its type and root fields, never by client text.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Iterator
from typing import Any

import structlog
from graphql import FieldNode, OperationDefinitionNode
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from strawberry.extensions import SchemaExtension

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "okra_request_id", default=None
)
operations_log = logging.getLogger("okra.graphql")


def configure_logging(level: str = "info", json_logs: bool = True) -> None:
    """Route stdlib and structlog records through one renderer (JSON by default)."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),  # stdlib records' extra={...} become fields
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer() if json_logs else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    handler.addFilter(without_query_strings)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def without_query_strings(record: logging.LogRecord) -> bool:
    """Keeps query strings out of the log: uvicorn's access lines carry the request's
    path with its query, and a GET's query is a GraphQL document and its variables."""
    if record.name.startswith("uvicorn") and isinstance(record.args, tuple):
        record.args = tuple(
            arg.split("?", 1)[0] if isinstance(arg, str) and arg.startswith("/") else arg
            for arg in record.args
        )
    return True


class Metrics:
    """The gateway's Prometheus metrics, in a registry of its own (one per app)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "okra_graphql_request_seconds",
            "GraphQL operation latency, by operation type and root fields.",
            ["operation"],
            registry=self.registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.errors = Counter(
            "okra_graphql_errors_total",
            "GraphQL errors answered, by code.",
            ["code"],
            registry=self.registry,
        )
        self.appended = Counter(
            "okra_events_appended_total",
            "Events this process appended to the log.",
            registry=self.registry,
        )
        self.visible = Histogram(
            "okra_read_your_writes_seconds",
            "Time from a command's commit until the views show it (the projection lag a "
            "mutation waits out).",
            registry=self.registry,
            buckets=(
                *(i / 1000 for i in (0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50)),
                *(0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5, 10),
            ),
        )
        self.cache_hits = Counter(
            "okra_result_cache_hits_total",
            "Queries answered from the result cache (same request, views at the same position).",
            registry=self.registry,
        )
        self.cache_bytes = Gauge(
            "okra_result_cache_bytes",
            "Memory the result cache holds (answers, headers and keys), roughly.",
            registry=self.registry,
        )
        self.cache_entries = Gauge(
            "okra_result_cache_entries", "Answers the result cache holds.", registry=self.registry
        )
        self.projected = Counter(
            "okra_events_projected_total",
            "Events this process's projector applied to the views.",
            registry=self.registry,
        )
        self.position = Gauge(
            "okra_projection_position",
            "Log position the views have reached.",
            registry=self.registry,
        )
        self.head = Gauge(
            "okra_log_head", "Latest log position (read when scraped).", registry=self.registry
        )
        self.lag = Gauge(
            "okra_projection_lag_events",
            "Events in the log the views do not show yet (when scraped).",
            registry=self.registry,
        )
        self.subscriptions = Gauge(
            "okra_subscriptions", "Live GraphQL subscriptions.", registry=self.registry
        )

    def extension(self) -> type[SchemaExtension]:
        metrics = self

        class MeasureOperations(SchemaExtension):
            validated = False  # a document that fails to parse never reaches validation

            def on_validate(self) -> Iterator[None]:
                yield
                self.validated = not self.execution_context.pre_execution_errors

            def on_operation(self) -> Iterator[None]:
                started = time.perf_counter()
                yield
                context = self.execution_context
                seconds = time.perf_counter() - started
                # Only a validated document names schema fields: any other would turn
                # client text into label values, one series per probe.
                operation = (
                    operation_label(context.graphql_document) if self.validated else "invalid"
                )
                metrics.latency.labels(operation).observe(seconds)
                codes = [
                    str((error.extensions or {}).get("code", "UNKNOWN"))
                    for error in getattr(context.result, "errors", None) or []
                ]
                for code in codes:
                    metrics.errors.labels(code).inc()
                # One structured line per operation; the request id comes from the context.
                operations_log.info(
                    "graphql operation",
                    extra={
                        "operation": operation,
                        "operation_name": context.operation_name,
                        "seconds": round(seconds, 6),
                        "errors": codes,
                    },
                )

        return MeasureOperations


def operation_label(document: Any) -> str:
    """``query:objectives,teams``: bounded by the schema, whatever the client sends."""
    if document is None:
        return "invalid"
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            fields = sorted(
                {
                    selection.name.value
                    for selection in definition.selection_set.selections
                    if isinstance(selection, FieldNode)
                }
            )
            return f"{definition.operation.value}:{','.join(fields[:5])}"
    return "invalid"
