"""Who may read the schema through the API (``OKRA_INTROSPECTION``).

By default introspection is for people who are signed in: an admin's GraphiQL has its
documentation and completion, and codegen runs against the server with a token,
while an anonymous caller (possible with ``OKRA_PUBLIC_READ``) learns nothing of the
schema. A request that may not introspect is also told nothing of it by the way:
graphql-core's "Did you mean …?" suggestions (field, argument, type and enum value
names) are cut from its errors.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from gateway.settings import Introspection

SUGGESTION = re.compile(r"\s*Did you mean .*\?\s*$", re.S)


def without_suggestions(error: GraphQLError) -> GraphQLError:
    """The error without its "Did you mean …?" (a copy: validation errors are cached
    and shared with requests that may see them)."""
    message = SUGGESTION.sub("", error.message)
    if message == error.message:
        return error
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=error.extensions,
    )


class GuardIntrospection(SchemaExtension):
    """Refuses ``__schema``/``__type`` to requests the mode does not allow, and cuts
    suggestions from their errors."""

    def __init__(self, mode: Introspection) -> None:
        self.mode = mode

    def allowed(self) -> bool:
        if self.mode == Introspection.AUTHENTICATED:
            return getattr(self.execution_context.context, "principal", None) is not None
        return self.mode == Introspection.ON

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        hidden = not self.allowed()
        if hidden:
            context.validation_rules = (*context.validation_rules, NoSchemaIntrospectionCustomRule)
        yield
        result = context.result
        if hidden and result is not None and result.errors:
            result.errors = [without_suggestions(error) for error in result.errors]
