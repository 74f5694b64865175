"""Security over HTTP: what the probe of the running gateway found, each as a request a
client can send, and a hypothesis suite over raw requests that would find the next one.

Every test runs on both stores (the ``api`` / ``settings`` fixtures).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

import anyio
import jwt
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from domain.application import commands as c
from domain.model.roles import Role
from gateway.settings import Settings
from tests.support.api import Api, running
from tests.support.raw import Answer, request

TEAMS = "{ teams { totalCount } }"
CREATE = 'mutation { createTeam(input: {name: "Anonymous"}) { id } }'
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def operations_run(api: Api) -> float:
    """How many GraphQL operations reached execution, from the gateway's own metrics."""
    histogram = api.backend.metrics.latency
    return sum(
        sample.value
        for metric in histogram.collect()
        for sample in metric.samples
        if sample.name.endswith("_count")
    )


def is_json_error(answer: Answer) -> bool:
    if answer.media_type not in ("application/json", "application/graphql-response+json"):
        return False
    body = json.loads(answer.body)
    return isinstance(body, dict) and "errors" in body and body.get("data") is None


# -- 1. GraphiQL's page never runs anything -------------------------------------------


@pytest.mark.parametrize(
    "name", ["qu%65ry", "%71uery", "%51UERY", "query", "vari%61bles", "operation%4Eame"]
)
async def test_a_page_request_that_names_a_query_is_not_the_page(api: Api, name: str) -> None:
    before = operations_run(api)
    answer = await request(
        api.asgi, "GET", f"{name}=".encode() + quote(TEAMS).encode(), [(b"accept", b"text/html")]
    )
    assert answer.status in (401, 406), answer
    assert b'"data"' not in answer.body
    assert operations_run(api) == before


async def test_the_page_itself_is_served_without_a_token_and_runs_nothing(api: Api) -> None:
    before = operations_run(api)
    for query in (b"", b"utm_source=mail", b"x=%71uery"):
        answer = await request(api.asgi, "GET", query, [(b"accept", b"text/html")])
        assert answer.status == 200 and answer.media_type == "text/html"
        assert b"OKRA GraphiQL" in answer.body
    assert operations_run(api) == before


# The parts of a raw request an attacker controls, as hypothesis draws them.
NAMES = ["query", "variables", "operationName", "extensions", "x", "QUERY", "Query"]


def encoded(text: str, draw: st.DrawFn) -> str:
    """``text`` percent-encoded character by character, in upper or lower hex, or not."""
    out = []
    for char in text:
        how = draw(st.sampled_from(["plain", "upper", "lower"]))
        if how == "plain" and char.isalnum():
            out.append(char)
        else:
            hexed = "".join(f"%{b:02X}" for b in char.encode())
            out.append(hexed.lower() if how == "lower" else hexed)
    return "".join(out)


