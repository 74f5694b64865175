"""Teams form a tree; cycles are annual, with quarters inside them."""

from __future__ import annotations

from tests.support.api import Api


async def test_teams_form_a_tree(api: Api) -> None:
    org = await api.team("Acme")
    eng = await api.team("Engineering", org)
    await api.team("Platform", eng, stakeUnit="engineer-weeks")

    data = await api.data(
        """{ teams { totalCount edges { node { name stakeUnit parent { name }
              children { name } } } } }"""
    )
    teams = {e["node"]["name"]: e["node"] for e in data["teams"]["edges"]}
    assert data["teams"]["totalCount"] == 3
    assert teams["Acme"]["parent"] is None
    assert [c["name"] for c in teams["Acme"]["children"]] == ["Engineering"]
    assert teams["Platform"]["parent"] == {"name": "Engineering"}
    assert teams["Platform"]["stakeUnit"] == "engineer-weeks"
    assert teams["Engineering"]["stakeUnit"] == "person-days"

    team = await api.data("query($id: ID!) { team(id: $id) { name version createdBy } }", id=eng)
    assert team["team"] == {"name": "Engineering", "version": 1, "createdBy": "admin"}
    missing = await api.data('{ team(id: "no-such-team") { name } }')
    assert missing["team"] is None


async def test_team_input_is_checked(api: Api) -> None:
    error = await api.refuse("createTeam", name="   ")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "name"}
    error = await api.refuse("createTeam", name="Orphans", parentId="nope")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "parentId"}
    assert (await api.data("{ teams { totalCount } }"))["teams"]["totalCount"] == 0


async def test_quarters_lie_inside_their_year(api: Api) -> None:
    year = await api.year("2026")
    q4 = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)
    data = await api.data(
        "query($id: ID!) { cycle(id: $id) { name kind status startsOn endsOn "
        "parent { name } children { name } } }",
        id=q4,
    )
    assert data["cycle"] == {
        "name": "2026-Q4",
        "kind": "QUARTERLY",
        "status": "OPEN",
        "startsOn": "2026-10-01",
        "endsOn": "2026-12-31",
        "parent": {"name": "2026"},
        "children": [],
    }
    year_data = await api.data("query($id: ID!) { cycle(id: $id) { children { name } } }", id=year)
    assert year_data["cycle"]["children"] == [{"name": "2026-Q4"}]

    refusals = [
        (
            {"name": "2026-Q5", "startsOn": "2026-12-01", "endsOn": "2027-02-28", "parentId": year},
            "startsOn",
        ),
        ({"name": "2026-QX", "startsOn": "2026-10-01", "endsOn": "2026-12-31"}, "parentId"),
        (
            {"name": "2026-q4", "startsOn": "2026-10-01", "endsOn": "2026-12-31", "parentId": year},
            "name",
        ),
        (
            {
                "name": "Backwards",
                "startsOn": "2026-10-01",
                "endsOn": "2026-09-30",
                "parentId": year,
            },
            "endsOn",
        ),
        (
            {"name": "Nested", "startsOn": "2026-10-01", "endsOn": "2026-12-31", "parentId": q4},
            "parentId",
        ),
    ]
    for input, field in refusals:
        error = await api.refuse("openCycle", kind="QUARTERLY", **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, input
    error = await api.refuse(
        "openCycle",
        name="2027",
        kind="ANNUAL",
        startsOn="2027-01-01",
        endsOn="2027-12-31",
        parentId=year,
    )
    assert error["extensions"]["field"] == "parentId"

    cycles = await api.data("{ cycles(kind: QUARTERLY) { totalCount nodes { name } } }")
    assert cycles["cycles"] == {"totalCount": 1, "nodes": [{"name": "2026-Q4"}]}


async def test_lists_page_with_stable_cursors(api: Api) -> None:
    for i in range(5):
        await api.team(f"Team {i}")
    query = """query($after: String) { teams(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor } nodes { name } } }"""
    first = (await api.data(query))["teams"]
    assert [n["name"] for n in first["nodes"]] == ["Team 0", "Team 1"]
    assert first["pageInfo"]["hasNextPage"] is True
    await api.team("Team 5")  # arrives while paging: sorts after every cursor
    second = (await api.data(query, after=first["pageInfo"]["endCursor"]))["teams"]
    assert [n["name"] for n in second["nodes"]] == ["Team 2", "Team 3"]
    assert second["totalCount"] == 6

    error = await api.error("{ teams(first: 101) { totalCount } }")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
    error = await api.error('{ teams(after: "bogus") { totalCount } }')
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}
