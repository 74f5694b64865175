"""Partial edits: which fields a command leaves alone, and what an edit changed.

An edit names only the fields it changes. ``KEEP`` marks a field left out (``None``
cannot: for a nullable field it means "clear it"), and :func:`changes` turns the
proposed values into the ``{field: [from, to]}`` an edit event records, so the
audit trail shows both sides of every change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Keep:
    """Marks an optional command argument that leaves the current value alone."""

    _instance: Keep | None = None

    def __new__(cls) -> Keep:
        # One marker, also after a copy or a pickle: commands compare it by identity.
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "KEEP"

    def __copy__(self) -> Keep:
        return self

    def __deepcopy__(self, memo: object) -> Keep:
        return self


KEEP: Any = Keep()


def changes(entity: object, proposed: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [from, to]}`` for the proposed values that differ from the current."""
    return {
        name: [getattr(entity, name), value]
        for name, value in proposed.items()
        if value is not KEEP and getattr(entity, name) != value
    }


def unless_kept(value: Any, rule: Callable[[Any], Any]) -> Any:
    """``rule(value)`` (the normalised value, or a refusal), or KEEP left as it is."""
    return value if value is KEEP else rule(value)
