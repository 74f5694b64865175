"""GraphQL over HTTP: media types, status codes, GET for queries only."""

from __future__ import annotations

from tests.support.api import Api

SPEC = "application/graphql-response+json"


async def post(api: Api, query: str, accept: str | None, **headers: str) -> object:
    sent = {**await api.headers(None, None), **headers}
    if accept is not None:
        sent["Accept"] = accept
    return await api.client.post("/graphql", json={"query": query}, headers=sent)


async def test_graphql_response_json_when_accepted(api: Api) -> None:
    ok = await post(api, "{ teams { totalCount } }", SPEC)
    assert ok.status_code == 200 and ok.headers["content-type"] == SPEC
    assert ok.json() == {"data": {"teams": {"totalCount": 0}}}
    # A request error never ran: 400, and no data entry.
    invalid = await post(api, "{ nope }", f"{SPEC}, application/json;q=0.9")
    assert invalid.status_code == 400 and invalid.headers["content-type"] == SPEC
    assert "data" not in invalid.json() and invalid.json()["errors"]
    broken = await post(api, "{ teams {", SPEC)
    assert broken.status_code == 400
    # A field error ran: 200, with data.
    missing = await post(api, '{ alignment(cycleId: "nope") { nodes { depth } } }', SPEC)
    assert missing.status_code == 200 and "data" in missing.json()


async def test_legacy_json_stays_200(api: Api) -> None:
    for accept in (None, "application/json", "*/*"):
        invalid = await post(api, "{ nope }", accept)
        assert invalid.status_code == 200
        assert invalid.headers["content-type"].startswith("application/json")


async def test_what_the_server_cannot_do_is_said_with_the_right_status(api: Api) -> None:
    refused = await post(api, "{ teams { totalCount } }", "text/plain")
    assert refused.status_code == 406
    headers = {**await api.headers(None, None), "Content-Type": "text/plain"}
    unreadable = await api.client.post(
        "/graphql", content="{ teams { totalCount } }", headers=headers
    )
    assert unreadable.status_code == 415
    get = await api.client.get(
        "/graphql",
        params={"query": 'mutation { createTeam(input: {name: "x"}) { id } }'},
        headers=await api.headers(None, None),
    )
    assert get.status_code == 405 and get.headers["allow"] == "POST"
    query = await api.client.get(
        "/graphql",
        params={"query": "{ teams { totalCount } }"},
        headers={**await api.headers(None, None), "Accept": SPEC},
    )
    assert query.status_code == 200 and query.json() == {"data": {"teams": {"totalCount": 0}}}
    assert (await api.data("{ teams { totalCount } }"))["teams"]["totalCount"] == 0


async def test_get_judges_the_operation_that_operation_name_selects(api: Api) -> None:
    document = (
        "query Count { teams { totalCount } } "
        'mutation Create { createTeam(input: {name: "via GET"}) { id } }'
    )
    headers = {**await api.headers(None, None), "Accept": SPEC}
    count = await api.client.get(
        "/graphql", params={"query": document, "operationName": "Count"}, headers=headers
    )
    assert count.status_code == 200 and count.json() == {"data": {"teams": {"totalCount": 0}}}
    create = await api.client.get(
        "/graphql", params={"query": document, "operationName": "Create"}, headers=headers
    )
    assert create.status_code == 405 and create.headers["allow"] == "POST"
    # Nothing was stored by the refused GET.
    assert (await api.data("{ teams { totalCount } }"))["teams"]["totalCount"] == 0
