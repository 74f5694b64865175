"""Commands about API tokens (the ``okra token`` CLI gives them; GraphQL does not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from domain.application.commands.base import Command, Id
from domain.model.roles import Role


@dataclass(frozen=True, kw_only=True)
class IssueToken(Command):
    """A new API token for a person; its secret is answered once, stored as a hash."""

    user: Annotated[str, "Who the token speaks for (recorded on events)."]
    role: Annotated[Role, "admin, member or viewer."]
    team_ids: Annotated[list[Id], "The teams a member belongs to."] = field(default_factory=list)
    label: Annotated[str | None, "What the token is for."] = None


@dataclass(frozen=True, kw_only=True)
class RevokeToken(Command):
    """A token to revoke: it stops working within OKRA_TOKEN_CACHE_SECONDS."""

    id: Annotated[Id, "The token's id."]

    def lock(self) -> object:
        return self.id
