"""Relay cursor connections: every list that grows pages, top-level and nested."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLType

from gateway.schema import build_schema
from tests.support.api import Api

PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount"

# Lists that stay plain lists, and why they cannot grow without bound. A new list
# field must either be a connection or be added here with its reason.
BOUNDED = {
    "Objective.keyResults": "an objective has a handful of key results (the audit flags > 5)",
    "Objective.children": "one level of cascade below a handful of key results",
    "Objective.alignedWith": "chosen by hand, a few at most",
    "Objective.bets": "bets on its key results within one cycle",
    "Objective.values": "tags from the strategy map",
    "Objective.constituents": "tags from the strategy map",
    "KeyResult.bets": "bets placed during the key result's one cycle",
    "KeyResult.cascadedObjectives": "objectives of the level below, within one cycle",
    "KeyResult.milestones": "fixed when the key result is defined",
    "Team.children": "the teams directly below one team",
    "Cycle.children": "the four quarters of a year",
    "Portfolio.bets": "one team's bets in one cycle, within its stake budget",
    "KeyResult.gradeCorrections": "regrades of one key result after its cycle closed",
    "AuditEntry.changes": "the fields one event changed",
    "ScoreTrend.points": "one per day or week of the range, at most 400",
    "Query.nodes": "the objects asked for by id, at most 100",
    "Team.members": "the people of one team",
    "Objective.contributors": "chosen by hand, at most 50",
    "KeyResult.contributors": "chosen by hand, at most 50",
    "Bet.contributors": "chosen by hand, at most 50",
    "Person.memberships": "the teams one person belongs to",
    # What one person owns: a handful a cycle, and cycleId (status for bets) narrows it
    # to one. The issue's contract selects them as lists: me { ownedKeyResults { title } }.
    "Person.ownedObjectives": "a person's objectives: a few a cycle",
    "Person.ownedKeyResults": "a person's key results: a few a cycle",
    "Person.ownedBets": "a person's bets: a few a cycle",
    "Person.checkInsDue": "a person's key results of the open cycles, at most",
    # Actions (issue 15): across the organisation they are the actions connection.
    "KeyResult.actions": "one key result's backlog within its one cycle, in the team's order",
    "Action.collaborations": "offers from other teams, one live offer per team",
    "Bet.collaborators": "its action's accepted offers, one per team",
    "Portfolio.suggestedOrder": "one team's estimated ideas in one cycle",
    # Corrections (issue 14): a key result's milestones, and a team's units.
    "CheckIn.doneMilestones": "indices of the key result's milestones, fixed when defined",
    "Portfolio.expectedValueByUnit": "one amount per unit of the team's key results",
    "Portfolio.realisedImpactByUnit": "one amount per unit of the team's key results",
    # Notifications (issue 16).
    "Person.mutedChannels": "the channels there are (EMAIL, WEBHOOK)",
    "Webhook.eventTypes": "the patterns one webhook was given, chosen by hand",
}
# Reports computed for one cycle, sized by it: their lists are the report.
REPORTS = {
    "Alignment",
    "AlignmentNode",
    "AlignmentAsOf",
    "AlignmentNodeAsOf",
    "StrategyMap",
    "StrategyEntry",
    "AlignmentAudit",
    "Retrospective",
    "Scorecard",
    "BetTally",
}


def named(kind: GraphQLType) -> Any:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind


def is_list(kind: GraphQLType) -> bool:
    while isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    return isinstance(kind, GraphQLList)


def test_every_list_that_grows_is_a_connection() -> None:
    schema = build_schema()._schema
    own = {n: t for n, t in schema.type_map.items() if isinstance(t, GraphQLObjectType)}
    connections = {n for n in own if n.endswith("Connection")}
    assert {"TeamConnection", "CycleConnection", "ObjectiveConnection"} <= connections
    assert "CheckInConnection" in connections
    for name in connections:
        fields = own[name].fields
        assert {"edges", "nodes", "pageInfo", "totalCount"} <= fields.keys(), name
        edge = named(fields["edges"].type)
        assert {"cursor", "node"} <= edge.fields.keys(), name

    unbounded = []
    for type_name, kind in own.items():
        if type_name.startswith("__") or type_name in REPORTS:
            continue
        if type_name.endswith(("Connection", "Edge")):
            continue
        for field_name, field in kind.fields.items():
            where = f"{type_name}.{field_name}"
            # An answer given asOf holds what the entity held: bounded alike.
            present = f"{type_name.removesuffix('AsOf')}.{field_name}"
            if is_list(field.type) and not {where, present} & BOUNDED.keys():
                unbounded.append(where)
    assert unbounded == [], f"make these connections, or say in BOUNDED why: {unbounded}"
    # Every connection pages both ways (Relay's first/after and last/before).
    for type_name, kind in own.items():
        for field_name, field in kind.fields.items():
            if named(field.type).name in connections:
                assert {"first", "after", "last", "before"} <= field.args.keys(), (
                    f"{type_name}.{field_name}"
                )


async def test_check_ins_page_latest_first_and_cursors_survive_backdating(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"], startValue=0, targetValue=100)
    today = date.today()
    days = [20, 18, 16, 14, 12, 10, 8]
    for n, ago in enumerate(days):
        await api.check_in(kr["id"], value=n, asOf=str(today - timedelta(days=ago)))
    query = f"""query($k: ID!, $a: String) {{ keyResult(id: $k) {{
        checkIns(first: 3, after: $a) {{ edges {{ cursor node {{ value asOf }} }} {PAGE} }} }} }}"""

    first = (await api.data(query, k=kr["id"], a=None))["keyResult"]["checkIns"]
    assert [e["node"]["value"] for e in first["edges"]] == [6, 5, 4]
    assert first["totalCount"] == 7
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]

    # A check-in backdated before the page boundary, and news after it, arrive.
    await api.check_in(kr["id"], value=100, asOf=str(today - timedelta(days=15)))
    await api.check_in(kr["id"], value=200, asOf=str(today))
    cursor = first["pageInfo"]["endCursor"]
    second = (await api.data(query, k=kr["id"], a=cursor))["keyResult"]["checkIns"]
    # The page continues where the first stopped: the news sorts before the cursor,
    # the backdated one takes its place by asOf.
    assert [e["node"]["value"] for e in second["edges"]] == [3, 100, 2]
    assert second["totalCount"] == 9 and second["pageInfo"]["hasPreviousPage"]
    third = await api.data(query, k=kr["id"], a=second["pageInfo"]["endCursor"])
    rest = third["keyResult"]["checkIns"]
    assert [e["node"]["value"] for e in rest["edges"]] == [1, 0]
    assert not rest["pageInfo"]["hasNextPage"]


async def test_teams_and_cycles_page_their_objectives(api: Api) -> None:
    acme, other, year = await api.team("Acme"), await api.team("Other"), await api.year()
    q1 = await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", parent=year)
    titles = [f"Objective {n}" for n in range(5)]
    for title in titles:
        await api.objective(q1, acme, title)
    await api.objective(year, acme, "Annual")
    await api.objective(q1, other, "Theirs")
    query = f"""query($t: ID!, $c: ID!, $a: String) {{
        team(id: $t) {{
            inQuarter: objectives(cycleId: $c, first: 2, after: $a) {{
                nodes {{ title }} {PAGE} }}
            all: objectives {{ totalCount }} }}
        cycle(id: $c) {{
            mine: objectives(teamId: $t, first: 10) {{ totalCount nodes {{ title }} }}
            everyone: objectives {{ totalCount }} }} }}"""
    seen: list[str] = []
    after = None
    while True:
        data = await api.data(query, t=acme, c=q1, a=after)
        page = data["team"]["inQuarter"]
        assert page["totalCount"] == 5
        seen += [n["title"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == titles
    assert data["team"]["all"]["totalCount"] == 6
    assert data["cycle"]["mine"]["totalCount"] == 5
    assert [n["title"] for n in data["cycle"]["mine"]["nodes"]] == titles
    assert data["cycle"]["everyone"]["totalCount"] == 6

    # The nested cursors are those of the top-level list: one can go on in the other.
    top = await api.data(
        "query($c: ID!, $t: ID!) { objectives(cycleId: $c, teamId: $t, first: 2) "
        "{ pageInfo { endCursor } } }",
        c=q1,
        t=acme,
    )
    nested = await api.data(
        "query($t: ID!, $c: ID!, $a: String) { team(id: $t) "
        "{ objectives(cycleId: $c, first: 1, after: $a) { nodes { title } } } }",
        t=acme,
        c=q1,
        a=top["objectives"]["pageInfo"]["endCursor"],
    )
    assert nested["team"]["objectives"]["nodes"] == [{"title": "Objective 2"}]


async def test_pages_hold_at_most_a_hundred_and_cursors_are_checked(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year()
    kr = await api.key_result((await api.objective(year, team))["id"])
    await api.check_in(kr["id"], value=30)
    too_many = [
        ("{ teams(first: 101) { totalCount } }", {}),
        ("query($t: ID!) { team(id: $t) { objectives(first: 101) { totalCount } } }", {"t": team}),
        (
            "query($k: ID!) { keyResult(id: $k) { checkIns(first: 101) { totalCount } } }",
            {"k": kr["id"]},
        ),
        (
            "query($k: ID!) { keyResult(id: $k) { checkIns(first: -1) { totalCount } } }",
            {"k": kr["id"]},
        ),
    ]
    for query, variables in too_many:
        error = await api.error(query, **variables)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}, query
    assert (await api.data("{ teams(first: 100) { totalCount } }"))["teams"]["totalCount"] == 1

    pos_cursor = (await api.data("{ teams(first: 1) { pageInfo { endCursor } } }"))["teams"][
        "pageInfo"
    ]["endCursor"]
    for cursor in ("garbage", pos_cursor):
        error = await api.error(
            "query($k: ID!, $a: String) { keyResult(id: $k) "
            "{ checkIns(after: $a) { totalCount } } }",
            k=kr["id"],
            a=cursor,
        )
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after"}


async def walk(api: Api, query: str, path: list[str], backward: bool, **variables: Any) -> Any:
    """Every item of a connection, page by page of two, from its start (first/after)
    or from its end (last/before); and each page's pageInfo."""
    items: list[Any] = []
    infos: list[dict[str, Any]] = []
    cursor = None
    while True:
        paging = {"last": 2, "before": cursor} if backward else {"first": 2, "after": cursor}
        data = await api.data(query, **variables, **paging)
        for key in path:
            data = data[key]
        nodes = [edge["node"] for edge in data["edges"]]
        items = nodes + items if backward else items + nodes
        infos.append(data["pageInfo"])
        more = data["pageInfo"]["hasPreviousPage" if backward else "hasNextPage"]
        if not more:
            return items, infos
        cursor = data["pageInfo"]["startCursor" if backward else "endCursor"]


