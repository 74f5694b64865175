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

import operator
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

_UNSET = object()
_PLAIN = "_okra_plain_leaf"  # the decision, kept on the field definition itself


# (leaf type, non-null, read): ``read(source)`` is the attribute, as strawberry's
# default resolver would give it, without its two layers of calls.
Plain = tuple[GraphQLLeafType, bool, Callable[[Any], Any]]


def _reader(field: GraphQLField) -> Callable[[Any], Any]:
    """The attribute read of a basic strawberry field (the field's resolver otherwise)."""
    definition = (field.extensions or {}).get("strawberry-definition")
    name = getattr(definition, "python_name", None)
    default = getattr(definition, "default_resolver", None)
    if getattr(definition, "base_resolver", True) is None and name and default is getattr:
        return operator.attrgetter(name)
    resolve = field.resolve
    assert resolve is not None
    return lambda source: resolve(source, None)


def _plain_leaf(field: GraphQLField) -> Plain | None:
    """(leaf type, non-null, read) when the field is an attribute of a scalar or enum
    type."""
    if field.args or not getattr(field.resolve, "_is_default", False):
        return None
    field_type, non_null = field.type, False
    if isinstance(field_type, GraphQLNonNull):
        field_type, non_null = field_type.of_type, True
    if not isinstance(field_type, GraphQLScalarType | GraphQLEnumType):
        return None
    return field_type, non_null, _reader(field)


def _decision(field: GraphQLField) -> Plain | None:
    """``_plain_leaf``, worked out once per field definition (the schema is fixed)."""
    try:
        decided: Plain | None = getattr(field, _PLAIN)
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

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        """graphql-core's loop, with plain leaves answered in it: no path, resolve info
        or call per leaf (a retrospective is ~35,000 of them). Others, and any plain
        leaf that is out of the ordinary, go the ordinary way."""
        if not self._shortcut:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        fields = parent_type.fields
        results: dict[str, Any] = {}
        awaitable = False
        try:
            for response_name, field_details_list in grouped_field_set.items():
                node = field_details_list[0].node
                field = fields.get(node.name.value)
                if field is not None and not node.arguments:
                    plain = _decision(field)
                    if plain is not None:
                        value = self._plain_value(source_value, *plain)
                        if value is not _UNSET:
                            results[response_name] = value
                            continue
                result = self.execute_field(
                    parent_type,
                    source_value,
                    field_details_list,
                    Path(path, response_name, parent_type.name),
                    position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    awaitable = awaitable or self.is_awaitable(result)
        except Exception:
            if awaitable:
                self.settle_in_background([r for r in results.values() if self.is_awaitable(r)])
            raise
        if not awaitable:
            return results
        return self._gathered(results)

    async def _gathered(self, results: dict[str, Any]) -> dict[str, Any]:
        names = [name for name, value in results.items() if self.is_awaitable(value)]
        values = await gather_with_cancel(*(results[name] for name in names))
        return {**results, **dict(zip(names, values, strict=True))}

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
                value = self._plain_value(source, *plain)
                if value is not _UNSET:
                    return value
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )

    def _plain_value(
        self, source: Any, leaf: GraphQLLeafType, non_null: bool, read: Callable[[Any], Any]
    ) -> Any:
        """The completed value, or ``_UNSET`` to take the ordinary path."""
        try:
            value = read(source)
            if value is None:
                return _UNSET if non_null else None
            if self.is_awaitable(value):
                return _UNSET  # unreachable for attributes; never awaited twice anyway
            coerced = leaf.coerce_output_value(value)
        except Exception:  # the ordinary path locates and reports it
            return _UNSET
        return _UNSET if coerced is None or coerced is Undefined else coerced
