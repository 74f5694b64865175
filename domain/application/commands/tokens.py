"""Commands about API tokens (the ``okra token`` CLI gives them; GraphQL does not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from domain.application.commands.base import Command, Id
from domain.model.roles import Role


@dataclass(frozen=True, kw_only=True)
class IssueToken(Command):
    """A new API token; its secret is answered once, stored as a hash. A token speaks for
    a person (``person_id``: their memberships say what it may change), or, as before
    people existed, for a free-text ``user`` with its own team flags."""

    role: Annotated[Role, "admin, member or viewer."]
    person_id: Annotated[Id | None, "The person it speaks for (active)."] = None
    user: Annotated[
        str | None, "Who it speaks for when it is no person's (recorded on events)."
    ] = None
    team_ids: Annotated[
        list[Id], "The teams a member belongs to, for a token that is no person's."
    ] = field(default_factory=list)
    label: Annotated[str | None, "What the token is for."] = None


@dataclass(frozen=True, kw_only=True)
class RevokeToken(Command):
    """A token to revoke: it stops working within OKRA_TOKEN_CACHE_SECONDS."""

    id: Annotated[Id, "The token's id."]

    def lock(self) -> object:
        return self.id
