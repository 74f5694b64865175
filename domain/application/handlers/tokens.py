"""Handlers of the API-token commands."""

from __future__ import annotations

from dataclasses import replace

from domain.application.commands import IssueToken, RevokeToken, Saved
from domain.application.unit import UnitOfWork
from domain.model import rules
from domain.model.errors import InvalidInput
from domain.model.roles import Role
from domain.model.team import Team
from domain.model.token import ApiToken, new_secret


def issue_token(command: IssueToken, uow: UnitOfWork) -> Saved:
    """A new token; its secret is answered once (``Saved.secret``), stored as a hash."""
    uow.require_admin("issue tokens")
    role = rules.choice(command.role, Role, "role")
    teams = [str(uow.load(Team, t, "team_ids", missing=InvalidInput).id) for t in command.team_ids]
    if role == Role.MEMBER and not teams:
        raise InvalidInput("team_ids", "a member belongs to at least one team")
    secret = new_secret()
    token = ApiToken.issue(
        uow.stamp,
        user=rules.title(command.user, "user"),
        role=role,
        team_ids=teams,
        label=rules.text(command.label, "label", 200),
        secret=secret,
    )
    return replace(uow.commit(token.id, token), secret=secret)


def revoke_token(command: RevokeToken, uow: UnitOfWork) -> Saved:
    uow.require_admin("revoke tokens")
    token = uow.load(ApiToken, command.id, "id")
    token.revoke(uow.stamp)
    return uow.commit(token.id, token)
