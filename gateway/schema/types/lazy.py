"""References to types by module, resolved when the schema is built.

Types refer to each other both ways; a type module names the types above it through
these (strawberry's lazy types) instead of importing them, so no import circle forms.
For the type checker each name is the type itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ForwardRef

import strawberry


def _lazy(name: str, module: str) -> Any:
    """What ``Annotated["Name", strawberry.lazy(module)]`` resolves to, made once."""
    return strawberry.lazy(f"gateway.schema.types.{module}").resolve_forward_ref(ForwardRef(name))


if TYPE_CHECKING:
    from gateway.schema.types.action import Action as LazyAction
    from gateway.schema.types.bet import Bet as LazyBet
    from gateway.schema.types.cycle import Cycle as LazyCycle
    from gateway.schema.types.key_result import KeyResult as LazyKeyResult
    from gateway.schema.types.objective import Objective as LazyObjective
    from gateway.schema.types.person import Person as LazyPerson
    from gateway.schema.types.team import Team as LazyTeam
else:
    LazyAction = _lazy("Action", "action")
    LazyBet = _lazy("Bet", "bet")
    LazyCycle = _lazy("Cycle", "cycle")
    LazyKeyResult = _lazy("KeyResult", "key_result")
    LazyObjective = _lazy("Objective", "objective")
    LazyPerson = _lazy("Person", "person")
    LazyTeam = _lazy("Team", "team")

__all__ = [
    "LazyAction",
    "LazyBet",
    "LazyCycle",
    "LazyKeyResult",
    "LazyObjective",
    "LazyPerson",
    "LazyTeam",
]
