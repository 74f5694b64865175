"""The domain's commands over GraphQL: an input type made from each command, and a
mutation field that turns the input back into the command and runs it.

A command's fields are its GraphQL input's fields (``key_result_id`` is
``keyResultId``), with the command's documentation; a field that defaults to
``KEEP`` is optional and left unchanged when left out (and may not be null unless
the command allows None). So a new mutation is one line in ``Mutation``: the command,
what it answers, and two descriptions.

Every mutation answers once the views show its effect (read-your-writes): the
backend waits for the log position the command's events reached.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import strawberry
from strawberry import UNSET
from strawberry.types.field import StrawberryField

from domain.application.commands import Command, EntityId, Saved
from domain.model.edits import KEEP
from domain.model.errors import DomainError
from gateway.backend import ViewsLagging
from gateway.schema import enums  # noqa: F401  (exposed before any input names them)
from gateway.schema.context import Info
from gateway.schema.errors import OkraError, camel, from_domain

T = TypeVar("T")
Answer = Callable[[Info, Saved, Any], Awaitable[Any]]


@strawberry.input(description="What every mutation input accepts.")
class MutationInput:
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Retrying with the same key and input returns the first answer and "
        "changes nothing; the same key with another input is refused.",
    )


def _documented(hint: Any) -> tuple[Any, str]:
    """A command field's type and its documentation (``Annotated[type, "doc"]``)."""
    if get_origin(hint) is Annotated:
        base, *extras = get_args(hint)
        docs = [extra for extra in extras if isinstance(extra, str)]
        marks = [extra for extra in extras if not isinstance(extra, str)]
        if docs:
            return (Annotated[base, *marks] if marks else base), docs[0]
    raise TypeError(f"document the command field: Annotated[{hint}, 'what it is']")


def _graphql(hint: Any) -> Any:
    """The GraphQL type of a command field's Python type."""
    if get_origin(hint) is Annotated:
        base, *marks = get_args(hint)
        if base is str and any(isinstance(mark, EntityId) for mark in marks):
            return strawberry.ID
        return _graphql(base)
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return typing.Optional[_graphql(next(a for a in get_args(hint) if a is not type(None)))]  # noqa: UP045
    if origin is list:
        return list[_graphql(get_args(hint)[0])]  # type: ignore[misc]
    if hint in (str, int, float, bool, date, datetime) or issubclass(hint, StrEnum):
        return hint
    raise TypeError(f"no GraphQL type for {hint}")


def _required(field: dataclasses.Field[Any]) -> bool:
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def _admits_none(hint: Any) -> bool:
    return get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint)


FieldSpec = tuple[dataclasses.Field[Any], Any, str]  # the field, its type, its documentation
_FIELDS: dict[type, tuple[FieldSpec, ...]] = {}
_INPUTS: dict[type[Command], type[MutationInput]] = {}


def _fields(command: type) -> tuple[FieldSpec, ...]:
    if command not in _FIELDS:
        hints = typing.get_type_hints(command, include_extras=True)
        _FIELDS[command] = tuple(
            (f, *_documented(hints[f.name])) for f in dataclasses.fields(command)
        )
    return _FIELDS[command]


def input_type(command: type[Command]) -> type[MutationInput]:
    """``<Command>Input``: the command's fields, documented, after ``idempotencyKey``."""
    if command not in _INPUTS:
        _INPUTS[command] = _make_input(command)
    return _INPUTS[command]


def _make_input(command: type[Command]) -> type[MutationInput]:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__annotations__": annotations, "__module__": __name__}
    for field, hint, doc in _fields(command):
        graphql = _graphql(hint)
        if field.default is KEEP:
            annotations[field.name] = typing.Optional[graphql]  # noqa: UP045
            namespace[field.name] = strawberry.field(default=UNSET, description=doc)
        elif field.default is not dataclasses.MISSING:
            annotations[field.name] = graphql
            namespace[field.name] = strawberry.field(default=field.default, description=doc)
        elif field.default_factory is not dataclasses.MISSING:
            annotations[field.name] = graphql
            namespace[field.name] = strawberry.field(
                default_factory=field.default_factory, description=doc
            )
        else:
            annotations[field.name] = graphql
            namespace[field.name] = strawberry.field(description=doc)
    cls = type(f"{command.__name__}Input", (MutationInput,), namespace)
    return strawberry.input(cls, description=command.input_doc)


def to_command(command: type[T], input: MutationInput) -> T:
    """The command an input asks for: fields left out keep the command's default (KEEP
    leaves the value alone); null is refused where the command does not allow it."""
    values: dict[str, Any] = {}
    for field, hint, _ in _fields(command):
        value = getattr(input, field.name, UNSET)
        if value is UNSET:
            if _required(field):
                values[field.name] = None  # a nullable field without a default, left out
            continue
        if value is None and not _admits_none(hint):
            name = camel(field.name)
            raise OkraError(f"{name}: cannot be null", "BAD_USER_INPUT", name)
        values[field.name] = value
    return command(**values)


async def run(info: Info, command: Command, idempotency_key: str | None) -> Saved:
    """Run a command as the signed-in person and wait until the views show it."""
    context = info.context
    principal = context.principal
    if principal is None:
        raise OkraError(
            "writes need a token: send Authorization: Bearer <token>", "UNAUTHENTICATED"
        )
    try:
        saved = await context.backend.handle(command, principal, idempotency_key)
    except DomainError as error:
        raise from_domain(error) from None
    except ViewsLagging as lagging:
        raise OkraError(str(lagging), "TIMEOUT") from None
    context.loaders.clear()
    return saved


def entity(load: Callable[[Info, str], Awaitable[T | None]]) -> Answer:
    """Answer with the entity the command changed, as the views show it now."""

    async def answer(info: Info, saved: Saved, command: Any) -> T:
        found = await load(info, saved.id)
        assert found is not None, "the views lost an entity that was just saved"
        return found

    return answer


def mutation(command: type[Command], returns: Any, answer: Answer) -> StrawberryField:
    """A mutation field: ``input: <Command>Input!`` in, ``returns`` out, described by
    the command's own documentation."""
    input_class = input_type(command)

    async def resolve(info: Info, input: MutationInput) -> Any:
        request = to_command(command, input)
        saved = await run(info, request, input.idempotency_key)
        return await answer(info, saved, request)

    resolve.__annotations__ = {
        "info": Info,
        "input": Annotated[input_class, strawberry.argument(description=command.argument_doc)],
        "return": returns,
    }
    description = " ".join((command.__doc__ or "").split())
    field: StrawberryField = strawberry.mutation(resolver=resolve, description=description)
    return field