PAGED = (
    "edges { cursor node { FIELDS } } "
    "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
)
ARGS = "first: $first, after: $after, last: $last, before: $before"
VARS = "$first: Int, $after: String, $last: Int, $before: String"


async def test_every_connection_pages_backward_too(api: Api) -> None:
    """last/before walk each list from its end, page by page, to what first/after
    walk from its start; pageInfo as the Relay specification says."""
    acme, year = await api.team("Acme"), await api.year()
    for n in range(2):
        await api.team(f"Team {n}", acme)
    q1 = await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", parent=year)
    await api.cycle("2026-Q2", "2026-04-01", "2026-06-30", parent=year)
    for n in range(5):
        await api.objective(q1, acme, f"Objective {n}")
    kr = await api.key_result((await api.objective(year, acme, "Annual"))["id"])
    today = date.today()
    for n in range(5):
        await api.check_in(kr["id"], value=n, asOf=str(today - timedelta(days=10 - n)))
    moment = (datetime.now(UTC) + timedelta(seconds=1)).isoformat()

    lists = {
        "teams": (f"query({VARS}) {{ teams({ARGS}) {{ {PAGED} }} }}", ["teams"], {}),
        "cycles": (f"query({VARS}) {{ cycles({ARGS}) {{ {PAGED} }} }}", ["cycles"], {}),
        "objectives": (
            f"query({VARS}, $c: ID!) {{ objectives(cycleId: $c, {ARGS}) {{ {PAGED} }} }}",
            ["objectives"],
            {"c": q1},
        ),
        "objectivesAsOf": (
            f"query({VARS}, $c: ID!, $at: DateTime!) {{ objectivesAsOf(cycleId: $c, "
            f"asOf: $at, {ARGS}) {{ {PAGED.replace('FIELDS', 'entityId')} }} }}",
            ["objectivesAsOf"],
            {"c": q1, "at": moment},
        ),
        "team.objectives": (
            f"query({VARS}, $t: ID!) {{ team(id: $t) {{ objectives({ARGS}) {{ {PAGED} }} }} }}",
            ["team", "objectives"],
            {"t": acme},
        ),
        "cycle.objectives": (
            f"query({VARS}, $c: ID!) {{ cycle(id: $c) {{ objectives({ARGS}) {{ {PAGED} }} }} }}",
            ["cycle", "objectives"],
            {"c": q1},
        ),
        "keyResult.checkIns": (
            f"query({VARS}, $k: ID!) {{ keyResult(id: $k) {{ checkIns({ARGS}) "
            f"{{ {PAGED.replace('FIELDS', 'value')} }} }} }}",
            ["keyResult", "checkIns"],
            {"k": kr["id"]},
        ),
        "auditTrail": (
            f"query({VARS}) {{ auditTrail({ARGS}) {{ {PAGED.replace('FIELDS', 'position')} }} }}",
            ["auditTrail"],
            {},
        ),
        "auditTrail oldest first": (
            f"query({VARS}) {{ auditTrail(order: OLDEST_FIRST, {ARGS}) "
            f"{{ {PAGED.replace('FIELDS', 'position')} }} }}",
            ["auditTrail"],
            {},
        ),
    }
    for name, (query, path, variables) in lists.items():
        query = query.replace("FIELDS", "id")
        forward, ahead = await walk(api, query, path, False, **variables)
        backward, behind = await walk(api, query, path, True, **variables)
        assert len(forward) >= 3, name
        assert backward == forward, name
        # Backward, hasPreviousPage is exact: true on every page but the first one.
        assert [i["hasPreviousPage"] for i in behind] == [True] * (len(behind) - 1) + [False]
        # and hasNextPage says whether the page was asked for before a cursor.
        assert [i["hasNextPage"] for i in behind] == [False] + [True] * (len(behind) - 1)
        assert [i["hasNextPage"] for i in ahead] == [True] * (len(ahead) - 1) + [False]

        # Between two cursors: what lies strictly between, from either end.
        everything = await api.data(query, **variables, first=100)
        for key in path:
            everything = everything[key]
        edges = everything["edges"]
        after, before = edges[0]["cursor"], edges[-1]["cursor"]
        inside = [e["node"] for e in edges[1:-1]]
        for paging in ({"first": 100}, {"last": 100}, {"first": 1}, {"last": 1}):
            page = await api.data(query, **variables, after=after, before=before, **paging)
            for key in path:
                page = page[key]
            expected = inside if 100 in paging.values() else (
                inside[:1] if "first" in paging else inside[-1:]
            )
            assert [e["node"] for e in page["edges"]] == expected, (name, paging)
            info = page["pageInfo"]
            crowded = len(inside) > 1 and 1 in paging.values()
            if "first" in paging:
                assert info["hasNextPage"] is crowded, (name, paging)
            else:
                assert info["hasPreviousPage"] is crowded, (name, paging)


async def test_first_and_last_together_are_refused(api: Api) -> None:
    await api.team("Acme")
    error = await api.error("{ teams(first: 1, last: 1) { totalCount } }")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "last"}
    for query in ("{ teams(last: 101) { totalCount } }", "{ teams(last: -1) { totalCount } }"):
        error = await api.error(query)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "last"}
    error = await api.error('{ teams(before: "garbage") { totalCount } }')
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "before"}
    page = await api.data("{ teams(last: 0) { edges { cursor } pageInfo { hasPreviousPage } } }")
    assert page["teams"] == {"edges": [], "pageInfo": {"hasPreviousPage": True}}
