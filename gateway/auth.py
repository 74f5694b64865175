"""Authentication: who is asking, from an ``Authorization: Bearer`` credential.

Two kinds of credential: OKRA's own API tokens (``okra_…``, issued by ``okra token
create`` and looked up by their SHA-256 in the tokens view), and JWTs from an
identity provider, verified by pyjwt against a shared secret or the provider's JWKS,
with issuer and audience checks. Both yield a :class:`~domain.access.Principal`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from numbers import Real
from typing import Any

import anyio
import jwt

from domain.application.access import Principal
from domain.model.roles import Role
from domain.model.token import PREFIX, fingerprint
from gateway.settings import Settings
from projections.store import ViewStore
from projections.views import TOKENS

log = logging.getLogger("okra.auth")
INVALID = "invalid token"  # all a client hears of why a JWT was refused; the log says why
TIME_CLAIMS = ("exp", "nbf", "iat")


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
        try:
            return await self._verified(token)
        except Refused as refused:
            log.info("refused a JWT: %s", refused)
            raise Unauthenticated(INVALID) from None

    async def _verified(self, token: str) -> Principal:
        """The principal of a JWT, or :class:`Refused` with the reason (for the log).

        Anything pyjwt or the key's library raises about a token (a header naming an
        RSA key with ``alg: ES256``, a key of the wrong type) is the token's fault."""
        settings = self.settings
        if self._jwks is not None:
            jwks = self._jwks
            try:
                signing = await anyio.to_thread.run_sync(jwks.get_signing_key_from_jwt, token)
            except Exception as error:
                raise Refused(f"no signing key for it: {error}") from None
            key: Any = signing.key
            algorithms = settings.jwt_algorithms or ["RS256", "ES256", "PS256", "EdDSA"]
        elif settings.jwt_secret:
            key = settings.jwt_secret
            algorithms = settings.jwt_algorithms or ["HS256"]
        else:
            raise Refused("not an OKRA API token, and no JWT issuer is configured")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=settings.jwt_audience,
                issuer=settings.jwt_issuer,
                options={"require": ["exp", "sub"]},
                leeway=settings.jwt_leeway,
            )
        except Exception as error:
            raise Refused(f"{type(error).__name__}: {error}") from None
        for claim in TIME_CLAIMS:  # pyjwt also takes "9999999999" (a string) for a time
            if claim in claims and (
                not isinstance(claims[claim], Real) or isinstance(claims[claim], bool)
            ):
                raise Refused(f"claim {claim} must be a number (seconds since 1970)")
        try:
            role = Role(claims.get(settings.jwt_role_claim, Role.VIEWER))
        except (ValueError, TypeError):
            roles = ", ".join(Role)
            raise Refused(f"claim {settings.jwt_role_claim} must be one of {roles}") from None
        teams = claims.get(settings.jwt_teams_claim) or []
        if not isinstance(teams, list) or not all(isinstance(t, str) for t in teams):
            raise Refused(f"claim {settings.jwt_teams_claim} must be a list of team ids")
        user = claims.get(settings.jwt_user_claim)
        if not isinstance(user, str) or not user:
            raise Refused(f"claim {settings.jwt_user_claim} must name the user")
        return Principal(user, role, frozenset(teams))


class Refused(Exception):
    """Why a JWT was refused: logged, never told to the client."""
