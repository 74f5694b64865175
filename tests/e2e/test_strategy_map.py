"""The strategy map: values and constituents, objectives tagged with what they serve."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.support.api import Api
from tests.support.views import built_from_zero, dump

MAP = """query($c: ID) { strategyMap(cycleId: $c) {
    defined version updatedBy cycle { name }
    values { name kind retired served meanScore objectives { title score } teams { name } }
    constituents { name retired served objectives { title } }
    unserved { name kind } untaggedObjectives { title } } }"""
DEFAULT_CONSTITUENTS = ["customers", "employees", "investors", "community", "partners"]


async def strategy_map(api: Api, cycle: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(MAP, c=cycle))["strategyMap"]
    return result


async def tag(api: Api, objective: str, version: int, **tags: Any) -> dict[str, Any]:
    result: dict[str, Any] = await api.mutate(
        "tagObjective", "version values constituents", id=objective, expectedVersion=version, **tags
    )
    return result


async def test_define_tag_and_read_the_strategy_map(api: Api) -> None:
    org = await api.team("Acme")
    eng = await api.team("Engineering", org)
    year = await api.year()
    q4 = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)
    retail = await api.objective(q4, eng, "Ship what retail needs")
    growth = await api.objective(q4, org, "Win mid-size retail")
    await api.objective(q4, org, "Tidy the office")
    archived = await api.objective(q4, org, "Abandoned idea")
    await api.mutate(
        "updateObjective", "status", id=archived["id"], expectedVersion=1, status="ARCHIVED"
    )
    await api.check_in(
        (await api.key_result(retail["id"], startValue=0, targetValue=10))["id"], value=4
    )

    nothing = await strategy_map(api, q4)
    assert nothing["defined"] is False and nothing["version"] == 0
    assert nothing["values"] == [] and nothing["constituents"] == []
    assert nothing["untaggedObjectives"] == []  # nothing to be untagged against yet
    error = await api.refuse("tagObjective", id=retail["id"], expectedVersion=1, values=["Safety"])
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "values"}

    defined = await api.mutate(
        "defineStrategyMap",
        "defined version values { name } constituents { name }",
        actor="maya",
        values=["  Customer obsession ", "Safety first"],
    )
    assert defined == {
        "defined": True,
        "version": 1,
        "values": [{"name": "Customer obsession"}, {"name": "Safety first"}],
        "constituents": [{"name": name} for name in DEFAULT_CONSTITUENTS],
    }

    tagged = await tag(
        api, retail["id"], 1, values=["customer obsession"], constituents=["Customers", "partners"]
    )
    # The map's spelling is kept; the objective's version moves like any edit.
    assert tagged == {
        "version": 2,
        "values": ["Customer obsession"],
        "constituents": ["customers", "partners"],
    }
    assert (await tag(api, growth["id"], 1, constituents=["investors"]))["constituents"] == [
        "investors"
    ]
    # Leaving a list out keeps it; an empty list clears it.
    kept = await tag(api, retail["id"], 2, constituents=["customers"])
    assert kept == {"version": 3, "values": ["Customer obsession"], "constituents": ["customers"]}

    refusals = [
        ({"values": ["Speed"]}, "BAD_USER_INPUT", "values"),
        ({"constituents": ["robots"]}, "BAD_USER_INPUT", "constituents"),
        ({"values": None}, "BAD_USER_INPUT", "values"),
        ({"expectedVersion": 2, "values": []}, "VERSION_CONFLICT", None),
    ]
    for tags, code, field in refusals:
        error = await api.refuse(
            "tagObjective", **{"id": retail["id"], "expectedVersion": 3, **tags}
        )
        assert error["extensions"]["code"] == code, tags
        assert error["extensions"].get("field") == field, tags
    error = await api.refuse("tagObjective", id="nope", expectedVersion=1, values=[])
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}

    seen = await strategy_map(api, q4)
    assert seen["defined"] is True and seen["version"] == 1 and seen["updatedBy"] == "maya"
    assert seen["cycle"] == {"name": "2026-Q4"}
    assert seen["values"] == [
        {
            "name": "Customer obsession",
            "kind": "VALUE",
            "retired": False,
            "served": True,
            "meanScore": 0.4,
            "objectives": [{"title": "Ship what retail needs", "score": 0.4}],
            "teams": [{"name": "Engineering"}],
        },
        {
            "name": "Safety first",
            "kind": "VALUE",
            "retired": False,
            "served": False,
            "meanScore": None,
            "objectives": [],
            "teams": [],
        },
    ]
    assert [(c["name"], [o["title"] for o in c["objectives"]]) for c in seen["constituents"]] == [
        ("customers", ["Ship what retail needs"]),
        ("employees", []),
        ("investors", ["Win mid-size retail"]),
        ("community", []),
        ("partners", []),
    ]
    assert seen["unserved"] == [
        {"name": "Safety first", "kind": "VALUE"},
        {"name": "employees", "kind": "CONSTITUENT"},
        {"name": "community", "kind": "CONSTITUENT"},
        {"name": "partners", "kind": "CONSTITUENT"},
    ]
    # Archived objectives are out of the picture; untagged live ones are listed.
    assert seen["untaggedObjectives"] == [{"title": "Tidy the office"}]
    # Without a cycle: every open cycle's objectives (the year has none).
    assert (await strategy_map(api))["untaggedObjectives"] == [{"title": "Tidy the office"}]
    error = await api.error('{ strategyMap(cycleId: "nope") { defined } }')
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "cycleId"}

    # The map itself is versioned and validated.
    map_refusals = [
        ({"values": ["A", "a"]}, "BAD_USER_INPUT", "values"),
        ({"values": [" "]}, "BAD_USER_INPUT", "values"),
        ({"values": [], "constituents": []}, "BAD_USER_INPUT", "values"),
        ({"constituents": ["x" * 101]}, "BAD_USER_INPUT", "constituents"),
        ({"values": ["A"], "expectedVersion": 0}, "VERSION_CONFLICT", None),
    ]
    for input, code, field in map_refusals:
        error = await api.refuse("defineStrategyMap", **input)
        assert (error["extensions"]["code"], error["extensions"].get("field")) == (code, field)
    assert (await strategy_map(api, q4))["version"] == 1  # nothing was stored

    assert await dump(api.backend.store) == await built_from_zero(
        api.backend.app, api.backend.settings
    )


async def test_revising_the_map_retags_open_objectives_and_keeps_closed_ones(api: Api) -> None:
    team = await api.team("Acme")
    year = await api.year()
    q1 = await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", year)
    q2 = await api.cycle("2026-Q2", "2026-04-01", "2026-06-30", year)
    await api.mutate("defineStrategyMap", "version", values=["Frugality", "Speed"])
    early = await api.objective(q1, team, "Cut cloud costs")
    late = await api.objective(q2, team, "Ship weekly")
    await tag(api, early["id"], 1, values=["Frugality"])
    await tag(api, late["id"], 1, values=["Frugality", "Speed"])
    await api.mutate("closeCycle", "status", id=q1)

    revised = await api.mutate(
        "defineStrategyMap",
        "version values { name } constituents { name }",
        expectedVersion=1,
        values=["speed", "Ownership"],
    )
    assert revised["version"] == 2
    assert [v["name"] for v in revised["values"]] == ["speed", "Ownership"]
    assert [c["name"] for c in revised["constituents"]] == DEFAULT_CONSTITUENTS  # kept

    # The open objective lost the removed value and took the new spelling, in the same save.
    objective = await api.data(
        "query($id: ID!) { objective(id: $id) { values version updatedBy } }", id=late["id"]
    )
    assert objective["objective"] == {"values": ["speed"], "version": 3, "updatedBy": "admin"}
    # The closed one keeps what it served, shown as a retired entry of its cycle's map.
    closed = await strategy_map(api, q1)
    assert [(v["name"], v["retired"], v["served"]) for v in closed["values"]] == [
        ("speed", False, False),
        ("Ownership", False, False),
        ("Frugality", True, True),
    ]
    assert [v["name"] for v in closed["unserved"]] == ["speed", "Ownership", *DEFAULT_CONSTITUENTS]
    error = await api.refuse("tagObjective", id=early["id"], expectedVersion=2, values=[])
    assert error["extensions"]["code"] == "CYCLE_CLOSED"
    stale = await api.refuse("defineStrategyMap", expectedVersion=1, values=["Speed"])
    assert stale["extensions"]["code"] == "VERSION_CONFLICT"


async def test_a_tag_never_outlives_a_value_removed_concurrently(api: Api) -> None:
    """Tagging with a value while another request removes it: either the tag is refused,
    or it lands first and the removal takes it off again. Never a dangling tag."""
    team = await api.team("Acme")
    year = await api.year()
    objectives = [(await api.objective(year, team, f"Objective {i}"))["id"] for i in range(6)]
    for attempt in range(8):
        doomed, kept = f"Doomed {attempt}", f"Kept {attempt}"
        await api.mutate("defineStrategyMap", "version", values=[doomed, kept])
        versions = await api.data(
            "query($c: ID!) { objectives(cycleId: $c) { nodes { id version } } }", c=year
        )
        version = {n["id"]: n["version"] for n in versions["objectives"]["nodes"]}
        tagging = [
            api.post(
                "mutation($i: TagObjectiveInput!) { tagObjective(input: $i) { values } }",
                {"i": {"id": o, "expectedVersion": version[o], "values": [doomed]}},
            )
            for o in objectives
        ]
        removal = api.post(
            "mutation($i: DefineStrategyMapInput!) { defineStrategyMap(input: $i) { version } }",
            {"i": {"values": [kept]}},
        )
        *tags, removed = await asyncio.gather(*tagging, removal)
        assert "errors" not in removed, removed
        for result in tags:
            if result.get("errors"):
                assert result["errors"][0]["extensions"] == {
                    "code": "BAD_USER_INPUT",
                    "field": "values",
                }
        after = await api.data(
            "query($c: ID!) { objectives(cycleId: $c) { nodes { values } } }", c=year
        )
        assert all(n["values"] == [] for n in after["objectives"]["nodes"]), after


async def test_a_team_sets_its_check_in_cadence(api: Api) -> None:
    team = await api.team("Acme")
    data = await api.data(
        "query($id: ID!) { team(id: $id) { checkInCadenceDays version } }", id=team
    )
    assert data["team"] == {"checkInCadenceDays": None, "version": 1}
    weekly = await api.mutate(
        "setCheckInCadence", "checkInCadenceDays version", teamId=team, days=7
    )
    assert weekly == {"checkInCadenceDays": 7, "version": 2}
    for days in (0, 367):
        error = await api.refuse("setCheckInCadence", teamId=team, days=days)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "days"}
    error = await api.refuse("setCheckInCadence", teamId=team, days=3, expectedVersion=1)
    assert error["extensions"]["code"] == "VERSION_CONFLICT"
    error = await api.refuse("setCheckInCadence", teamId="nope", days=3)
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "teamId"}
    default = await api.mutate("setCheckInCadence", "checkInCadenceDays version", teamId=team)
    assert default == {"checkInCadenceDays": None, "version": 3}
