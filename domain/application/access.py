"""Who may change what: everyone reads everything; the people of a team change its OKRs.

A :class:`Principal` is an authenticated credential with a role. Admins may do
anything. What a member may change follows the memberships of the person the
credential speaks for (:class:`~domain.model.person.Person`), read afresh by every
command:

- a ``LEAD`` or ``MEMBER`` of a team changes the OKRs, check-ins and bets of that team
  and of the teams below it; a ``LEAD`` also manages those teams' members;
- a ``CHAMPION`` (the OKR facilitator) tags those teams' objectives, and edits nothing
  else of theirs;
- the owner of a key result or a bet (or of the objective a key result measures) may
  always check in on it or resolve it, whatever their team;
- a deactivated person may do nothing.

Viewers only read. A token issued before people existed, whose user is nobody's
handle, still speaks with the team flags it was issued with (as a ``MEMBER`` of
each). Commands also accept a plain actor name from trusted in-process callers (the
CLI, the demo seed, imports), which are not checked: every request from outside
arrives as a Principal.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

from domain.model.errors import DomainError
from domain.model.roles import MemberRole, Role


class Forbidden(DomainError):
    code = "FORBIDDEN"


@dataclass(frozen=True)
class Principal:
    user: str  # the actor recorded on events: a person's handle, or a token's user
    role: Role
    team_ids: frozenset[str] = field(default_factory=frozenset)  # a token's own team flags
    person_id: str | None = None  # the person the credential speaks for, if any

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


Actor = str | Principal

# Who changes a team's OKRs, who tags its objectives, who manages its members.
EDITORS = frozenset({MemberRole.LEAD, MemberRole.MEMBER})
TAGGERS = frozenset({MemberRole.LEAD, MemberRole.MEMBER, MemberRole.CHAMPION})
MANAGERS = frozenset({MemberRole.LEAD})
_ACTIONS = {
    EDITORS: "change the OKRs of",
    TAGGERS: "tag the objectives of",
    MANAGERS: "manage the members of",
}


def actor_name(actor: Actor) -> str:
    return actor.user if isinstance(actor, Principal) else actor


def person_of(actor: Actor) -> str | None:
    """The id of the person acting, if the actor is one."""
    return actor.person_id if isinstance(actor, Principal) else None


def require_admin(actor: Actor, action: str) -> None:
    if isinstance(actor, Principal) and not actor.is_admin:
        raise Forbidden(f"only an admin may {action}; {actor.user} is a {actor.role}")


def may_write(actor: Principal) -> None:
    """Viewers read only, whatever else they are."""
    if actor.role == Role.VIEWER:
        raise Forbidden(f"{actor.user} is a {actor.role}: reads only")


def require_team(
    actor: Actor,
    team_id: str,
    parent_of: Callable[[str], str | None],
    memberships: Callable[[], Mapping[str, MemberRole]],
    allowed: Collection[MemberRole] = EDITORS,
) -> None:
    """The actor holds an ``allowed`` role in the team or a team above it
    (``parent_of`` walks up the tree: the team's parent id, or None at the top)."""
    if not isinstance(actor, Principal) or actor.is_admin:
        return
    may_write(actor)
    held = memberships()
    current: str | None = team_id
    seen: set[str] = set()
    while current is not None and current not in seen:
        if held.get(current) in allowed:
            return
        seen.add(current)
        current = parent_of(current)
    action = _ACTIONS.get(frozenset(allowed), "change")
    raise Forbidden(f"{actor.user} may {action} only their own teams and the teams below them")


def legacy_memberships(actor: Principal) -> dict[str, MemberRole]:
    """A token's team flags, from before people existed: a MEMBER of each."""
    return dict.fromkeys(actor.team_ids, MemberRole.MEMBER)
