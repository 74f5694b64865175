"""GraphiQL opens on a document that runs as it is: dashboard, check-in, trend and me."""

from __future__ import annotations

import json
import re

from graphql import OperationDefinitionNode, parse, validate

from gateway.http.graphiql import EXAMPLE_DOCUMENT, PLACEHOLDER
from gateway.schema import build_schema
from tests.support.api import Api


def test_the_example_document_is_valid_against_the_schema() -> None:
    document = parse(EXAMPLE_DOCUMENT)
    assert validate(build_schema()._schema, document) == []
    operations = {
        d.name.value: d.operation.value
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode) and d.name
    }
    assert operations == {
        "Dashboard": "query",
        "CheckIn": "mutation",
        "Trend": "query",
        "Me": "query",
    }
    assert "scoreTrend(" in EXAMPLE_DOCUMENT


def opened(page: str) -> tuple[str, dict[str, object]]:
    """The document and variables the page hands GraphiQL, read as the browser would."""
    query = re.search(r"const EXAMPLE_QUERY = (\".*?\");\n", page, re.S)
    variables = re.search(r"const EXAMPLE_VARIABLES = (\".*?\");\n", page, re.S)
    assert query and variables, "the page does not set OKRA's example"
    assert "parameters.variables || EXAMPLE_VARIABLES" in page
    return json.loads(query.group(1)), json.loads(json.loads(variables.group(1)))


async def graphiql(api: Api) -> str:
    # A browser asks without a token: the page itself is public.
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def test_graphiql_opens_on_the_example_with_ids_from_the_store(api: Api) -> None:
    document, variables = opened(await graphiql(api))
    assert document == EXAMPLE_DOCUMENT
    assert variables == {"cycle": PLACEHOLDER, "keyResult": PLACEHOLDER, "value": 0}

    team, year = await api.team("Acme"), await api.year()
    quarter = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", parent=year)
    objective = await api.objective(quarter, team)
    await api.key_result(objective["id"], "Launch", milestones=["Beta", "GA"])
    kr = await api.key_result(objective["id"], "Pilots", startValue=0, targetValue=10)
    await api.check_in(kr["id"], value=4)
    _, variables = opened(await graphiql(api))
    assert variables == {"cycle": quarter, "keyResult": kr["id"], "value": 4}

    # Run as the page would: each operation with those variables, signed in.
    for name in ("Dashboard", "CheckIn", "Trend", "Me"):
        response = await api.client.post(
            "/graphql",
            json={"query": document, "variables": variables, "operationName": name},
            headers=await api.headers(None, None),
        )
        body = response.json()
        assert "errors" not in body, (name, body)
        if name == "Dashboard":
            nodes = body["data"]["objectives"]["nodes"]
            assert [k["title"] for k in nodes[0]["keyResults"]] == ["Launch", "Pilots"]
        if name == "CheckIn":
            assert body["data"]["recordCheckIn"]["currentValue"] == 4
        if name == "Trend":
            assert body["data"]["scoreTrend"]["points"]
        if name == "Me":
            assert body["data"]["me"] is None  # the tests' admin token speaks for nobody
