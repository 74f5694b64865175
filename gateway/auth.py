"""Authentication: who is asking, from an ``Authorization: Bearer`` credential.

Two kinds of credential: OKRA's own API tokens (``okra_…``, issued by ``okra token
create`` and looked up by their SHA-256 in the tokens view), and JWTs from an
identity provider, verified by pyjwt against a shared secret or the provider's JWKS,
with issuer and audience checks. Both yield a :class:`~domain.access.Principal`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import jwt

from domain.application.access import Principal
from domain.model.roles import Role
from domain.model.token import PREFIX, fingerprint
from gateway.settings import Settings
from projections.store import ViewStore
from projections.views import TOKENS


class Unauthenticated(Exception):
    """The credential is missing where one is needed, malformed, unknown or expired."""


class Authenticator:
    def __init__(
        self,
        settings: Settings,
        store: ViewStore,
        catch_up: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        # Waits until the views hold what the log holds now: a token issued a moment
        # ago (``okra token create`` beside a running gateway) is not refused for lag.
        self.catch_up = catch_up
        self._tokens: dict[str, tuple[float, Principal]] = {}
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None

    async def principal(self, authorization: str | None) -> Principal | None:
        """The principal a header names; ``None`` without one; raises if it is bad."""
        if not authorization:
            return None
        scheme, _, credential = authorization.strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Unauthenticated("send Authorization: Bearer <token>")
        if credential.startswith(PREFIX):
            return await self._api_token(credential)
        return await self._jwt(credential)

    async def _api_token(self, secret: str) -> Principal:
        digest = fingerprint(secret)
        cached = self._tokens.get(digest)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        docs = await self.store.find(TOKENS, {"hash": digest})
        if not docs and self.catch_up is not None:
            await self.catch_up()
            docs = await self.store.find(TOKENS, {"hash": digest})
        if not docs or docs[0]["revoked"]:
            self._tokens.pop(digest, None)
            raise Unauthenticated("unknown or revoked API token")
        doc = docs[0]
        principal = Principal(doc["user"], Role(doc["role"]), frozenset(doc["team_ids"]))
        self._tokens[digest] = (time.monotonic() + self.settings.token_cache_seconds, principal)
        return principal

    async def _jwt(self, token: str) -> Principal:
        settings = self.settings
        if self._jwks is not None:
            jwks = self._jwks
            try:
                signing = await anyio.to_thread.run_sync(jwks.get_signing_key_from_jwt, token)
            except jwt.PyJWTError as error:
                raise Unauthenticated(f"cannot verify the token: {error}") from None
            key: Any = signing.key
            algorithms = settings.jwt_algorithms or ["RS256", "ES256", "PS256", "EdDSA"]
        elif settings.jwt_secret:
            key = settings.jwt_secret
            algorithms = settings.jwt_algorithms or ["HS256"]
        else:
            raise Unauthenticated("not an OKRA API token, and no JWT issuer is configured")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=settings.jwt_audience,
                issuer=settings.jwt_issuer,
                options={"require": ["exp", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as error:
            raise Unauthenticated(f"invalid token: {error}") from None
        try:
            role = Role(claims.get(settings.jwt_role_claim, Role.VIEWER))
        except ValueError:
            roles = ", ".join(Role)
            claim = settings.jwt_role_claim
            raise Unauthenticated(f"claim {claim} must be one of {roles}") from None
        teams = claims.get(settings.jwt_teams_claim) or []
        if not isinstance(teams, list) or not all(isinstance(t, str) for t in teams):
            raise Unauthenticated(f"claim {settings.jwt_teams_claim} must be a list of team ids")
        return Principal(str(claims[settings.jwt_user_claim]), role, frozenset(teams))
