"""Cascades (vertical alignment) and horizontal alignment."""

from __future__ import annotations

from tests.support.api import OBJECTIVE_FIELDS, Api

TREE = """query($c: ID!) { alignment(cycleId: $c) {
    nodes { depth inCycle parentKeyResultId objective { title } }
    roots { objective { title } children { objective { title }
            children { objective { title } children { objective { title } } } } } } }"""


async def test_cascade_three_levels_deep(api: Api) -> None:
    org = await api.team("Acme")
    eng = await api.team("Engineering", org)
    platform = await api.team("Platform", eng)
    year = await api.year()
    q4 = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31", year)

    company = await api.objective(year, org, "Run the most reliable fleet")
    uptime = await api.key_result(company["id"], "Uptime", startValue=98.5, targetValue=99.9)
    department = await api.objective(
        q4, eng, "Make recovery automatic", parentKeyResultId=uptime["id"]
    )
    failover = await api.key_result(
        department["id"], "Automated failover", startValue=0, targetValue=80
    )
    team = await api.objective(
        q4, platform, "Fail over without a human", parentKeyResultId=failover["id"]
    )
    side = await api.objective(q4, eng, "Hire two SREs")

    data = await api.data(
        "query($id: ID!) { objective(id: $id) { parentKeyResult { title objective { title "
        "parentKeyResult { title objective { title } } } } } }",
        id=team["id"],
    )
    assert data["objective"]["parentKeyResult"] == {
        "title": "Automated failover",
        "objective": {
            "title": "Make recovery automatic",
            "parentKeyResult": {
                "title": "Uptime",
                "objective": {"title": "Run the most reliable fleet"},
            },
        },
    }
    cascaded = await api.data(
        "query($id: ID!) { keyResult(id: $id) { cascadedObjectives { title } } }", id=uptime["id"]
    )
    assert cascaded["keyResult"]["cascadedObjectives"] == [{"title": "Make recovery automatic"}]

    # The quarter's tree reaches up to the annual objective it serves.
    tree = (await api.data(TREE, c=q4))["alignment"]
    assert [(n["depth"], n["objective"]["title"], n["inCycle"]) for n in tree["nodes"]] == [
        (0, "Run the most reliable fleet", False),
        (1, "Make recovery automatic", True),
        (2, "Fail over without a human", True),
        (0, "Hire two SREs", True),
    ]
    root = tree["roots"][0]
    assert root["children"][0]["children"][0]["objective"]["title"] == "Fail over without a human"
    # The year's tree reaches down into the quarters.
    year_tree = (await api.data(TREE, c=year))["alignment"]
    assert [n["objective"]["title"] for n in year_tree["nodes"]] == [
        "Run the most reliable fleet",
        "Make recovery automatic",
        "Fail over without a human",
    ]

    # A cascade may not loop: the company objective cannot hang below its own grandchild.
    team_kr = await api.key_result(team["id"], "Drill time", startValue=30, targetValue=10)
    error = await api.refuse(
        "alignObjective", id=company["id"], expectedVersion=1, parentKeyResultId=team_kr["id"]
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "parentKeyResultId"}
    error = await api.refuse(
        "alignObjective", id=company["id"], expectedVersion=1, parentKeyResultId=uptime["id"]
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "parentKeyResultId"}

    # Re-pointing works and shows in the tree; null removes the parent again.
    moved = await api.mutate(
        "alignObjective",
        OBJECTIVE_FIELDS,
        id=side["id"],
        expectedVersion=1,
        parentKeyResultId=uptime["id"],
    )
    assert moved["parentKeyResultId"] == uptime["id"] and moved["version"] == 2
    tree = (await api.data(TREE, c=q4))["alignment"]
    assert [c["objective"]["title"] for c in tree["roots"][0]["children"]] == [
        "Make recovery automatic",
        "Hire two SREs",
    ]
    cut = await api.mutate(
        "alignObjective",
        "parentKeyResultId version",
        id=side["id"],
        expectedVersion=2,
        parentKeyResultId=None,
    )
    assert cut == {"parentKeyResultId": None, "version": 3}


async def test_horizontal_alignment(api: Api) -> None:
    org = await api.team("Acme")
    sales = await api.team("Sales", org)
    support = await api.team("Support", org)
    year = await api.year()
    win = await api.objective(year, sales, "Win grocery")
    keep = await api.objective(year, support, "Keep grocery", alignedWith=[win["id"]])
    data = await api.data(
        "query($id: ID!) { objective(id: $id) { alignedWith { title } } }", id=keep["id"]
    )
    assert data["objective"]["alignedWith"] == [{"title": "Win grocery"}]
    error = await api.refuse(
        "alignObjective", id=keep["id"], expectedVersion=1, alignedWith=[keep["id"]]
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "alignedWith"}
    cleared = await api.mutate(
        "alignObjective", "version", id=keep["id"], expectedVersion=1, alignedWith=[]
    )
    assert cleared["version"] == 2
    error = await api.error('{ alignment(cycleId: "nope") { nodes { depth } } }')
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "cycleId"}


async def test_concurrent_repointings_never_close_a_loop(api: Api) -> None:
    """A below B and B below A, asked for at once: one lands, the other is a loop."""
    import asyncio

    org = await api.team("Acme")
    year = await api.year()
    align = "mutation($i: AlignObjectiveInput!) { alignObjective(input: $i) { parentKeyResultId } }"
    for round_ in range(6):
        a = await api.objective(year, org, f"A{round_}")
        b = await api.objective(year, org, f"B{round_}")
        kr_a = await api.key_result(a["id"])
        kr_b = await api.key_result(b["id"])
        answers = await asyncio.gather(
            api.post(
                align, {"i": {"id": a["id"], "expectedVersion": 1, "parentKeyResultId": kr_b["id"]}}
            ),
            api.post(
                align, {"i": {"id": b["id"], "expectedVersion": 1, "parentKeyResultId": kr_a["id"]}}
            ),
        )
        refused = [body["errors"][0]["extensions"] for body in answers if body.get("errors")]
        assert refused == [{"code": "BAD_USER_INPUT", "field": "parentKeyResultId"}], answers
        tree = await api.data(TREE.replace("$c: ID!", "$c: ID!"), c=year)
        titles = {n["objective"]["title"] for n in tree["alignment"]["nodes"]}
        assert {f"A{round_}", f"B{round_}"} <= titles  # both still in the tree
