"""Authentication of GraphQL requests over HTTP: the bearer credential of every
request is checked before anything runs, and the principal it names rides in the
ASGI scope to the result cache and the GraphQL context.

Checking a credential is :mod:`gateway.auth`'s job; this is where HTTP asks for it.
"""

from __future__ import annotations

from typing import cast

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.auth import Authenticator, Unauthenticated
from gateway.http.errors import error_response
from gateway.http.graphiql import PAGE_ONLY, is_page_request

PRINCIPAL = "okra.principal"  # the scope key of the request's principal (None: anonymous)


def authenticator(scope: Scope) -> Authenticator:
    """The app's authenticator. It is made at start-up, once the backend has opened
    the tokens view it looks credentials up in (see :mod:`gateway.http.app`)."""
    return cast(Authenticator, scope["app"].state.authenticator)


def unauthenticated(message: str) -> ASGIApp:
    return error_response(
        401, message, code="UNAUTHENTICATED", headers={"WWW-Authenticate": "Bearer"}
    )


class Authenticate:
    """Checks the bearer credential of every GraphQL HTTP request before it runs.

    GraphiQL's page itself is public, and a request let through for it is marked so that
    the endpoint renders the page and executes nothing; everything else needs a valid
    token, except queries when ``OKRA_PUBLIC_READ`` is on (writes then answer
    UNAUTHENTICATED).
    """

    def __init__(self, app: ASGIApp, public_read: bool) -> None:
        self.app = app
        self.public_read = public_read

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if is_page_request(scope):  # anonymous, so the endpoint renders the page only
            scope[PAGE_ONLY] = True
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            principal = await authenticator(scope).principal(request.headers.get("authorization"))
        except Unauthenticated as error:
            await unauthenticated(str(error))(scope, receive, send)
            return
        if principal is None and not self.public_read:
            message = "send Authorization: Bearer <token> (see `okra token create`)"
            await unauthenticated(message)(scope, receive, send)
            return
        scope[PRINCIPAL] = principal
        await self.app(scope, receive, send)
