"""Enum members with a GraphQL description."""

from __future__ import annotations

from typing import cast

import strawberry


def choice(value: str, description: str) -> str:
    """An enum member's value, carrying its description for the schema.

    ``strawberry.enum_value`` is typed as returning its definition object, which
    would make mypy see every member's ``.value`` as that; at runtime strawberry
    unwraps it, and the member's value is the plain string.
    """
    return cast(str, strawberry.enum_value(value, description=description))
