"""Turning refusals into GraphQL errors a client can act on.

Every refusal carries ``extensions.code``; input errors also carry
``extensions.field``, the offending input field as the client spelled it. Anything
else is unexpected and is masked, with a request id that finds it in the log.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import uuid
from functools import cache

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from domain.application.commands import Command
from domain.model.errors import DomainError, InvalidInput, NotFound
from gateway.observability import request_id as current_request_id

log = logging.getLogger("okra.errors")


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@cache
def _input_names() -> re.Pattern[str]:
    """Every command field with an underscore (``milestones_done``), as a whole word."""
    names = {
        f.name
        for command in _commands(Command)
        for f in dataclasses.fields(command)
        if "_" in f.name
    }
    return re.compile(r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b")


def _commands(base: type) -> list[type]:
    found: list[type] = []
    subclasses: list[type] = base.__subclasses__()
    for sub in subclasses:
        found.extend([sub, *_commands(sub)])
    return found


def graphql_names(rule: str) -> str:
    """A rule's text with the command fields it names as GraphQL spells them
    (``milestones_done`` is ``milestonesDone``): clients never see Python's names."""
    return _input_names().sub(lambda match: camel(match.group(1)), rule)


class OkraError(GraphQLError):
    """A refusal meant for the client (never masked)."""

    def __init__(self, message: str, code: str, field: str | None = None) -> None:
        extensions: dict[str, object] = {"code": code}
        if field:
            extensions["field"] = field
        super().__init__(message, extensions=extensions)


def from_domain(error: DomainError) -> OkraError:
    field = None
    message = error.message
    if isinstance(error, InvalidInput):
        field = camel(error.field)
        message = f"{field}: {graphql_names(error.rule)}"
    elif isinstance(error, NotFound) and error.field:
        field = camel(error.field)
    return OkraError(message, error.code, field)


def not_found(entity: str, entity_id: str, field: str = "id") -> OkraError:
    return OkraError(f"{entity} {entity_id} does not exist", "NOT_FOUND", field)


def is_refusal(error: GraphQLError) -> bool:
    """Errors meant for the client; errors without a path are about the request itself
    (its document or variables), found before anything ran."""
    original = error.original_error
    return original is None or isinstance(original, OkraError) or error.path is None


class MaskUnexpectedErrors(MaskErrors):
    """strawberry's MaskErrors, plus a code and a request id to find the cause."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: not is_refusal(error))

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        processed = super()._process_errors(errors)
        for error in processed:
            if not (error.extensions or {}).get("code") and error.path is None:
                # The request is at fault: its document (limits included) or its variables.
                code = "BAD_USER_INPUT" if error.original_error else "GRAPHQL_VALIDATION_FAILED"
                error.extensions = {**(error.extensions or {}), "code": code}
        return processed

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = current_request_id.get() or uuid.uuid4().hex[:16]
        log.error(
            "unexpected error %s at %s", request_id, error.path, exc_info=error.original_error
        )
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
        masked.message = f"Unexpected error (request id {request_id})."
        return masked
