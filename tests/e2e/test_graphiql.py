"""GraphiQL opens on a document that runs as it is (dashboard, check-in, trend and me),
and runs in a browser that reaches nothing but the server."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
from graphql import OperationDefinitionNode, parse, validate
from PIL import Image

from gateway.http.graphiql import EXAMPLE_DOCUMENT, PLACEHOLDER, SCRIPTS, STYLES
from gateway.schema import build_schema
from gateway.settings import Settings
from tests.support import chromium
from tests.support.api import Api, running
from tests.support.processes import Gateway


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
    block = re.search(
        r'<script type="application/json" id="okra-example">(.*?)</script>', page, re.S
    )
    assert block, "the page does not set OKRA's example"
    example = json.loads(block.group(1))
    return example["query"], json.loads(example["variables"])


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


# -- in a browser that reaches nothing but the server ----------------------------------

OBJECTIVE = "Ship offline GraphiQL"
BOX = "JSON.stringify(document.querySelector({!r}).getBoundingClientRect())"


def seed(gateway: Gateway) -> None:
    """An open year with one objective and key result, through GraphQL."""

    def run(query: str, **variables: str) -> Any:
        answer = httpx.post(
            f"{gateway.url}/graphql",
            json={"query": query, "variables": variables},
            headers=gateway.headers,
        ).json()
        assert "errors" not in answer, answer
        return answer["data"]

    team = run('mutation { createTeam(input: { name: "Acme" }) { id } }')["createTeam"]["id"]
    year = run(
        'mutation { openCycle(input: { name: "2026", kind: ANNUAL, startsOn: "2026-01-01", '
        'endsOn: "2026-12-31" }) { id } }'
    )["openCycle"]["id"]
    objective = run(
        "mutation($c: ID!, $t: ID!, $title: String!) { createObjective(input: "
        "{ cycleId: $c, teamId: $t, title: $title }) { id } }",
        c=year,
        t=team,
        title=OBJECTIVE,
    )["createObjective"]["id"]
    run(
        'mutation($o: ID!) { addKeyResult(input: { objectiveId: $o, title: "Pages served", '
        "startValue: 0, targetValue: 10 }) { id } }",
        o=objective,
    )


def ink(png: bytes) -> float:
    """The share of a picture's pixels that are not near white: text, not background."""
    picture = Image.open(io.BytesIO(png)).convert("L")
    return sum(picture.histogram()[:200]) / (picture.width * picture.height)


def wait_for(page: chromium.Page, expression: str, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while not (value := page.evaluate(expression)):
        if time.monotonic() > deadline:
            raise TimeoutError(expression, page.evaluate("document.body.innerText"))
        time.sleep(0.1)
    return value


def click(page: chromium.Page, box: dict[str, float]) -> None:
    page.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_graphiql_runs_a_query_with_nothing_but_the_server(
    settings: Settings, tmp_path: Path
) -> None:
    """Every host but the server is out of reach (no DNS, a dead proxy for the rest):
    the page loads GraphiQL from the server, signs in with the headers a user keeps,
    runs the example's Dashboard, and the screenshot shows the answer."""
    with Gateway(settings) as gateway, chromium.browser(*chromium.OFFLINE) as browser:
        seed(gateway)
        page = browser.page(1200, 800)
        page.call("Log.enable")
        page.open(f"{gateway.url}/graphql")
        headers = json.dumps(json.dumps(gateway.headers))
        page.evaluate(f"localStorage.setItem('graphiql:headers', {headers})")
        page.open(f"{gateway.url}/graphql")  # as a user comes back, headers kept
        wait_for(page, "!!document.querySelector('.graphiql-execute-button')")
        result = json.loads(page.evaluate(BOX.format(".graphiql-response")))
        empty = ink(page.screenshot(result))

        # The document holds several operations: the run button asks which. A click that
        # lands while the editor is still starting (a busy machine) opens nothing: click
        # again until the menu opens.
        menu = (
            "JSON.stringify([...document.querySelectorAll('[role=menuitem]')]"
            ".map(e => [e.textContent, e.getBoundingClientRect()]))"
        )
        deadline = time.monotonic() + 60
        while True:
            click(page, json.loads(page.evaluate(BOX.format(".graphiql-execute-button"))))
            try:
                settled = wait_for(page, f"{menu} !== '[]' && {menu}", seconds=5)
                break
            except TimeoutError:
                if time.monotonic() > deadline:
                    raise
        items = None
        while items != settled:  # the menu slides open: click where it comes to rest
            items, settled = settled, (time.sleep(0.1), page.evaluate(menu))[1]
        operations = dict(json.loads(settled))
        assert set(operations) == {"Dashboard", "CheckIn", "Trend", "Me"}
        click(page, operations["Dashboard"])
        answer = wait_for(
            page,
            "(document.querySelector('.graphiql-response') || {}).innerText"
            f" && document.querySelector('.graphiql-response').innerText.includes({OBJECTIVE!r})"
            " && document.querySelector('.graphiql-response').innerText",
        )
        assert '"totalCount": 1' in answer and '"errors"' not in answer

        shot = page.screenshot()
        (tmp_path / "graphiql.png").write_bytes(shot)
        assert Image.open(io.BytesIO(shot)).size == (1200, 800)
        # The answer is on the screen: the response pane, blank before, is full of text.
        shown = ink(page.screenshot(result))
        assert shown > 0.01 and shown > 10 * empty, (empty, shown)

        requests = [
            e["params"]["request"]["url"]
            for e in page.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        assert all(url.startswith((gateway.url, "data:")) for url in requests), requests
        served = {url.removeprefix(gateway.url) for url in requests}
        assert {f"/graphiql/npm/{a.relative}" for a in (*SCRIPTS, *STYLES)} <= served
        # Nothing was refused by the page's Content-Security-Policy, nor failed to load
        # (the only errors: GraphiQL's first schema request, before the headers were set).
        problems = [
            e["params"]["entry"]["text"]
            for e in page.events
            if e.get("method") == "Log.entryAdded"
            and e["params"]["entry"]["level"] == "error"
            and "401" not in e["params"]["entry"]["text"]
        ]
        assert problems == []


async def test_the_cdn_is_opt_in(settings: Settings) -> None:
    async with running(settings) as api:
        own = await graphiql(api)
        response = await api.client.get(f"/graphiql/npm/{SCRIPTS[2].relative}")
        assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
        assert len(response.content) == 3_513_580  # decoded: the file itself
    async with running(settings.model_copy(update={"graphiql_cdn": True})) as api:
        remote = await graphiql(api)
    assert "https://unpkg.com/" not in own and "/graphiql/npm/" in own
    assert "https://unpkg.com/graphiql@3.8.3/graphiql.min.js" in remote
    assert opened(own) == opened(remote)


def test_pip_install_ships_the_page_and_its_files(tmp_path: Path) -> None:
    """What the Dockerfile's `pip install .` installs: the wheel holds GraphiQL's page,
    OKRA's script and style, and every pinned file with its licence."""
    root = Path(__file__).parents[2]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(root)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheel = next(tmp_path.glob("okra-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"gateway/http/templates/graphiql.html", "gateway/http/static/graphiql.js"}
    expected |= {"gateway/http/static/graphiql.css", "gateway/http/static/npm/README.md"}
    for asset in (*SCRIPTS, *STYLES):
        expected |= {f"gateway/http/static/npm/{asset.relative}"}
        expected |= {f"gateway/http/static/npm/{asset.package}/LICENSE"}
    assert expected <= names, sorted(expected - names)
