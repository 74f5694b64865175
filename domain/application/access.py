"""Who may change what: everyone reads everything; only owners change their OKRs.

A :class:`Principal` is an authenticated person with a role. Admins may do
anything; members change the OKRs, check-ins and bets of the teams they belong to
and of those teams' descendants; viewers only read. Commands also accept a plain
actor name from trusted in-process callers (the CLI, the demo seed, imports), which
are not checked: every request from outside arrives as a Principal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from domain.model.errors import DomainError
from domain.model.roles import Role


class Forbidden(DomainError):
    code = "FORBIDDEN"


@dataclass(frozen=True)
class Principal:
    user: str
    role: Role
    team_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


Actor = str | Principal


def actor_name(actor: Actor) -> str:
    return actor.user if isinstance(actor, Principal) else actor


def require_admin(actor: Actor, action: str) -> None:
    if isinstance(actor, Principal) and not actor.is_admin:
        raise Forbidden(f"only an admin may {action}; {actor.user} is a {actor.role}")


def require_team(actor: Actor, team_id: str, parent_of: Callable[[str], str | None]) -> None:
    """Members change only their teams' OKRs and those of the teams below them
    (``parent_of`` walks up the tree: the team's parent id, or None at the top)."""
    if not isinstance(actor, Principal) or actor.is_admin:
        return
    if actor.role != Role.MEMBER:
        raise Forbidden(f"{actor.user} is a {actor.role}: reads only")
    current: str | None = team_id
    seen: set[str] = set()
    while current is not None and current not in seen:
        if current in actor.team_ids:
            return
        seen.add(current)
        current = parent_of(current)
    raise Forbidden(
        f"{actor.user} may change only the OKRs of their own teams and the teams below them"
    )
