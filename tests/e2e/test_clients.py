"""Real clients work unchanged: graphql-request and graphql-ws in Node, gql in Python;
and the GraphQL-over-HTTP specification's own audit suite passes."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

from gateway.settings import Settings
from tests.support.processes import Gateway

JS = Path(__file__).parents[1] / "js"


def node_or_skip() -> str:
    node = shutil.which("node")
    installed = (JS / "node_modules" / ".installed").exists()
    if node and installed:
        return node
    reason = "Node.js and the packages of tests/js (make test installs them) are needed"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


def test_javascript_clients(settings: Settings) -> None:
    node = node_or_skip()
    with Gateway(settings) as gateway:
        run = subprocess.run(
            [node, "client.mjs"],
            cwd=JS,
            env={**os.environ, "OKRA_URL": gateway.url, "OKRA_TOKEN": gateway.token},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr
    answers = json.loads(run.stdout)
    assert answers["team"]["name"] == "From JavaScript"
    assert answers["refused"] == {"code": "BAD_USER_INPUT", "field": "name"}
    assert answers["checkIn"] == {"recordCheckIn": {"score": 0.5}}
    assert answers["pushed"]["keyResultChanged"]["score"] == 0.5
    assert answers["query"]["objectives"]["totalCount"] == 1
    assert answers["query"]["objectives"]["nodes"][0]["score"] == 0.5


def test_graphql_over_http_audit(tmp_path: Path) -> None:
    """graphql-http's audit of the GraphQL-over-HTTP specification: every MUST,
    SHOULD and MAY it checks, for both media types, passes."""
    node = node_or_skip()
    with Gateway(Settings(data_dir=tmp_path / "okra-data")) as gateway:
        run = subprocess.run(
            [node, "audit.mjs"],
            cwd=JS,
            env={**os.environ, "OKRA_URL": gateway.url, "OKRA_TOKEN": gateway.token},
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr
    audits = json.loads(run.stdout)
    assert len(audits) > 50  # the suite ran, not an empty list
    failed = [f"{a['id']} {a['name']}: {a['reason']}" for a in audits if a["status"] != "ok"]
    assert failed == []


async def test_python_gql_client(settings: Settings) -> None:
    with Gateway(settings) as gateway:
        http = HTTPXAsyncTransport(url=f"{gateway.url}/graphql", headers=gateway.headers)
        async with Client(transport=http, fetch_schema_from_transport=False) as session:
            team = await session.execute(
                GraphQLRequest('mutation { createTeam(input: {name: "From gql"}) { id } }')
            )
            year = await session.execute(
                GraphQLRequest(
                    'mutation { openCycle(input: {name: "2026", kind: ANNUAL, '
                    'startsOn: "2026-01-01", endsOn: "2026-12-31"}) { id } }'
                )
            )
            objective = await session.execute(
                GraphQLRequest(
                    "mutation($c: ID!, $t: ID!) { createObjective(input: {cycleId: $c, "
                    'teamId: $t, title: "Typed"}) { id } }',
                    variable_values={"c": year["openCycle"]["id"], "t": team["createTeam"]["id"]},
                )
            )
            listed = await session.execute(
                GraphQLRequest(
                    "query($c: ID!) { objectives(cycleId: $c) "
                    "{ totalCount edges { node { title team { name } } } } }",
                    variable_values={"c": year["openCycle"]["id"]},
                )
            )
            assert listed["objectives"]["totalCount"] == 1
            assert listed["objectives"]["edges"][0]["node"] == {
                "title": "Typed",
                "team": {"name": "From gql"},
            }
            with pytest.raises(TransportQueryError) as refused:
                await session.execute(
                    GraphQLRequest('mutation { createTeam(input: {name: ""}) { id } }')
                )
            assert refused.value.errors[0]["extensions"]["code"] == "BAD_USER_INPUT"

        ws = WebsocketsTransport(
            url=gateway.url.replace("http", "ws") + "/graphql",
            init_payload=gateway.headers,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        async with Client(transport=ws, fetch_schema_from_transport=False) as live:
            subscription = live.subscribe(
                GraphQLRequest(
                    "subscription($t: ID) { objectiveChanged(teamId: $t) { id title } }",
                    variable_values={"t": team["createTeam"]["id"]},
                )
            )
            first = asyncio.ensure_future(anext(aiter(subscription)))
            await asyncio.sleep(0.3)
            async with Client(
                transport=HTTPXAsyncTransport(url=f"{gateway.url}/graphql", headers=gateway.headers)
            ) as session:
                await session.execute(
                    GraphQLRequest(
                        "mutation($o: ID!) { updateObjective(input: {id: $o, expectedVersion: 1,"
                        ' title: "Renamed"}) { version } }',
                        variable_values={"o": objective["createObjective"]["id"]},
                    )
                )
            pushed = await asyncio.wait_for(first, 15)
            assert pushed["objectiveChanged"]["title"] == "Renamed"
