"""Domain errors.

Each error carries a stable ``code`` so that every caller (GraphQL, CLI, tests) can
react to the kind of refusal without parsing messages. Raising one of these before
``save()`` is what guarantees that a refused command stores nothing.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A command was refused; nothing was stored."""

    code: ClassVar[str] = "DOMAIN_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """An input breaks a rule; ``field`` names it (snake_case, as in the command)."""

    code = "BAD_USER_INPUT"

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class NotFound(DomainError):
    code = "NOT_FOUND"

    def __init__(self, entity: str, entity_id: object, field: str | None = None) -> None:
        super().__init__(f"{entity} {entity_id!s} does not exist")
        self.entity = entity
        self.entity_id = str(entity_id)
        self.field = field


class VersionConflict(DomainError):
    code = "VERSION_CONFLICT"

    def __init__(self, entity: str, entity_id: object, expected: int, actual: int) -> None:
        super().__init__(
            f"{entity} {entity_id!s} is at version {actual}, not {expected}: "
            "it was changed since you read it; reload and retry"
        )
        self.expected = expected
        self.actual = actual


class CycleClosed(DomainError):
    code = "CYCLE_CLOSED"

    def __init__(self, cycle_name: str) -> None:
        super().__init__(f"cycle {cycle_name} is closed: its OKRs are read-only")


class BudgetExceeded(DomainError):
    code = "BUDGET_EXCEEDED"
