"""GraphQL against a gateway running in another process (``okra serve``), over real
HTTP: what the multi-process and fault tests send, and the small organisation they
build first."""

from __future__ import annotations

import httpx


async def gql(client: httpx.AsyncClient, query: str, **variables: object) -> dict:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def check_in_values(client: httpx.AsyncClient, kr: str) -> list[float]:
    """Every check-in value of a key result, page by page (pages hold at most 100)."""
    values: list[float] = []
    after = None
    while True:
        page = (
            await gql(
                client,
                "query($k: ID!, $a: String) { keyResult(id: $k) { checkIns(first: 100, after: $a)"
                " { nodes { value } pageInfo { hasNextPage endCursor } } } }",
                k=kr,
                a=after,
            )
        )["keyResult"]["checkIns"]
        values += [c["value"] for c in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return values
        after = page["pageInfo"]["endCursor"]


async def build(client: httpx.AsyncClient) -> tuple[str, str]:
    team = (await gql(client, 'mutation { createTeam(input: {name: "Acme"}) { id } }'))[
        "createTeam"
    ]["id"]
    year = (
        await gql(
            client,
            'mutation { openCycle(input: {name: "2026", kind: ANNUAL, '
            'startsOn: "2026-01-01", endsOn: "2026-12-31"}) { id } }',
        )
    )["openCycle"]["id"]
    objective = (
        await gql(
            client,
            "mutation($c: ID!, $t: ID!) { createObjective(input: {cycleId: $c, teamId: $t, "
            'title: "Delight"}) { id } }',
            c=year,
            t=team,
        )
    )["createObjective"]["id"]
    kr = (
        await gql(
            client,
            'mutation($o: ID!) { addKeyResult(input: {objectiveId: $o, title: "NPS", '
            "startValue: 0, targetValue: 100}) { id } }",
            o=objective,
        )
    )["addKeyResult"]["id"]
    return objective, kr


CHECK_IN = (
    "mutation($k: ID!, $v: Float!) "
    "{ recordCheckIn(input: {keyResultId: $k, value: $v}) { version } }"
)
