"""Abuse limits: each configurable, each answered with a clear error."""

from __future__ import annotations

from typing import Any

from gateway.settings import Introspection, Settings
from tests.support.api import Api, running

INTROSPECT = "{ __schema { queryType { name } } }"


async def test_documents_past_the_limits_are_refused(settings: Settings) -> None:
    tight = settings.model_copy(
        update={"max_query_depth": 4, "max_query_tokens": 60, "max_aliases": 3}
    )
    async with running(tight) as api:
        deep = "{ teams { nodes { parent { parent { parent { name } } } } } }"
        error = await api.error(deep)
        assert "depth" in error["message"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        aliases = (
            "{ a: teams { totalCount } b: teams { totalCount } c: teams { totalCount } "
            "d: teams { totalCount } }"
        )
        error = await api.error(aliases)
        assert "aliases" in error["message"]
        long = "{ " + " ".join(f"t{i}: __typename" for i in range(40)) + " }"
        error = await api.error(long)
        assert "token" in error["message"].lower()
        # Within the limits, all is well.
        assert await api.data("{ teams { nodes { parent { name } } } }") == {"teams": {"nodes": []}}


async def test_page_size_is_capped(api: Api) -> None:
    error = await api.error("{ objectives(first: 1000) { totalCount } }")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    assert "100" in error["message"]


async def test_request_body_size_is_capped(settings: Settings) -> None:
    async with running(settings.model_copy(update={"max_body_bytes": 2_000})) as api:
        headers = await api.headers(None, None)
        padding = " " * 3_000
        response = await api.client.post(
            "/graphql", json={"query": "{ teams { totalCount } }" + padding}, headers=headers
        )
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


TYPO = "{ teams { nodes { nmae } } }"  # graphql-core: Did you mean 'name'?
ENUM_TYPO = "query($k: CycleKind) { cycles(kind: $k) { totalCount } }"


async def anonymous(api: Api, query: str, **variables: Any) -> dict[str, Any]:
    response = await api.client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_introspection_is_for_people_signed_in(settings: Settings) -> None:
    """By default (OKRA_INTROSPECTION=authenticated), on either store: a token
    introspects, an anonymous reader (OKRA_PUBLIC_READ) does not, and is not told
    field or enum names through suggestions either."""
    async with running(settings.model_copy(update={"public_read": True})) as api:
        assert "errors" not in await api.post(INTROSPECT)
        error = await api.error(TYPO)
        assert "Did you mean 'name'?" in error["message"]

        refused = await anonymous(api, INTROSPECT)
        assert refused["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "introspection" in refused["errors"][0]["message"]
        typo = (await anonymous(api, TYPO))["errors"][0]["message"]
        assert typo == "Cannot query field 'nmae' on type 'Team'."
        enum = (await anonymous(api, ENUM_TYPO, k="ANUAL"))["errors"][0]["message"]
        assert "ANUAL" in enum and "Did you mean" not in enum
        # What anonymous readers may read still answers.
        assert (await anonymous(api, "{ teams { totalCount } }"))["data"]["teams"] == {
            "totalCount": 0
        }
        # The signed-in request after it still gets its suggestions (errors are shared
        # by the validation cache, never edited in place).
        assert "Did you mean 'name'?" in (await api.error(TYPO))["message"]


async def test_introspection_can_be_opened_or_closed_to_everyone(settings: Settings) -> None:
    opened = settings.model_copy(update={"public_read": True, "introspection": Introspection.ON})
    async with running(opened) as api:
        assert "errors" not in await anonymous(api, INTROSPECT)
        assert "Did you mean" in (await anonymous(api, TYPO))["errors"][0]["message"]
    closed = settings.model_copy(update={"introspection": Introspection.OFF})
    async with running(closed) as api:
        refused = await api.post(INTROSPECT)
        assert refused["data"] is None and "introspection" in refused["errors"][0]["message"]
        assert "Did you mean" not in (await api.error(TYPO))["message"]


def test_introspection_takes_the_old_boolean_spellings() -> None:
    assert Settings(introspection=True).introspection is Introspection.ON
    assert Settings(introspection="0").introspection is Introspection.OFF
    assert Settings(introspection="Authenticated").introspection is Introspection.AUTHENTICATED
    assert Settings().introspection is Introspection.AUTHENTICATED


async def test_a_slow_request_is_answered_with_a_timeout(settings: Settings) -> None:
    mutation = {
        "query": 'mutation { createTeam(input: {name: "Ops", idempotencyKey: "ops"}) { id } }'
    }
    # A budget no write can meet: the client hears TIMEOUT, not whether it was applied...
    async with running(settings.model_copy(update={"request_timeout": 0.000001})) as api:
        response = await api.client.post(
            "/graphql", json=mutation, headers=await api.headers(None, None)
        )
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"
    # ...so it retries with the same idempotency key, and the team exists exactly once.
    async with running(settings) as api:
        response = await api.client.post(
            "/graphql", json=mutation, headers=await api.headers(None, None)
        )
        assert response.json()["data"]["createTeam"]["id"]
        assert (await api.data("{ teams { totalCount } }"))["teams"]["totalCount"] == 1
