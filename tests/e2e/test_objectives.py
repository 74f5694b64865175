"""Objectives: created in an open cycle for a team, edited with optimistic concurrency."""

from __future__ import annotations

import asyncio

from tests.support.api import OBJECTIVE_FIELDS, Api


async def org_and_year(api: Api) -> tuple[str, str]:
    return await api.team("Acme"), await api.year()


async def test_create_and_edit_an_objective(api: Api) -> None:
    team, year = await org_and_year(api)
    created = await api.objective(
        year, team, "  Delight customers  ", kind="COMMITTED", actor="maya"
    )
    assert created["title"] == "Delight customers"
    assert created["kind"] == "COMMITTED"
    assert created["expectedGrade"] == 1.0
    assert created["status"] == "ACTIVE"
    assert created["score"] is None  # no key results yet
    assert created["version"] == 1
    assert created["createdBy"] == "maya"

    updated = await api.mutate(
        "updateObjective",
        OBJECTIVE_FIELDS,
        actor="tom",
        id=created["id"],
        expectedVersion=1,
        description="NPS first",
        kind="ASPIRATIONAL",
    )
    assert updated["version"] == 2
    assert updated["description"] == "NPS first"
    assert updated["title"] == "Delight customers"  # left out: unchanged
    assert updated["expectedGrade"] == 0.7
    assert updated["updatedBy"] == "tom"

    listed = await api.data(
        "query($c: ID!, $t: ID!) { objectives(cycleId: $c, teamId: $t) { totalCount "
        "nodes { id title team { name } cycle { name } } } }",
        c=year,
        t=team,
    )
    assert listed["objectives"]["totalCount"] == 1
    assert listed["objectives"]["nodes"][0]["team"]["name"] == "Acme"
    assert listed["objectives"]["nodes"][0]["cycle"]["name"] == "2026"


async def test_objective_input_is_checked_and_nothing_is_stored(api: Api) -> None:
    team, year = await org_and_year(api)
    head = api.backend.app.recorder.max_notification_id()
    cases = [
        ({"cycleId": year, "teamId": team, "title": " "}, "BAD_USER_INPUT", "title"),
        ({"cycleId": year, "teamId": team, "title": "x" * 201}, "BAD_USER_INPUT", "title"),
        ({"cycleId": "missing", "teamId": team, "title": "T"}, "BAD_USER_INPUT", "cycleId"),
        ({"cycleId": year, "teamId": year, "title": "T"}, "BAD_USER_INPUT", "teamId"),
        (
            {"cycleId": year, "teamId": team, "title": "T", "parentKeyResultId": "nope.1"},
            "BAD_USER_INPUT",
            "parentKeyResultId",
        ),
        (
            {"cycleId": year, "teamId": team, "title": "T", "alignedWith": [team]},
            "BAD_USER_INPUT",
            "alignedWith",
        ),
        # PostgreSQL cannot store NUL; control codes and lone surrogates are no text.
        ({"cycleId": year, "teamId": team, "title": "nul\x00byte"}, "BAD_USER_INPUT", "title"),
        ({"cycleId": year, "teamId": team, "title": "bell\x07"}, "BAD_USER_INPUT", "title"),
        ({"cycleId": year, "teamId": team, "title": "a\ud800b"}, "BAD_USER_INPUT", "title"),
        (
            {"cycleId": year, "teamId": team, "title": "T", "description": "x\x00"},
            "BAD_USER_INPUT",
            "description",
        ),
    ]
    for input, code, field in cases:
        error = await api.refuse("createObjective", **input)
        assert error["extensions"] == {"code": code, "field": field}, input
    assert (await api.data("{ objectives { totalCount } }"))["objectives"]["totalCount"] == 0
    # Nothing was appended by the refusals.
    assert api.backend.app.recorder.max_notification_id() == head


async def test_text_keeps_tabs_newlines_and_any_script(api: Api) -> None:
    team, year = await org_and_year(api)
    created = await api.objective(
        year, team, "Überall 🎯 目標", description="Line one\n\tindented\r\nend"
    )
    assert created["title"] == "Überall 🎯 目標"
    assert created["description"] == "Line one\n\tindented\r\nend"


async def test_title_exactly_200_characters_is_fine(api: Api) -> None:
    team, year = await org_and_year(api)
    created = await api.objective(year, team, "x" * 200)
    assert len(created["title"]) == 200


async def test_stale_edit_is_a_version_conflict(api: Api) -> None:
    team, year = await org_and_year(api)
    objective = await api.objective(year, team)
    await api.mutate(
        "updateObjective", "version", id=objective["id"], expectedVersion=1, title="First edit"
    )
    error = await api.refuse(
        "updateObjective", id=objective["id"], expectedVersion=1, title="Edit from a stale read"
    )
    assert error["extensions"]["code"] == "VERSION_CONFLICT"
    current = await api.data(
        "query($id: ID!) { objective(id: $id) { title version } }", id=objective["id"]
    )
    assert current["objective"] == {"title": "First edit", "version": 2}

    error = await api.refuse(
        "updateObjective",
        id="00000000-0000-0000-0000-000000000000",
        expectedVersion=1,
        title="Ghost",
    )
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    error = await api.refuse("updateObjective", id=objective["id"], expectedVersion=2, title=None)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "title"}


async def test_concurrent_conflicting_edits_one_wins(api: Api) -> None:
    team, year = await org_and_year(api)
    objective = await api.objective(year, team)
    query = (
        "mutation($input: UpdateObjectiveInput!) { updateObjective(input: $input) "
        "{ title version } }"
    )
    results = await asyncio.gather(
        *(
            api.post(
                query,
                {"input": {"id": objective["id"], "expectedVersion": 1, "title": f"Edit {i}"}},
            )
            for i in range(8)
        )
    )
    winners = [r["data"]["updateObjective"] for r in results if r.get("data")]
    losers = [r["errors"][0]["extensions"]["code"] for r in results if r.get("errors")]
    assert len(winners) == 1, results
    assert losers == ["VERSION_CONFLICT"] * 7
    current = await api.data(
        "query($id: ID!) { objective(id: $id) { title version } }", id=objective["id"]
    )
    assert current["objective"] == {"title": winners[0]["title"], "version": 2}


async def test_read_your_writes_on_a_fresh_connection(api: Api) -> None:
    team, year = await org_and_year(api)
    for i in range(5):
        created = await api.objective(year, team, f"Objective {i}")
        # A separate request, straight after the mutation answered, sees it.
        seen = await api.data("query($id: ID!) { objective(id: $id) { title } }", id=created["id"])
        assert seen["objective"] == {"title": f"Objective {i}"}
