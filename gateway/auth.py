"""Authentication: who is asking, from an ``Authorization: Bearer`` credential.

Two kinds of credential: OKRA's own API tokens (``okra_…``, issued by ``okra token
create`` and looked up by their SHA-256 in the tokens view), and JWTs from an
identity provider, verified by pyjwt against a shared secret or the provider's JWKS,
with issuer and audience checks. Both yield a :class:`~domain.access.Principal`.

A credential speaks for a person when it can: a token issued for one, or whose user
(from before people existed) is a person's handle; a JWT whose user claim is a
person's handle or email. Such a principal acts as that person (their handle is the
actor on events, their memberships say what they may change), and is refused
(UNAUTHENTICATED) once the person is deactivated, within ``token_cache_seconds``.
With ``jwt_auto_provision``, a validly signed JWT user nobody matches is added as a
person on first sign-in (an event, actor ``system``), with the teams of its teams
claim as memberships. Otherwise a credential that speaks for nobody keeps the old
way: its user is the actor and its team flags say what it may change.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from numbers import Real
from typing import Any

import anyio
import jwt

from domain.application.access import Principal
from domain.application.commands import ImportPeople
from domain.application.commands.people import PersonRow
from domain.model import person as people
from domain.model.errors import DomainError, InvalidInput
from domain.model.roles import MemberRole, Role
from domain.model.token import PREFIX, fingerprint
from gateway.settings import Settings
from projections.documents import Doc
from projections.store import ViewStore
from projections.views import PEOPLE, TEAMS, TOKENS

CACHE_MAX = 10_000  # credentials remembered at once (the cache empties past it)
PROVISIONER = "system"

log = logging.getLogger("okra.auth")
INVALID = "invalid token"  # all a client hears of why a JWT was refused; the log says why
TIME_CLAIMS = ("exp", "nbf", "iat")


class Unauthenticated(Exception):
    """The credential is missing where one is needed, malformed, unknown or expired."""


Provision = Callable[[ImportPeople], Awaitable[object]]


class Authenticator:
    def __init__(
        self,
        settings: Settings,
        store: ViewStore,
        catch_up: Callable[[], Awaitable[object]] | None = None,
        provision: Provision | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        # Waits until the views hold what the log holds now: a token issued a moment
        # ago (``okra token create`` beside a running gateway) is not refused for lag.
        self.catch_up = catch_up
        # Runs the command that adds a JWT's unknown user as a person (as ``system``).
        self.provision = provision
        self._checked: dict[str, tuple[float, Principal]] = {}
        self._jwks = jwt.PyJWKClient(settings.jwt_jwks_url) if settings.jwt_jwks_url else None

    async def principal(self, authorization: str | None) -> Principal | None:
        """The principal a header names; ``None`` without one; raises if it is bad."""
        if not authorization:
            return None
        scheme, _, credential = authorization.strip().partition(" ")
        credential = credential.strip()
        if scheme.lower() != "bearer" or not credential:
            raise Unauthenticated("send Authorization: Bearer <token>")
        key = hashlib.sha256(credential.encode()).hexdigest()
        cached = self._checked.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        self._checked.pop(key, None)
        if credential.startswith(PREFIX):
            principal = await self._api_token(credential)
        else:
            principal = await self._jwt(credential)
        if len(self._checked) >= CACHE_MAX:
            self._checked.clear()
        self._checked[key] = (time.monotonic() + self.settings.token_cache_seconds, principal)
        return principal

    async def _api_token(self, secret: str) -> Principal:
        digest = fingerprint(secret)
        docs = await self.store.find(TOKENS, {"hash": digest})
        if not docs and self.catch_up is not None:
            await self.catch_up()
            docs = await self.store.find(TOKENS, {"hash": digest})
        if not docs or docs[0]["revoked"]:
            raise Unauthenticated("unknown or revoked API token")
        doc = docs[0]
        role = Role(doc["role"])
        if doc.get("person_id"):
            person = (await self.store.get(PEOPLE, [doc["person_id"]])).get(doc["person_id"])
        else:  # from before people existed: it speaks for the person who has its user's handle
            person = await self._person(handle=doc["user"])
        if person is not None:
            return as_person(person, role)
        return Principal(doc["user"], role, frozenset(doc["team_ids"]))

    async def _jwt(self, token: str) -> Principal:
        try:
            return await self._verified(token)
        except Refused as refused:
            log.info("refused a JWT: %s", refused)
            raise Unauthenticated(INVALID) from None

    async def _verified(self, token: str) -> Principal:
        """The principal of a JWT (a person's, when its user claim names one), or
        :class:`Refused` with the reason (for the log, never for the client)."""
        claims = await self._claims(token)
        settings = self.settings
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
        person = await self._person(handle=user) or await self._person(email=user)
        if person is None and settings.jwt_auto_provision:
            person = await self._provision(user, claims, teams)
        if person is not None:
            return as_person(person, role)
        return Principal(user, role, frozenset(teams))

    async def _claims(self, token: str) -> dict[str, Any]:
        """The claims of a JWT whose signature, issuer, audience and times hold.

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
            claims: dict[str, Any] = jwt.decode(
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
        return claims

    async def _person(self, *, handle: str | None = None, email: str | None = None) -> Doc | None:
        """The person with that handle or email (both ignoring case), if any."""
        where = {"handle": handle.lower()} if handle else {"email_key": people.email_key(email)}
        found = await self.store.find(PEOPLE, where, limit=1)
        return found[0] if found else None

    async def _provision(self, user: str, claims: dict[str, Any], teams: list[str]) -> Doc | None:
        """Add the JWT's user as a person, with its teams (those that exist) as
        memberships; the person, as the views show them once added."""
        if self.provision is None:
            return None
        handle, email = await self._new_handle(user, claims)
        name = str(claims.get("name") or user)
        existing = await self.store.get(TEAMS, teams)
        rows = [PersonRow(line=1, handle=handle, name=name, email=email)]
        rows += [
            PersonRow(line=2 + n, handle=handle, team_id=t, role=MemberRole.MEMBER)
            for n, t in enumerate(t for t in teams if t in existing)
        ]
        try:
            await self.provision(ImportPeople(rows=rows))
        except DomainError as error:
            raise Unauthenticated(f"cannot add {user} as a person: {error.message}") from None
        return await self._person(handle=handle)

    async def _new_handle(self, user: str, claims: dict[str, Any]) -> tuple[str, str | None]:
        """The handle and email a new person gets from the JWT: the user claim is their
        handle, or their email (the handle is then its local part, made unique)."""
        try:
            return people.handle(user), await self._free_email(claims.get("email"))
        except InvalidInput:
            pass
        try:
            email = people.email(user)
        except InvalidInput:
            email = None
        if email is None:
            raise Unauthenticated(
                f"cannot add {user} as a person: the user claim "
                f"({self.settings.jwt_user_claim}) must be a handle (a-z, 0-9, '.', '_', '-') "
                "or an email address"
            )
        local = re.sub(r"[^a-z0-9._-]+", "-", email.partition("@")[0].lower()).strip("-")
        handle = (local or "user")[: people.HANDLE_MAX]
        if await self._person(handle=handle) is not None:  # someone else's: tell them apart
            suffix = hashlib.sha256(email.casefold().encode()).hexdigest()[:6]
            handle = f"{handle[: people.HANDLE_MAX - 7]}-{suffix}"
        return handle, email

    async def _free_email(self, value: object) -> str | None:
        """The JWT's email claim, if it is an email nobody has yet."""
        try:
            email = people.email(value) if isinstance(value, str) else None
        except InvalidInput:
            return None
        return email if email and await self._person(email=email) is None else None


def as_person(person: Doc, role: Role) -> Principal:
    """The principal of a credential that speaks for this person, while they are active."""
    if not person["active"]:
        raise Unauthenticated(f"{person['handle']} is deactivated")
    return Principal(person["handle"], role, person_id=person["id"])


class Refused(Exception):
    """Why a JWT was refused: logged, never told to the client."""
