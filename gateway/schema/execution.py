"""Execution: a shorter path for the fields that are plain attributes.

A dashboard page or an audit page is hundreds of scalar fields (``title``, ``score``,
``actor``…) read straight off prepared objects. graphql-core gives each the full
treatment all the same: a resolve info, argument coercion, the nullability and list
dispatch of ``complete_value``. Profiles of the audit page (805 fields) put ~85% of
its time there. For a field that strawberry resolves by attribute (its basic-field
resolver, which ignores the info) and whose type is a scalar or an enum, reading the
attribute and coercing it is the whole of the spec's work; that is all this does.
Anything out of the ordinary (arguments, ``None`` for a non-null field, an error, an
awaitable) goes the ordinary way, so errors are located and reported as before.

The same holds one level up. A retrospective's 946 scorecards are 6,500 small objects
(bands, bets, calibration, amounts per unit) that are plain attributes too; for an
attribute of an object type (or a list of them) with no ``is_type_of`` check, the
sub-selection is executed on the value directly, without the resolve info, resolver
call and value dispatch graphql-core spends on it first. Errors inside it are handled
as graphql-core's ``execute_field`` and ``complete_list_item_value`` handle them: the
nearest nullable field (or list item) becomes null and the error is recorded there.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
)
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

_UNSET = object()
_PLAIN = "_okra_plain_leaf"  # the decision, kept on the field definition itself


# (leaf type, non-null, read): ``read(source)`` is the attribute, as strawberry's
# default resolver would give it, without its two layers of calls.
Plain = tuple[GraphQLLeafType, bool, Callable[[Any], Any]]
# (object type, non-null, list: None if not a list, else whether items are non-null,
# read) for an attribute whose value is an object or a list of objects.
Nested = tuple[GraphQLObjectType, bool, bool | None, Callable[[Any], Any]]
_NESTED = "_okra_nested_object"


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


def _nested_object(field: GraphQLField) -> Nested | None:
    """(object type, non-null, list items non-null or None, read) when the field is an
    attribute holding an object, or a list of objects, of a type without ``is_type_of``."""
    if field.args or not getattr(field.resolve, "_is_default", False):
        return None
    field_type, non_null, items = field.type, False, None
    if isinstance(field_type, GraphQLNonNull):
        field_type, non_null = field_type.of_type, True
    if isinstance(field_type, GraphQLList):
        field_type, items = field_type.of_type, False
        if isinstance(field_type, GraphQLNonNull):
            field_type, items = field_type.of_type, True
    if not isinstance(field_type, GraphQLObjectType) or field_type.is_type_of is not None:
        return None
    return field_type, non_null, items, _reader(field)


def _nested_decision(field: GraphQLField) -> Nested | None:
    try:
        decided: Nested | None = getattr(field, _NESTED)
    except AttributeError:
        decided = _nested_object(field)
        setattr(field, _NESTED, decided)
    return decided


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
                    nested = _nested_decision(field)
                    if nested is not None:
                        value = self._nested_value(
                            source_value,
                            field,
                            nested,
                            field_details_list,
                            Path(path, response_name, parent_type.name),
                            position_context,
                        )
                        if value is not _UNSET:
                            results[response_name] = value
                            awaitable = awaitable or self.is_awaitable(value)
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

    def _nested_value(
        self,
        source: Any,
        field: GraphQLField,
        nested: Nested,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        """The completed object or list of objects, or ``_UNSET`` to take the ordinary
        path (a value that is missing, awaitable, not a list where one is due, or a list
        holding a null)."""
        object_type, non_null, items, read = nested
        try:
            value = read(source)
        except Exception:  # the ordinary path locates and reports it
            return _UNSET
        if value is None:
            return _UNSET if non_null else None
        if self.is_awaitable(value):
            return _UNSET
        grouped, deferred, _ = self.collect_subfields(object_type, field_details_list)
        if deferred:
            return _UNSET
        if items is None:
            return self._completed(
                field.type, field_details_list, path, object_type, value, grouped, position_context
            )
        if not isinstance(value, list | tuple):
            return _UNSET
        if any(item is None for item in value):
            return _UNSET
        list_type = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        assert isinstance(list_type, GraphQLList)
        try:  # a non-null item's error nulls the list (or goes on up, if it is non-null)
            completed = [
                self._completed(
                    list_type.of_type,
                    field_details_list,
                    Path(path, index, None),
                    object_type,
                    item,
                    grouped,
                    position_context,
                )
                for index, item in enumerate(value)
            ]
        except Exception as raw_error:
            self.handle_field_error(raw_error, field.type, field_details_list, path)
            return None
        if not any(self.is_awaitable(item) for item in completed):
            return completed
        return self._gathered_list(completed, field.type, field_details_list, path)

    def _completed(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        path: Path,
        object_type: GraphQLObjectType,
        value: Any,
        grouped: Any,
        position_context: Any,
    ) -> Any:
        """``value``'s sub-selection, an error in it handled as graphql-core's
        ``execute_field`` handles one (null here if ``return_type`` is nullable)."""
        try:
            completed = self.execute_fields(object_type, value, path, grouped, position_context)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def settled() -> Any:
            try:
                return await completed
            except Exception as raw_error:
                self.handle_field_error(raw_error, return_type, field_details_list, path)
                return None

        return settled()

    async def _gathered_list(
        self,
        completed: list[Any],
        return_type: GraphQLOutputType,
        field_details_list: Any,
        path: Path,
    ) -> list[Any] | None:
        awaited = [i for i, item in enumerate(completed) if self.is_awaitable(item)]
        try:
            values = await gather_with_cancel(*(completed[i] for i in awaited))
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        done = list(completed)
        for index, value in zip(awaited, values, strict=True):
            done[index] = value
        return done

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
