"""Who may change what: everyone reads everything; only owners change their OKRs.

A :class:`Principal` is an authenticated person with a role. Admins may do
anything; members change the OKRs, check-ins and bets of the teams they belong to
and of those teams' descendants; viewers only read. Commands also accept a plain
actor name from trusted in-process callers (the CLI, the demo seed, imports), which
are not checked: every request from outside arrives as a Principal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.errors import DomainError

ROLES = ("admin", "member", "viewer")


class Forbidden(DomainError):
    code = "FORBIDDEN"


@dataclass(frozen=True)
class Principal:
    user: str
    role: str
    team_ids: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


Actor = str | Principal


def actor_name(actor: Actor) -> str:
    return actor.user if isinstance(actor, Principal) else actor


def require_admin(actor: Actor, action: str) -> None:
    if isinstance(actor, Principal) and not actor.is_admin:
        raise Forbidden(f"only an admin may {action}; {actor.user} is a {actor.role}")
