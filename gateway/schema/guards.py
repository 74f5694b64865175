"""What is refused before an operation runs, and the turn a heavy one waits for.

Once a document has validated (this extension comes after the validation cache),
three more rules apply before anything executes, each answered as a request error
that names what to change:

- **Text every store can hold.** A string argument or variable with NUL or an
  unpaired surrogate is ``BAD_USER_INPUT`` naming the field: PostgreSQL cannot hold
  NUL, UTF-8 cannot hold a lone surrogate, and an error message that echoed one back
  could not even be encoded.
- **Subscriptions need a websocket.** Over HTTP one is ``BAD_USER_INPUT`` naming its
  field.
- **The cost limit.** A query costing more than ``OKRA_MAX_QUERY_COST``
  (:mod:`gateway.schema.cost`) is ``GRAPHQL_VALIDATION_FAILED``, with the computed
  ``cost`` and ``maxCost`` in its extensions.

Then a heavy operation (:func:`gateway.schema.cost.is_heavy`) waits for a turn
(:class:`gateway.heavy.HeavyWork`); none coming up in time, it is answered 503
``OVERLOADED`` with ``Retry-After``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    FragmentDefinitionNode,
    GraphQLError,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    ValueNode,
    VariableNode,
    Visitor,
    get_operation_ast,
    visit,
)
from starlette.requests import Request
from strawberry.extensions import SchemaExtension

from gateway.heavy import Overloaded
from gateway.schema import cost
from gateway.schema.errors import OkraError


def unstorable(text: str) -> bool:
    """Whether a string holds NUL or an unpaired surrogate."""
    if "\x00" in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _bad_value(value: Any, field: str) -> str | None:
    """The (camelCase) name of the field holding an unstorable string, if any."""
    if isinstance(value, str):
        return field if unstorable(value) else None
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if isinstance(key, str) and unstorable(key):
                return field
            found = _bad_value(inner, str(key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for inner in value:
            found = _bad_value(inner, field)
            if found is not None:
                return found
    return None


def _bad_node(node: ValueNode, field: str, variables: Mapping[str, Any]) -> str | None:
    if isinstance(node, StringValueNode):
        return field if unstorable(node.value) else None
    if isinstance(node, VariableNode):
        return _bad_value(variables.get(node.name.value), field)
    if isinstance(node, ObjectValueNode):
        for entry in node.fields:
            found = _bad_node(entry.value, entry.name.value, variables)
            if found is not None:
                return found
    if isinstance(node, ListValueNode):
        for inner in node.values:
            found = _bad_node(inner, field, variables)
            if found is not None:
                return found
    return None


class _Arguments(Visitor):
    def __init__(self, variables: Mapping[str, Any]) -> None:
        super().__init__()
        self.variables = variables
        self.found: str | None = None

    def enter_argument(self, node: ArgumentNode, *_: Any) -> Any:
        if self.found is None:
            self.found = _bad_node(node.value, node.name.value, self.variables)
        return Visitor.BREAK if self.found is not None else None


def unstorable_field(document: DocumentNode, variables: Mapping[str, Any]) -> str | None:
    """The first argument or input field given an unstorable string, by its name."""
    arguments = _Arguments(variables)
    visit(document, arguments)
    if arguments.found is not None:
        return arguments.found
    # Variables the document never reads are still refused: nothing should carry them.
    return _bad_value(dict(variables), "variables")


def _root_field(operation: OperationDefinitionNode) -> str:
    for node in operation.selection_set.selections:
        name = getattr(node, "name", None)
        if name is not None:
            return str(name.value)
    return "subscription"


class GuardOperations(SchemaExtension):
    """The rules above (placed right after strawberry's ValidationCache, which has set
    ``pre_execution_errors`` by the time this extension's ``on_validate`` starts)."""

    def __init__(self, max_cost: int) -> None:
        super().__init__()
        self.max_cost = max_cost
        self.heavy = False

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors == []:  # validated, and valid
            problem = self._refusal()
            if problem is not None:
                context.pre_execution_errors = [problem]
        yield

    def _refusal(self) -> GraphQLError | None:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None
        operation = get_operation_ast(document, context.operation_name)
        if operation is None:
            return None  # strawberry answers that operationName is needed
        variables = context.variables or {}
        field = unstorable_field(document, variables)
        if field is not None:
            rule = "must be valid Unicode text without NUL characters"
            return OkraError(f"{field}: {rule}", "BAD_USER_INPUT", field)
        request = getattr(context.context, "request", None)
        if operation.operation == OperationType.SUBSCRIPTION and isinstance(request, Request):
            field = _root_field(operation)
            return OkraError(
                f"{field}: subscriptions run over a websocket (graphql-transport-ws) at "
                "/graphql, not over HTTP",
                "BAD_USER_INPUT",
                field,
            )
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        schema = context.schema._schema
        costs = cost.operation_cost(schema, operation, fragments, variables)
        if costs > self.max_cost:
            return GraphQLError(
                f"the query costs {costs}, more than the {self.max_cost} allowed "
                "(OKRA_MAX_QUERY_COST): ask for fewer fields or smaller pages",
                extensions={
                    "code": "GRAPHQL_VALIDATION_FAILED",
                    "cost": costs,
                    "maxCost": self.max_cost,
                },
            )
        self.heavy = operation.operation == OperationType.QUERY and cost.is_heavy(
            schema, operation, fragments
        )
        return None

    async def on_execute(self) -> AsyncIterator[None]:
        if not self.heavy:
            yield
            return
        context = self.execution_context
        backend = context.context.backend
        try:
            async with backend.heavy.turn():
                yield
        except Overloaded as busy:
            error = OkraError(str(busy), "OVERLOADED")
            error.extensions = {**(error.extensions or {}), "retryAfter": busy.retry_after}
            context.result = ExecutionResult(data=None, errors=[error])
            response = getattr(context.context, "response", None)
            if response is not None and hasattr(response, "status_code"):  # HTTP
                response.status_code = 503
                response.headers["Retry-After"] = str(busy.retry_after)
            yield
