"""Global object identification (Relay): every entity implements Node, and node(id:)
and nodes(ids:) answer any id another field handed out, through DataLoaders."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLInterfaceType

from gateway.schema import build_schema
from gateway.schema.types.node import NODE_TYPES
from tests.support.api import Api
from tests.support.sql import statements, view_reads

ENTITIES = {"Team", "Cycle", "Objective", "KeyResult", "CheckIn", "Bet", "Portfolio"}
ENTITIES |= {"StrategyMap", "Person"}
ENTITIES |= {"Action"}
ENTITIES |= {"DataSource"}  # issue 17
AS_OF = {"ObjectiveAsOf", "KeyResultAsOf", "CheckInAsOf", "BetAsOf", "PortfolioAsOf"}

FIELDS = """
  __typename id
  ... on Team { name }
  ... on Cycle { name }
  ... on Objective { title }
  ... on KeyResult { title }
  ... on CheckIn { value }
  ... on Bet { title }
  ... on Portfolio { budget teamId }
  ... on StrategyMap { defined cycle { name } }
  ... on Person { handle }
  ... on Action { title }
  ... on DataSource { kind }
"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ {FIELDS} }} }}"
NODES = f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {FIELDS} }} }}"


def test_every_entity_type_implements_node() -> None:
    schema = build_schema()._schema
    node = schema.type_map["Node"]
    assert isinstance(node, GraphQLInterfaceType)
    implementing = {t.name for t in schema.get_possible_types(node)}
    assert implementing == ENTITIES | AS_OF
    # node(id:) finds each of them by the class registered under its GraphQL name.
    assert implementing <= NODE_TYPES.keys()
    query = schema.query_type
    assert query is not None
    assert str(query.fields["node"].type) == "Node"
    assert str(query.fields["nodes"].type) == "[Node]!"
    assert str(query.fields["node"].args["id"].type) == "ID!"


async def organisation(api: Api) -> dict[str, Any]:
    """One of each entity, with the ids the other fields hand out."""
    team, year = await api.team("Acme"), await api.year()
    objective = await api.objective(year, team, "Grow")
    kr = await api.key_result(objective["id"], "NPS", startValue=0, targetValue=10)
    await api.check_in(kr["id"], value=4)
    bet = await api.bet(kr["id"], title="Spike")
    await api.mutate("setStakeBudget", "id", teamId=team, cycleId=year, budget=20)
    await api.mutate("defineStrategyMap", "id", values=["Frugality"])
    idea = await api.mutate("proposeAction", "id", keyResultId=kr["id"], title="Explore")
    source = await api.mutate(
        "connectDataSource",
        "id",
        keyResultId=kr["id"],
        kind="HTTP_JSON",
        schedule="1d",
        url="https://kpi.example/nps.json",
        jsonPath="$.nps",
    )
    found = await api.data(
        """query($k: ID!, $t: ID!, $c: ID!) {
            keyResult(id: $k) { checkIns(first: 1) { nodes { id } } }
            portfolio(teamId: $t, cycleId: $c) { id }
            strategyMap(cycleId: $c) { id }
            everywhere: strategyMap { id } }""",
        k=kr["id"],
        t=team,
        c=year,
    )
    return {
        "Team": (team, {"name": "Acme"}),
        "Cycle": (year, {"name": "2026"}),
        "Objective": (objective["id"], {"title": "Grow"}),
        "KeyResult": (kr["id"], {"title": "NPS"}),
        "CheckIn": (found["keyResult"]["checkIns"]["nodes"][0]["id"], {"value": 4.0}),
        "Bet": (bet["id"], {"title": "Spike"}),
        "Portfolio": (found["portfolio"]["id"], {"budget": 20.0, "teamId": team}),
        "StrategyMap": (found["strategyMap"]["id"], {"defined": True, "cycle": {"name": "2026"}}),
        "everywhere": (found["everywhere"]["id"], {"defined": True, "cycle": None}),
        "Action": (idea["id"], {"title": "Explore"}),
        "DataSource": (source["id"], {"kind": "HTTP_JSON"}),
    }


async def test_node_answers_every_id_the_api_hands_out(api: Api) -> None:
    made = await organisation(api)
    ids = [node_id for node_id, _ in made.values()]
    assert len(set(ids)) == len(ids)  # unique across types (and map scopes)
    for name, (node_id, fields) in made.items():
        answer = await api.data(NODE, id=node_id)
        typename = "StrategyMap" if name == "everywhere" else name
        assert answer["node"] == {"__typename": typename, "id": node_id, **fields}, name

    # Unknown ids, and ids that look like ours but name nothing, answer null.
    objective = made["Objective"][0]
    strangers = [
        "nope",
        "00000000-0000-0000-0000-000000000000",
        f"{objective}.99",
        "999999",
        "S2V5UmVzdWx0QXNPZjpub3BlQG5vdGltZQ==",  # base64 "KeyResultAsOf:nope@notime"
        "UG9ydGZvbGlvOm5vL3N1Y2g=",  # base64 "Portfolio:no/such"
        "U3RyYXRlZ3lNYXA6bm8tY3ljbGU=",  # base64 "StrategyMap:no-cycle"
        "VGVhbTpub3Bl",  # base64 "Team:nope": stored types have no derived ids
        "",
    ]
    answer = await api.data(NODES, ids=[*strangers, made["Team"][0]])
    assert answer["nodes"][:-1] == [None] * len(strangers)
    assert answer["nodes"][-1]["__typename"] == "Team"


async def test_nodes_answer_in_order_with_a_statement_per_view(api: Api) -> None:
    made = await organisation(api)
    ids = [node_id for name, (node_id, _) in made.items() if name != "everywhere"]
    many = [*ids, *ids[::-1], "unknown"]
    async with statements(api.backend.store) as seen:
        answer = await api.data(NODES, ids=many)
    assert [n and n["id"] for n in answer["nodes"]] == [*ids, *ids[::-1], None]
    # One lookup per view that stores entities by id (teams, cycles, objectives,
    # check-ins, bets, people, actions, data sources), shared by every id asked, plus what
    # the portfolio (its bets) and the strategy map (its tallies) read for themselves,
    # each asked twice: not one statement per id.
    reads = view_reads(seen)
    assert len(reads) <= 16, "\n".join(r[:70] for r in reads)
    async with statements(api.backend.store) as seen:
        await api.data(NODES, ids=ids[:1])
    assert len(view_reads(seen)) == 8, view_reads(seen)  # one per stored view


async def test_nodes_refuses_more_than_a_hundred_ids(api: Api) -> None:
    error = await api.error(NODES, ids=["x"] * 101)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "ids"}
    assert (await api.data(NODES, ids=["x"] * 100))["nodes"] == [None] * 100