@st.composite
def raw_requests(draw: st.DrawFn) -> tuple[str, bytes, list[tuple[bytes, bytes]], bytes]:
    method = draw(st.sampled_from(["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]))
    documents = st.sampled_from([CREATE, TEAMS, "subscription { betChanged { id } }", "{"])
    parameters = []
    for _ in range(draw(st.integers(0, 4))):
        name = draw(st.sampled_from(NAMES))
        value = draw(st.one_of(documents, st.just("{}"), st.text(max_size=20)))
        parameters.append(f"{encoded(name, draw)}={encoded(value, draw)}")
    query_string = draw(
        st.one_of(
            st.just("&".join(parameters).encode()),
            st.binary(max_size=40),
        )
    )
    headers: list[tuple[bytes, bytes]] = []
    accept = draw(
        st.sampled_from(
            [
                None,
                "text/html",
                "*/*",
                "application/json",
                "application/graphql-response+json",
                "text/html, application/json",
                "x/y;q=0",
                "\u00e9",
            ]
        )
    )
    if accept is not None:
        headers.append((b"accept", accept.encode("latin-1", "replace")))
    content_type = draw(
        st.sampled_from(
            [
                None,
                "application/json",
                "application/graphql+json",
                "text/plain",
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x",
            ]
        )
    )
    if content_type is not None:
        headers.append((b"content-type", content_type.encode()))
    authorization = draw(
        st.one_of(
            st.none(),
            st.sampled_from(["Bearer", "Bearer ", "Bearer okra_no", "Basic eDp5", "bearer x.y"]),
            st.binary(max_size=30),
        )
    )
    if authorization is not None:
        value = authorization if isinstance(authorization, bytes) else authorization.encode()
        headers.append((b"authorization", value))
    if draw(st.booleans()):
        headers.append((b"x-request-id", draw(st.binary(max_size=80))))
    body = draw(
        st.one_of(
            st.just(b""),
            st.sampled_from([b"null", b'"x"', b"1", b"true", b"[]", b"[" * 5000, b"{"]),
            documents.map(lambda d: json.dumps({"query": d}).encode()),
            st.builds(
                lambda d, v: json.dumps({"query": d, "variables": v}).encode(),
                documents,
                st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
            ),
            st.binary(max_size=60),
        )
    )
    return method, query_string, headers, body


async def test_nothing_executes_without_a_token(settings: Settings) -> None:
    """Whatever the method, headers, encodings and body: no token, nothing runs."""
    async with running(settings) as api:
        tried = 0

        @hypothesis_settings(
            max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(raw_requests())
        def probe(case: tuple[str, bytes, list[tuple[bytes, bytes]], bytes]) -> None:
            anyio.from_thread.run(attempt, *case)

        async def attempt(
            method: str, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes
        ) -> None:
            nonlocal tried
            tried += 1
            answer = await request(api.asgi, method, query, headers, body)
            assert answer.status < 500, answer
            if answer.media_type == "text/html":
                assert b"OKRA GraphiQL" in answer.body  # the page, and only the page
            else:
                assert is_json_error(answer), answer
            assert operations_run(api) == 0, (method, query, headers, body)

        await anyio.to_thread.run_sync(probe)
        assert tried >= 300
        assert (await api.data(TEAMS))["teams"]["totalCount"] == 0


# -- 6. Every answer is JSON -----------------------------------------------------------


@pytest.mark.parametrize("body", [b"null", b'"x"', b"1", b"true", b"[" * 100_000 + b"]" * 100_000])
async def test_bodies_that_are_not_a_request_are_bad_user_input_in_json(
    api: Api, body: bytes
) -> None:
    token = await api.token()
    answer = await request(
        api.asgi,
        "POST",
        headers=[
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
        ],
        body=body,
    )
    assert answer.status == 400
    assert answer.media_type == "application/json"
    assert json.loads(answer.body)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert answer.headers["x-request-id"]


LONE = "\ud800"
ECHOING = [
    ("query($i: ID!) { alignment(cycleId: $i) { nodes { depth } } }", "cycleId"),
    ("query($i: ID!) { retrospective(cycleId: $i) { organisation { averageGrade } } }", "cycleId"),
    ("query($i: ID!) { alignmentAudit(cycleId: $i) { evaluatedOn } }", "cycleId"),
    ("query($i: ID!) { strategyMap(cycleId: $i) { defined } }", "cycleId"),
    ("query($i: ID!) { objective(id: $i) { id } }", "id"),
    (
        'mutation($i: ID!) { updateObjective(input: {id: $i, expectedVersion: 1, title: "x"}) '
        "{ id } }",
        "id",
    ),
]


@pytest.mark.parametrize(("document", "field"), ECHOING)
async def test_a_lone_surrogate_in_an_id_is_bad_user_input_naming_the_field(
    api: Api, document: str, field: str
) -> None:
    response = await api.client.post(
        "/graphql",
        content=json.dumps({"query": document, "variables": {"i": LONE}}),
        headers={"Content-Type": "application/json", **await api.headers(None, None)},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}


# -- 7. What was a masked INTERNAL_SERVER_ERROR ---------------------------------------


async def test_inputs_that_were_internal_errors_are_bad_user_input(api: Api) -> None:
    team = await api.team("Acme")
    year = await api.year()
    await api.objective(year, team)
    huge = base64.urlsafe_b64encode(b"pos:" + b"9" * 60).decode()
    cases: list[tuple[str, dict[str, Any], str]] = [
        ('{ objectivesAsOf(asOf: "9999-12-31T23:59:59-14:00") { nodes { id } } }', {}, "asOf"),
        ('{ objectivesAsOf(asOf: "0001-01-01T00:00:00+14:00") { nodes { id } } }', {}, "asOf"),
        ("query($a: String) { teams(after: $a) { totalCount } }", {"a": huge}, "after"),
        (
            "query($a: String) { auditTrail(after: $a) { totalCount } }",
            {"a": huge},
            "after",
        ),
        (
            "query($i: ID!) { objective(id: $i) { id } }",
            {"i": "a\u0000b"},
            "id",
        ),
        (
            "query($i: ID!) { team(id: $i) { id } }",
            {"i": "a\u0000b"},
            "id",
        ),
        (
            "query($a: String) { auditTrail(filter: {actor: $a}) { totalCount } }",
            {"a": "a\u0000b"},
            "actor",
        ),
        (
            'mutation($k: String) { createTeam(input: {name: "Z", idempotencyKey: $k}) { id } }',
            {"k": LONE},
            "idempotencyKey",
        ),
        ("subscription { betChanged { id } }", {}, "betChanged"),
    ]
    for document, variables, field in cases:
        error = await api.error(document, **variables)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", (document, error)
        assert error["extensions"]["field"] == field, (document, error)
    # A trend whose range lies in the last year OKRA keeps answers (no overflow); the
    # calendar's last year is past the dates OKRA keeps (issue 14: 1970-01-01–2199-12-31).
    trend_query = (
        "query($t: ID!, $from: Date, $to: Date, $bucket: TrendBucket!) { scoreTrend("
        "teamId: $t, from: $from, to: $to, bucket: $bucket) { endsOn points { at } } }"
    )
    for variables in (
        {"from": "2199-12-01", "to": "2199-12-31", "bucket": "DAY"},
        {"from": "2199-12-27", "bucket": "WEEK"},
    ):
        trend = await api.data(trend_query, t=team, **{"to": None, **variables})
        assert trend["scoreTrend"]["points"][-1]["at"] <= "2199-12-31"
    for variables, field in (
        ({"from": "9999-12-01", "to": "9999-12-31", "bucket": "DAY"}, "from"),
        ({"from": "2199-12-27", "to": "2200-01-01", "bucket": "WEEK"}, "to"),
        ({"from": "1969-12-31", "bucket": "DAY"}, "from"),
    ):
        error = await api.error(trend_query, t=team, **{"to": None, **variables})
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert (await api.data(TEAMS))["teams"]["totalCount"] == 1


# -- 4. /metrics stays bounded ----------------------------------------------------------


async def test_metrics_label_only_validated_operations(api: Api) -> None:
    for number in range(200):
        await api.post(f"{{ probe{number} }}")
        await api.post(f"{{ teams {{ nope{number} }} }}")
    await api.post(TEAMS)
    text = (await api.client.get("/metrics")).text
    labels = set(re.findall(r'okra_graphql_request_seconds_count\{operation="([^"]*)"\}', text))
    assert labels == {"invalid", "query:teams"}
    assert "probe" not in text and "nope" not in text


# -- 11. Headers -----------------------------------------------------------------------


async def test_every_answer_carries_the_security_headers(api: Api) -> None:
    answers = [
        await request(api.asgi, "GET", path="/healthz"),
        await request(api.asgi, "POST", body=b"{}"),
        await request(api.asgi, "GET", b"", [(b"accept", b"text/html")]),
    ]
    for answer in answers:
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers.get(name) == value, (name, answer)
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


async def test_graphiqls_policy_allows_its_own_inline_scripts_and_nothing_injected(
    api: Api,
) -> None:
    answer = await request(api.asgi, "GET", b"", [(b"accept", b"text/html")])
    directives = answer.headers["content-security-policy"].split(";")
    policy = {name: value for name, _, value in (d.strip().partition(" ") for d in directives)}
    scripts = policy["script-src"].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    page = answer.body.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", page, re.S)
    # The page's only inline script is its example, a JSON data block, which never runs;
    # any inline script that would run must be allowed by its hash, and nothing else.
    assert any('type="application/json"' in attributes for attributes, _ in inline)
    for attributes, script in inline:
        if 'type="application/json"' in attributes:
            continue
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts
    injected = base64.b64encode(hashlib.sha256(b"alert(1)").digest()).decode()
    assert f"'sha256-{injected}'" not in scripts
    for url in re.findall(r'<script[^>]*src="([^"]+)"', page):
        assert url in scripts or not url.startswith("http")
    assert policy["connect-src"] == "'self'" and policy["frame-ancestors"] == "'none'"


# -- 8 and 11: JWT refusals ------------------------------------------------------------

SECRET = "a-test-secret-of-at-least-32-bytes!!"
JWT_SETTINGS = {"jwt_secret": SECRET, "jwt_issuer": "https://idp.example", "jwt_audience": "okra"}


def _jwt(key: Any = SECRET, algorithm: str = "HS256", headers: Any = None, **claims: Any) -> str:
    payload = {"iss": "https://idp.example", "aud": "okra", "sub": "jo", **claims}
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


async def refusal(api: Api, token: str) -> dict[str, Any]:
    response = await api.client.post(
        "/graphql", json={"query": TEAMS}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401, response.text
    [error] = response.json()["errors"]
    return dict(error)


async def test_jwt_refusals_say_invalid_token_and_time_claims_are_numbers(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    import logging
    import time

    caplog.set_level(logging.INFO, logger="okra.auth")
    now = int(time.time())
    async with running(settings.model_copy(update=JWT_SETTINGS)) as api:
        for bad in (
            _jwt(exp=str(now + 300)),  # pyjwt takes a numeric string; we do not
            _jwt(exp=now + 300, nbf=str(now)),
            _jwt(exp=now - 3600),
            _jwt(exp=now + 300, aud="elsewhere"),
        ):
            error = await refusal(api, bad)
            assert error["message"] == "invalid token"
        assert "Expired" in caplog.text or "expired" in caplog.text
    # The leeway is a setting: a token 10 s past its expiry is accepted with the
    # default 30 s, and refused with none.
    late = _jwt(exp=now - 10)
    async with running(settings.model_copy(update=JWT_SETTINGS)) as api:
        assert await api.data(TEAMS, token=late)
    async with running(settings.model_copy(update={**JWT_SETTINGS, "jwt_leeway": 0})) as api:
        assert (await refusal(api, late))["message"] == "invalid token"


async def test_a_jwt_naming_an_rsa_key_with_es256_is_refused_not_a_fault(
    settings: Settings,
) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    from tests.support.jwks import serving

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    public.update(kid="rsa-1", use="sig", alg="RS256")
    import time

    exp = int(time.time()) + 300
    with serving({"keys": [public]}) as url:
        update = {**JWT_SETTINGS, "jwt_secret": None, "jwt_jwks_url": url}
        async with running(settings.model_copy(update=update)) as api:
            good = _jwt(key, "RS256", {"kid": "rsa-1"}, exp=exp)
            assert await api.data(TEAMS, token=good)
            header = base64.urlsafe_b64encode(
                json.dumps({"alg": "ES256", "kid": "rsa-1", "typ": "JWT"}).encode()
            ).rstrip(b"=")
            forged = header.decode() + "." + good.split(".", 1)[1]
            assert (await refusal(api, forged))["message"] == "invalid token"


# -- 10. Idempotency records of two users -----------------------------------------------


async def test_idempotency_keys_of_two_users_never_collide(api: Api) -> None:
    first = await api.token("ann\nx", "admin")
    second = await api.token("ann", "admin")
    one = await api.mutate("createTeam", "id name", token=first, name="One", idempotencyKey="k")
    two = await api.mutate("createTeam", "id name", token=second, name="Two", idempotencyKey="x\nk")
    assert one["name"] == "One" and two["name"] == "Two" and one["id"] != two["id"]


async def test_a_retry_is_answered_only_to_someone_who_may_still_make_it(api: Api) -> None:
    team = await api.team("Acme")
    year = await api.year()
    objective = await api.objective(year, team)
    member = await api.token("sam", "member", team)
    request_input = {
        "objectiveId": objective["id"],
        "title": "Pilots",
        "startValue": 0,
        "targetValue": 5,
        "idempotencyKey": "add-pilots",
    }
    added = await api.mutate("addKeyResult", "id", token=member, **request_input)
    # Sam is now a viewer (a new token for the same person): the retry is refused.
    saved = api.backend.app.handle(c.IssueToken(user="sam", role=Role.VIEWER, team_ids=[]), "tests")
    await api.backend.watch.wait_for(saved.position, seconds=10)
    assert saved.secret is not None
    error = await api.refuse("addKeyResult", token=saved.secret, **request_input)
    assert error["extensions"]["code"] == "FORBIDDEN"
    # As a member still, the retry answers the first attempt's key result.
    again = await api.mutate("addKeyResult", "id", token=member, **request_input)
    assert again == added


# -- 11. The access log never records query strings ------------------------------------


def test_the_access_log_never_records_query_strings(settings: Settings) -> None:
    import httpx

    from tests.support.pgcluster import free_port
    from tests.support.processes import spawn, store_args, wait_until_up

    port = free_port()
    serve = spawn("serve", "--port", str(port), *store_args(settings))
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url, serve)
        marker = "secret-marker-in-a-query"
        response = httpx.get(
            f"{url}/graphql",
            params={"query": f'{{ team(id: "{marker}") {{ id }} }}'},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 401
        httpx.get(f"{url}/healthz?{marker}=1")
    finally:
        serve.terminate()
        serve.wait(timeout=30)
    printed = serve.output()
    assert '"GET /graphql HTTP/1.1" 401' in printed or "GET /graphql" in printed
    assert marker not in printed
