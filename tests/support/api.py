"""A small GraphQL client for the tests, speaking HTTP to the real ASGI app."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from httpx_ws.transport import ASGIWebSocketTransport
from starlette.applications import Starlette
from starlette.types import ASGIApp

from domain.application import commands as c
from domain.model.roles import MemberRole, Role
from gateway.backend import Backend
from gateway.http.app import create_app
from gateway.settings import Settings
from tests.support.live import Live, subscribe

KEY_RESULT_FIELDS = """
    id version title weight measure startValue targetValue unit currentValue
    milestonesDone confidence asOf score scoreBand finalGrade objectiveId
    milestones { title done }
"""
OBJECTIVE_FIELDS = f"""
    id version title description kind status score grade expectedGrade
    cycleId teamId parentKeyResultId createdBy updatedBy
    keyResults {{ {KEY_RESULT_FIELDS} }}
"""
BET_FIELDS = """
    id version title hypothesis stake odds expectedImpact expectedValue status
    actualImpact learning keyResultId teamId cycleId stakeUnit
"""


def mutation_names() -> set[str]:
    """Every mutation the served schema offers, for tests that must cover them all."""
    from gateway.schema import build_schema

    mutation = build_schema()._schema.mutation_type
    assert mutation is not None
    return set(mutation.fields)


class GraphQLFailure(AssertionError):
    pass


class Api:
    def __init__(self, client: httpx.AsyncClient, app: Starlette, asgi: ASGIApp) -> None:
        self.client = client
        self.app = app
        self.asgi = asgi
        self.tokens: dict[tuple[str, str, tuple[str, ...]], str] = {}
        self.token_ids: dict[str, str] = {}  # secret -> token id
        # The token requests use when they name nobody (else an admin token, "admin").
        self.default_token: str | None = None

    async def token(self, user: str = "admin", role: str = "admin", *teams: str) -> str:
        """A real API token for that person (issued once, through the domain)."""
        key = (user, role, teams)
        if key not in self.tokens:
            saved = await self.backend.handle(
                c.IssueToken(user=user, role=Role(role), team_ids=list(teams)), "tests"
            )  # which waits until the views show it
            secret = saved.secret
            assert secret is not None
            self.tokens[key] = secret
            self.token_ids[secret] = saved.id
        return self.tokens[key]

    async def person(
        self, handle: str, *teams: tuple[str, str], role: str = "member", email: str | None = None
    ) -> tuple[str, str]:
        """A person (named after their handle) in those (team id, role) teams, and a token
        with that role that speaks for them: (person id, token)."""
        app = self.backend.app
        person = app.handle(c.AddPerson(handle=handle, name=handle.title(), email=email), "tests")
        for team, member_role in teams:
            role_in_team = MemberRole(member_role)
            app.handle(c.AddMember(team_id=team, person_id=person.id, role=role_in_team), "tests")
        saved = app.handle(c.IssueToken(person_id=person.id, role=Role(role)), "tests")
        assert saved.secret is not None
        await self.backend.watch.wait_for(saved.position, seconds=10)
        self.token_ids[saved.secret] = saved.id
        return person.id, saved.secret

    async def headers(self, actor: str | None, token: str | None) -> dict[str, str]:
        default = self.default_token if actor is None else None
        secret = token or default or await self.token(actor or "admin")
        return {"Authorization": f"Bearer {secret}"}

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, asgi: ASGIApp, app: Starlette) -> AsyncIterator[Api]:
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://okra.test", timeout=60
        ) as client:
            yield cls(client, app, asgi)

    @contextlib.asynccontextmanager
    async def subscribe(self, query: str, **variables: Any) -> AsyncIterator[Live]:
        """A live subscription over graphql-transport-ws, opened in the calling task."""
        transport = ASGIWebSocketTransport(app=self.asgi)
        init = {"Authorization": f"Bearer {await self.token()}"}
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://okra.test") as client,
            subscribe(client, query, variables, init_payload=init) as live,
        ):
            yield live

    @property
    def backend(self) -> Backend:
        backend: Backend = self.app.state.backend
        return backend

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        actor: str | None = None,
        token: str | None = None,
    ) -> dict[str, Any]:
        """POST a document, signed in as ``actor`` (an admin) or with ``token``."""
        response = await self.client.post(
            "/graphql",
            # json.dumps escapes what UTF-8 cannot carry (lone surrogates) as JSON does.
            content=json.dumps({"query": query, "variables": variables or {}}),
            headers={
                "Content-Type": "application/json",
                **await self.headers(actor, token),
            },
        )
        assert response.status_code in (200, 400), response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(
        self, query: str, actor: str | None = None, token: str | None = None, **variables: Any
    ) -> Any:
        body = await self.post(query, variables, actor, token)
        if body.get("errors"):
            raise GraphQLFailure(body["errors"])
        return body["data"]

    async def error(
        self, query: str, actor: str | None = None, token: str | None = None, **variables: Any
    ) -> Any:
        """The one error the operation must fail with."""
        body = await self.post(query, variables, actor, token)
        errors = body.get("errors") or []
        assert len(errors) == 1, body
        return errors[0]

    async def mutate(
        self,
        operation: str,
        fields: str,
        actor: str | None = None,
        token: str | None = None,
        **input: Any,
    ) -> Any:
        """Run ``name(input: $input) { fields }`` and return its result."""
        input_type = operation[0].upper() + operation[1:] + "Input"
        query = f"mutation($input: {input_type}!) {{ {operation}(input: $input) {{ {fields} }} }}"
        return (await self.data(query, actor=actor, token=token, input=input))[operation]

    async def refuse(
        self, operation: str, actor: str | None = None, token: str | None = None, **input: Any
    ) -> Any:
        """Run a mutation that must be refused; its error."""
        input_type = operation[0].upper() + operation[1:] + "Input"
        query = f"mutation($input: {input_type}!) {{ {operation}(input: $input) {{ __typename }} }}"
        return await self.error(query, actor=actor, token=token, input=input)

    # -- building blocks -------------------------------------------------------------

    async def team(self, name: str, parent: str | None = None, **extra: Any) -> str:
        team = await self.mutate("createTeam", "id", name=name, parentId=parent, **extra)
        return str(team["id"])

    async def cycle(self, name: str, starts: str, ends: str, parent: str | None = None) -> str:
        kind = "QUARTERLY" if parent else "ANNUAL"
        cycle = await self.mutate(
            "openCycle", "id", name=name, kind=kind, startsOn=starts, endsOn=ends, parentId=parent
        )
        return str(cycle["id"])

    async def year(self, name: str = "2026") -> str:
        return await self.cycle(name, f"{name}-01-01", f"{name}-12-31")

    async def objective(
        self, cycle: str, team: str, title: str = "Delight customers", **extra: Any
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self.mutate(
            "createObjective", OBJECTIVE_FIELDS, cycleId=cycle, teamId=team, title=title, **extra
        )
        return result

    async def key_result(self, objective: str, title: str = "NPS", **extra: Any) -> dict[str, Any]:
        if "milestones" not in extra:
            extra.setdefault("startValue", 20)
            extra.setdefault("targetValue", 50)
        result: dict[str, Any] = await self.mutate(
            "addKeyResult", KEY_RESULT_FIELDS, objectiveId=objective, title=title, **extra
        )
        return result

    async def check_in(self, key_result: str, **extra: Any) -> dict[str, Any]:
        result: dict[str, Any] = await self.mutate(
            "recordCheckIn", KEY_RESULT_FIELDS, keyResultId=key_result, **extra
        )
        return result

    async def bet(self, key_result: str, **extra: Any) -> dict[str, Any]:
        fields = {"title": "Run a spike", "stake": 5, "odds": 0.5, "expectedImpact": 10, **extra}
        result: dict[str, Any] = await self.mutate(
            "placeBet", BET_FIELDS, keyResultId=key_result, **fields
        )
        return result


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Api]:
    """The real app on these settings, and a client speaking HTTP to it."""
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60) as manager,
        Api.connect(manager.app, app) as client,
    ):
        yield client
