"""Real clients work unchanged: graphql-request and graphql-ws in Node, gql in Python;
and the GraphQL-over-HTTP specification's own audit suite passes."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
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


# -- normalised caches: Relay and Apollo Client -----------------------------------------

SCHEMA = Path(__file__).parents[2] / "schema.graphql"


def graphql(gateway: Gateway, query: str, **variables: Any) -> Any:
    answer = httpx.post(
        f"{gateway.url}/graphql",
        json={"query": query, "variables": variables},
        headers=gateway.headers,
        timeout=30,
    ).json()
    assert "errors" not in answer, answer
    return answer["data"]


def organisation(gateway: Gateway) -> dict[str, Any]:
    """A year in which Acme has five objectives (the first with a key result) and
    another team one, created in that order."""
    acme = graphql(gateway, 'mutation { createTeam(input: { name: "Acme" }) { id } }')
    other = graphql(gateway, 'mutation { createTeam(input: { name: "Other" }) { id } }')
    year = graphql(
        gateway,
        'mutation { openCycle(input: { name: "2026", kind: ANNUAL, startsOn: "2026-01-01", '
        'endsOn: "2026-12-31" }) { id } }',
    )["openCycle"]["id"]
    create = (
        "mutation($c: ID!, $t: ID!, $title: String!) { createObjective(input: "
        "{ cycleId: $c, teamId: $t, title: $title }) { id } }"
    )
    team = acme["createTeam"]["id"]
    objectives = [
        graphql(gateway, create, c=year, t=team, title=f"O{n}")["createObjective"]["id"]
        for n in range(1, 6)
    ]
    graphql(gateway, create, c=year, t=other["createTeam"]["id"], title="Theirs")
    kr = graphql(
        gateway,
        'mutation($o: ID!) { addKeyResult(input: { objectiveId: $o, title: "Pilots", '
        "startValue: 0, targetValue: 10 }) { id } }",
        o=objectives[0],
    )["addKeyResult"]["id"]
    return {"team": team, "cycle": year, "objectives": objectives, "kr": kr}


def relay_compile(project: Path) -> Path:
    """relay-compiler on tests/js/relay/src against the committed schema.graphql, in a
    copy of its own (tests in parallel each compile), as a developer runs it."""
    shutil.copytree(JS / "relay" / "src", project / "src")
    shutil.copy(SCHEMA, project / "schema.graphql")
    config = json.loads((JS / "relay.config.json").read_text())
    config |= {"src": "./src", "schema": "./schema.graphql", "artifactDirectory": "./generated"}
    (project / "relay.config.json").write_text(json.dumps(config))
    (project / "generated").mkdir()
    run = subprocess.run(
        [str(JS / "node_modules" / ".bin" / "relay-compiler")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return project / "generated"


def test_relay_compiles_refetchable_fragments_and_connections(tmp_path: Path) -> None:
    """The first thing Relay refused: @refetchable on Objective and Team."""
    node_or_skip()
    generated = relay_compile(tmp_path)
    made = {p.name.removesuffix(".graphql.js") for p in generated.glob("*.graphql.js")}
    assert {"ObjectiveRefetchQuery", "TeamObjectivesPaginationQuery"} <= made
    assert "LatestObjectivesPaginationQuery" in made  # backward: last/before
    refetch = (generated / "ObjectiveRefetchQuery.graphql.js").read_text()
    assert "node(id: $id)" in refetch


def test_relay_runtime_pages_and_refetches_against_the_server(
    settings: Settings, tmp_path: Path
) -> None:
    node = node_or_skip()
    generated = relay_compile(tmp_path)
    with Gateway(settings) as gateway:
        ids = organisation(gateway)
        run = subprocess.run(
            [node, "relay/run.mjs"],
            cwd=JS,
            env={
                **os.environ,
                "OKRA_URL": gateway.url,
                "OKRA_TOKEN": gateway.token,
                "ARTIFACTS": str(generated),
                "TEAM": ids["team"],
                "CYCLE": ids["cycle"],
                "KEY_RESULT": ids["kr"],
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    # loadNext through node(id: team): Relay's connection grows page by page.
    assert seen["forward"] == [
        ["O1", "O2"],
        ["O1", "O2", "O3", "O4"],
        ["O1", "O2", "O3", "O4", "O5"],
    ]
    # loadPrevious with last/before from the end of the cycle's objectives.
    assert seen["backward"] == [
        ["O5", "Theirs"],
        ["O3", "O4", "O5", "Theirs"],
        ["O1", "O2", "O3", "O4", "O5", "Theirs"],
    ]
    # The refetchable objective fragment: stale until refetched through node(id:).
    assert seen["checkIn"]["score"] == 0.8
    assert seen["stale"]["score"] == seen["before"]["score"] == 0
    assert seen["refetched"] is True  # node(id:) answered the objective
    assert seen["after"]["score"] == 0.8
    assert seen["after"]["keyResults"][0]["currentValue"] == 8


def test_apollo_cache_follows_mutations_and_keeps_the_past_apart(settings: Settings) -> None:
    node = node_or_skip()
    with Gateway(settings) as gateway:
        ids = organisation(gateway)
        graphql(
            gateway,
            "mutation($kr: ID!) { recordCheckIn(input: { keyResultId: $kr, value: 2 }) { id } }",
            kr=ids["kr"],
        )
        known = graphql(
            gateway,
            "query($kr: ID!) { auditTrail(filter: { entityId: $kr, eventTypes: "
            '["CheckInRecorded"] }, first: 1) { nodes { recordedAt } } }',
            kr=ids["kr"],
        )["auditTrail"]["nodes"][0]["recordedAt"]
        run = subprocess.run(
            [node, "apollo.mjs"],
            cwd=JS,
            env={
                **os.environ,
                "OKRA_URL": gateway.url,
                "OKRA_TOKEN": gateway.token,
                "CYCLE": ids["cycle"],
                "KEY_RESULT": ids["kr"],
                "AS_OF": known,  # after the check-in of 2, before the one of 7
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    kr = seen["before"]["keyResults"][0]
    assert (kr["currentValue"], kr["score"], seen["before"]["score"]) == (2, 0.2, 0.2)
    # The mutation's answer normalised into the cached dashboard: key result and objective.
    assert seen["checkIn"]["currentValue"] == 7
    kr = seen["after"]["keyResults"][0]
    assert (kr["currentValue"], kr["score"], kr["confidence"]) == (7, 0.7, 0.9)
    assert kr["version"] == seen["checkIn"]["version"]
    assert seen["after"]["score"] == 0.7 and seen["sameFromCacheOnly"]
    assert seen["requests"][:2] == ["Dashboard", "CheckIn"]  # no refetch in between
    # The past and the present of one key result, asked together, both kept apart.
    answered, reread = seen["answered"], seen["reread"]
    assert answered["now"]["currentValue"] == 7 and answered["then"]["currentValue"] == 2
    assert reread["now"]["currentValue"] == 7 and reread["then"]["currentValue"] == 2
    assert answered["then"]["entityId"] == answered["now"]["id"] == ids["kr"]
    assert f"KeyResult:{ids['kr']}" in seen["keys"]
    assert f"KeyResultAsOf:{answered['then']['id']}" in seen["keys"]
