"""Execution: a shorter path for the fields that are plain attributes of a leaf type.

A dashboard page or an audit page is hundreds of scalar fields (``title``, ``score``,
``actor``…) read straight off prepared objects. graphql-core gives each the full
treatment all the same: a resolve info, argument coercion, the nullability and list
dispatch of ``complete_value``. Profiles of the audit page (805 fields) put ~85% of
its time there. For a field that strawberry resolves by attribute (its basic-field
resolver, which ignores the info) and whose type is a scalar or an enum, reading the
attribute and coercing it is the whole of the spec's work; that is all this does.
Anything out of the ordinary (arguments, ``None`` for a non-null field, an error, an
awaitable) goes the ordinary way, so errors are located and reported as before.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.pyutils import Path, Undefined
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

_UNSET = object()
_PLAIN = "_okra_plain_leaf"  # the decision, kept on the field definition itself


def _plain_leaf(field: GraphQLField) -> tuple[GraphQLLeafType, bool] | None:
    """(leaf type, non-null) when the field is an attribute of a scalar or enum type."""
    if field.args or not getattr(field.resolve, "_is_default", False):
        return None
    field_type, non_null = field.type, False
    if isinstance(field_type, GraphQLNonNull):
        field_type, non_null = field_type.of_type, True
    if not isinstance(field_type, GraphQLScalarType | GraphQLEnumType):
        return None
    return field_type, non_null


def _decision(field: GraphQLField) -> tuple[GraphQLLeafType, bool] | None:
    """``_plain_leaf``, worked out once per field definition (the schema is fixed)."""
    try:
        decided: tuple[GraphQLLeafType, bool] | None = getattr(field, _PLAIN)
    except AttributeError:
        decided = _plain_leaf(field)
        setattr(field, _PLAIN, decided)
    return decided


class OkraExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # strawberry always passes a manager; it wraps resolvers only when an
        # extension resolves fields, and then every field goes the ordinary way.
        manager = self.middleware_manager
        self._shortcut = manager is None or not manager.middlewares

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        if self._shortcut and not node.arguments:
            field = self.schema.get_field(parent_type, node.name.value)
            if field is not None and (plain := _decision(field)) is not None:
                value = self._plain_value(field, source, *plain)
                if value is not _UNSET:
                    return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _plain_value(
        self, field: GraphQLField, source: Any, leaf: GraphQLLeafType, non_null: bool
    ) -> Any:
        """The completed value, or ``_UNSET`` to take the ordinary path."""
        try:
            value = field.resolve(source, None)  # type: ignore[misc]
            if value is None:
                return _UNSET if non_null else None
            if self.is_awaitable(value):
                return _UNSET  # unreachable for attributes; never awaited twice anyway
            coerced = leaf.coerce_output_value(value)
        except Exception:  # the ordinary path locates and reports it
            return _UNSET
        return _UNSET if coerced is None or coerced is Undefined else coerced
