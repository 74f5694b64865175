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
    """A new token; its secret is answered once (``Saved.secret``), stored as a hash.

    A person's token records their handle as its user and no team flags: what it may
    change follows the person's memberships. A token that is nobody's keeps the old
    way, a free-text user with team flags (a member needs one at least)."""
    uow.require_admin("issue tokens")
    role = rules.choice(command.role, Role, "role")
    teams = [str(uow.load(Team, t, "team_ids", missing=InvalidInput).id) for t in command.team_ids]
    if command.person_id is not None:
        if command.user is not None or teams:
            raise InvalidInput("person_id", "a person's token takes no user and no team flags")
        person = uow.person(command.person_id, "person_id")
        user, person_id = person.handle, str(person.id)
    elif command.user is None:
        raise InvalidInput("person_id", "name the person the token speaks for (or a user)")
    else:
        user, person_id = rules.title(command.user, "user"), None
        if role == Role.MEMBER and not teams:
            raise InvalidInput("team_ids", "a member belongs to at least one team")
    secret = new_secret()
    token = ApiToken.issue(
        uow.stamp,
        user=user,
        role=role,
        team_ids=teams,
        label=rules.text(command.label, "label", 200),
        secret=secret,
        person_id=person_id,
    )
    return replace(uow.commit(token.id, token), secret=secret)


def revoke_token(command: RevokeToken, uow: UnitOfWork) -> Saved:
    uow.require_admin("revoke tokens")
    token = uow.load(ApiToken, command.id, "id")
    token.revoke(uow.stamp)
    return uow.commit(token.id, token)
