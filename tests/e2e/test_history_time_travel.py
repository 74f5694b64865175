"""Time travel: the plan as it was recorded at a past moment, rebuilt from the log.

The past answers under fields and types of their own (``keyResultAsOf`` answers a
``KeyResultAsOf``), each with an id of its own, so that no client cache mistakes it for
the present; what they show is compared here with what the present fields show."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from tests.support.api import Api

KR = """
    id title weight startValue targetValue currentValue asOf confidence score version
    createdBy checkIns(first: 10) { nodes { value asOf } }
"""
AT = f"""
query($kr: ID!, $objective: ID!, $cycle: ID!, $at: DateTime!) {{
  keyResult: keyResultAsOf(id: $kr, asOf: $at) {{ {KR} }}
  objective: objectiveAsOf(id: $objective, asOf: $at) {{
    id title version score keyResults {{ {KR} }}
  }}
  objectives: objectivesAsOf(cycleId: $cycle, asOf: $at) {{
    totalCount nodes {{ id: entityId title }} }}
}}
"""
NOW = f"""
query($kr: ID!, $objective: ID!, $cycle: ID!) {{
  keyResult(id: $kr) {{ {KR} }}
  objective(id: $objective) {{ id title version score keyResults {{ {KR} }} }}
  objectives(cycleId: $cycle) {{ totalCount nodes {{ id title }} }}
}}
"""


def present(answer: Any) -> Any:
    """An answer given asOf as the present would show it: its own ids dropped (the
    entity's id is entityId; ids of the past are checked apart)."""
    if isinstance(answer, dict):
        return {k: present(v) for k, v in answer.items() if k not in ("id", "seenAt")}
    if isinstance(answer, list):
        return [present(v) for v in answer]
    return answer
TODAY = date.today()


def earlier(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


async def moment_of(api: Api, entity: str, event_type: str) -> datetime:
    """When the event was recorded, as the audit trail says."""
    data = await api.data(
        """query($id: ID!, $types: [String!]) {
             auditTrail(filter: { entityId: $id, eventTypes: $types }, first: 1) {
               nodes { recordedAt } } }""",
        id=entity,
        types=[event_type],
    )
    return datetime.fromisoformat(data["auditTrail"]["nodes"][0]["recordedAt"])


def just_before(moment: datetime) -> str:
    return (moment - timedelta(microseconds=1)).isoformat()


async def lowered(api: Api) -> dict[str, str]:
    team, year = await api.team("Acme"), await api.year(str(TODAY.year))
    objective = (await api.objective(year, team, "Grow"))["id"]
    kr = (await api.key_result(objective, "NPS", startValue=20, targetValue=50))["id"]
    await api.check_in(kr, value=35, confidence=0.6, asOf=earlier(7))
    await api.mutate(
        "updateKeyResult", "id", id=kr, expectedVersion=2, targetValue=40, reason="Budget cut"
    )
    return {"team": team, "year": year, "objective": objective, "kr": kr}


async def at(api: Api, ids: dict[str, str], moment: str | None) -> dict[str, Any]:
    """The answers as of ``moment``, or (None) those of the present fields."""
    variables = {"kr": ids["kr"], "objective": ids["objective"], "cycle": ids["year"]}
    if moment is None:
        result: dict[str, Any] = await api.data(NOW, **variables)
        return result
    return await api.data(AT, **variables, at=moment)


async def test_a_target_before_and_after_it_changed(api: Api) -> None:
    ids = await lowered(api)
    changed = await moment_of(api, ids["kr"], "KeyResultTargetChanged")
    before = await at(api, ids, just_before(changed))
    assert before["keyResult"]["targetValue"] == 50
    assert before["keyResult"]["score"] == 0.5  # (35 − 20) / (50 − 20)
    assert before["objective"]["keyResults"][0]["targetValue"] == 50
    assert before["objective"]["score"] == 0.5
    after = await at(api, ids, changed.isoformat())
    assert after["keyResult"]["targetValue"] == 40
    assert after["keyResult"]["score"] == 0.75  # (35 − 20) / (40 − 20)
    assert after["keyResult"]["version"] == before["keyResult"]["version"] + 1
    # Now is the present: exactly what the current views say.
    rebuilt = await at(api, ids, (datetime.now().astimezone() + timedelta(seconds=1)).isoformat())
    assert present(rebuilt) == present(await at(api, ids, None))


async def test_nothing_exists_before_it_was_created(api: Api) -> None:
    ids = await lowered(api)
    created = await moment_of(api, ids["objective"], "ObjectiveCreated")
    added = await moment_of(api, ids["kr"], "KeyResultAdded")
    before = await at(api, ids, just_before(created))
    assert before["objective"] is None and before["keyResult"] is None
    assert before["objectives"] == {"totalCount": 0, "nodes": []}
    between = await at(api, ids, just_before(added))
    assert between["keyResult"] is None
    assert between["objective"]["keyResults"] == [] and between["objective"]["score"] is None
    assert between["objectives"]["nodes"] == [{"id": ids["objective"], "title": "Grow"}]


async def test_what_we_believed_then_about_an_earlier_day(api: Api) -> None:
    """Bitemporal: a check-in backdated later is not known before it was recorded."""
    ids = await lowered(api)
    await api.check_in(ids["kr"], value=38, confidence=0.7, asOf=earlier(3))
    known = await moment_of(api, ids["kr"], "CheckInRecorded")
    await api.check_in(ids["kr"], value=30, confidence=0.4, asOf=earlier(5))  # backdated
    then = (await at(api, ids, known.isoformat()))["keyResult"]
    assert then["currentValue"] == 38 and then["asOf"] == earlier(3)
    assert [c["value"] for c in then["checkIns"]["nodes"]] == [38, 35]
    now = (await at(api, ids, None))["keyResult"]
    assert now["currentValue"] == 38  # the backdated one is older news
    assert [c["value"] for c in now["checkIns"]["nodes"]] == [38, 30, 35]


async def test_alignment_and_portfolio_as_they_were(api: Api) -> None:
    ids = await lowered(api)
    child_team = await api.team("Sales", ids["team"])
    child = await api.objective(ids["year"], child_team, "Sell", parentKeyResultId=ids["kr"])
    await api.mutate("setStakeBudget", "teamId", teamId=child_team, cycleId=ids["year"], budget=20)
    kr = (await api.key_result(child["id"], "Deals", startValue=0, targetValue=5))["id"]
    await api.bet(kr, stake=5)
    aligned = await moment_of(api, child["id"], "ObjectiveCreated")
    await api.mutate(
        "alignObjective", "id", id=child["id"], expectedVersion=1, parentKeyResultId=None
    )
    await api.mutate("setStakeBudget", "teamId", teamId=child_team, cycleId=ids["year"], budget=30)
    await api.bet(kr, stake=7)

    fields = "nodes { depth objective { title } }"
    tree = f"""query($c: ID!, $at: DateTime!) {{ alignment: alignmentAsOf(cycleId: $c,
        asOf: $at) {{ {fields} }} }}"""
    then = await api.data(tree, c=ids["year"], at=aligned.isoformat())
    assert then["alignment"]["nodes"] == [
        {"depth": 0, "objective": {"title": "Grow"}},
        {"depth": 1, "objective": {"title": "Sell"}},
    ]
    now = await api.data(
        f"query($c: ID!) {{ alignment(cycleId: $c) {{ {fields} }} }}", c=ids["year"]
    )
    assert [n["depth"] for n in now["alignment"]["nodes"]] == [0, 0]
    now_at = await api.data(tree, c=ids["year"], at=datetime.now().astimezone().isoformat())
    assert now_at == now

    fields = "budget staked available version bets { stake status }"
    portfolio = f"""query($t: ID!, $c: ID!, $at: DateTime!) {{
        portfolio: portfolioAsOf(teamId: $t, cycleId: $c, asOf: $at) {{ {fields} }} }}"""
    placed = await moment_of(api, kr, "KeyResultAdded")
    early = await api.data(portfolio, t=child_team, c=ids["year"], at=placed.isoformat())
    assert early["portfolio"] == {
        "budget": 20.0,
        "staked": 0.0,
        "available": 20.0,
        "version": 2,
        "bets": [],
    }
    current = await api.data(
        f"query($t: ID!, $c: ID!) {{ portfolio(teamId: $t, cycleId: $c) {{ {fields} }} }}",
        t=child_team,
        c=ids["year"],
    )
    assert current["portfolio"]["budget"] == 30 and current["portfolio"]["staked"] == 12
    later = datetime.now().astimezone().isoformat()
    assert await api.data(portfolio, t=child_team, c=ids["year"], at=later) == current


async def test_the_present_rebuilt_matches_the_views(api: Api) -> None:
    """Rebuilding from the log and projecting the log agree, field for field."""
    ids = await lowered(api)
    await api.check_in(ids["kr"], value=39, confidence=0.9, note="Nearly")
    steps = await api.key_result(ids["objective"], "Launch", milestones=["A", "B"], weight=2)
    await api.check_in(steps["id"], milestonesDone=1)
    fields = """id title description kind status score grade version createdAt createdBy
        updatedAt updatedBy cycleId teamId values constituents carryOverCount
        keyResults { id title weight measure startValue targetValue unit currentValue
          milestonesDone milestones { title done } confidence asOf score finalGrade
          originalGrade version createdAt createdBy }"""
    now = await api.data(
        f"query($id: ID!) {{ objective(id: $id) {{ {fields} }} }}", id=ids["objective"]
    )
    rebuilt = await api.data(
        f"""query($id: ID!, $at: DateTime!) {{
            objective: objectiveAsOf(id: $id, asOf: $at) {{ {fields} }} }}""",
        id=ids["objective"],
        at=datetime.now().astimezone().isoformat(),
    )
    assert present(rebuilt) == present(now)


async def test_an_answer_given_as_of_has_an_identity_of_its_own(api: Api) -> None:
    """The past and the present of one key result are two objects to a client cache:
    distinct typename and id; the same moment, however spelled, is the same id; and
    node(id:) answers each again."""
    ids = await lowered(api)
    changed = await moment_of(api, ids["kr"], "KeyResultTargetChanged")
    query = """query($kr: ID!, $then: DateTime!, $again: DateTime!) {
        now: keyResult(id: $kr) { __typename id targetValue }
        then: keyResultAsOf(id: $kr, asOf: $then) {
            __typename id entityId seenAt targetValue
            checkIns(first: 1) { nodes { __typename id entityId seenAt value } } }
        again: keyResultAsOf(id: $kr, asOf: $again) { id }
        objective: objectiveAsOf(id: $kr, asOf: $then) { id }
    }"""
    moment = changed - timedelta(microseconds=1)
    data = await api.data(
        query,
        kr=ids["kr"],
        then=moment.isoformat(),
        again=moment.astimezone(timezone(timedelta(hours=-5))).isoformat(),
    )
    now, then = data["now"], data["then"]
    assert now == {"__typename": "KeyResult", "id": ids["kr"], "targetValue": 40}
    assert then["__typename"] == "KeyResultAsOf" and then["targetValue"] == 50
    assert then["entityId"] == ids["kr"] and then["id"] != ids["kr"]
    assert datetime.fromisoformat(then["seenAt"]) == moment
    assert data["again"]["id"] == then["id"]  # the same instant in another zone
    assert data["objective"] is None  # a key result's id names no objective
    check_in = then["checkIns"]["nodes"][0]
    assert check_in["__typename"] == "CheckInAsOf" and check_in["value"] == 35
    assert check_in["id"] != check_in["entityId"] and check_in["seenAt"] == then["seenAt"]

    again = await api.data(
        """query($ids: [ID!]!) { nodes(ids: $ids) {
            __typename id ... on KeyResultAsOf { targetValue }
            ... on CheckInAsOf { value } ... on KeyResult { targetValue } } }""",
        ids=[then["id"], check_in["id"], ids["kr"]],
    )
    assert again["nodes"] == [
        {"__typename": "KeyResultAsOf", "id": then["id"], "targetValue": 50},
        {"__typename": "CheckInAsOf", "id": check_in["id"], "value": 35},
        {"__typename": "KeyResult", "id": ids["kr"], "targetValue": 40},
    ]
    # Before the key result existed there is nothing to answer, by field or by id.
    created = await moment_of(api, ids["objective"], "ObjectiveCreated")
    early = await api.data(
        "query($o: ID!, $at: DateTime!) { objectiveAsOf(id: $o, asOf: $at) { id } }",
        o=ids["objective"],
        at=just_before(created),
    )
    assert early == {"objectiveAsOf": None}
