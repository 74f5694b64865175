"""API tokens: credentials issued to a person with a role, kept only as a hash.

Tokens are event-sourced like everything else, so who issued or revoked which
credential, and when, is part of the audit trail. The secret itself never enters the
log: only its SHA-256, which is what a request's token is compared against.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from domain.model.base import OkraAggregate, Stamp
from domain.model.roles import Role

PREFIX = "okra_"


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def without_person(state: dict[str, Any]) -> None:
    """Upcast: a token issued before people existed speaks for its user alone."""
    state.setdefault("person_id", None)


class ApiToken(OkraAggregate):
    entity = "ApiToken"
    class_version = 2  # version 2 may speak for a person
    upcast_v1_v2 = staticmethod(without_person)

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        user: str
        role: Role
        team_ids: list[str]
        label: str
        hash: str
        revoked: bool
        person_id: str | None

    class TokenIssued(OkraAggregate.Created):
        user: str
        role: str
        team_ids: list[str]
        label: str
        hash: str
        person_id: str | None  # the person it speaks for (version 2); None: ``user`` alone
        class_version = 2
        upcast_v1_v2 = staticmethod(without_person)

        def apply(self, token: ApiToken) -> None:
            super().apply(token)
            token.role = Role(self.role)
            token.revoked = False

    class TokenRevoked(OkraAggregate.Event):
        def apply(self, token: ApiToken) -> None:
            token.revoked = True

    @classmethod
    def issue(
        cls,
        stamp: Stamp,
        *,
        user: str,
        role: Role,
        team_ids: list[str],
        label: str,
        secret: str,
        person_id: str | None = None,
    ) -> ApiToken:
        return cls._create(
            cls.TokenIssued,
            id=uuid4(),
            actor=stamp.actor,
            timestamp=stamp.at,
            user=user,
            role=role,
            team_ids=team_ids,
            label=label,
            hash=fingerprint(secret),
            person_id=person_id,
        )

    def revoke(self, stamp: Stamp) -> None:
        if not self.revoked:
            self.record(self.TokenRevoked, stamp)
