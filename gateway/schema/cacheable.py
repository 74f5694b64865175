"""The mark a GraphQL execution leaves on an HTTP request whose answer may be kept.

Only the execution knows whether the operation was a query and whether it answered
without errors; the result cache in front of it (:mod:`gateway.http.cache`) keeps
only answers so marked. The mark lives here, with the schema's extensions, so that
HTTP depends on the schema and never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

CACHEABLE = "okra.cacheable"  # the ASGI scope key of the mark
# Set in the context's ``extra`` by a resolver that read what the views' position does
# not version (webhook deliveries): such an answer is never kept.
UNCACHEABLE = "okra.uncacheable"


class MarkCacheable(SchemaExtension):
    """Marks a request whose operation was a query answered without errors."""

    def on_operation(self) -> Iterator[None]:
        yield
        context = self.execution_context
        request = getattr(context.context, "request", None)
        result = context.result
        if (
            request is not None
            and context.operation_type is OperationType.QUERY
            and result is not None
            and not getattr(result, "errors", None)
            and not getattr(context.context, "extra", {}).get(UNCACHEABLE)
        ):
            request.scope[CACHEABLE] = True
