"""Score trends: placed by the check-ins' asOf, with the weights and targets of each day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.support.api import Api

TREND = """
query($kr: ID, $objective: ID, $team: ID, $cycle: ID, $from: Date, $to: Date,
      $bucket: TrendBucket) {
  scoreTrend(keyResultId: $kr, objectiveId: $objective, teamId: $team, cycleId: $cycle,
             from: $from, to: $to, bucket: $bucket) {
    bucket startsOn endsOn points { at score confidence scoreBand }
    keyResult { id } objective { id } team { id }
  }
}
"""

TODAY = date.today()


def day(offset: int) -> str:
    return (TODAY + timedelta(days=offset)).isoformat()


async def trend(api: Api, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(TREND, **variables))["scoreTrend"]
    return result


def by_day(result: dict[str, Any]) -> dict[int, tuple[float | None, float | None]]:
    """Points keyed by their offset from today."""
    return {
        (date.fromisoformat(p["at"]) - TODAY).days: (p["score"], p["confidence"])
        for p in result["points"]
    }


async def trended_objective(api: Api) -> dict[str, str]:
    """One objective with two key results; its second is retargeted and reweighted today."""
    team = await api.team("Acme")
    cycle = await api.mutate(
        "openCycle", "id", name="Trend year", kind="ANNUAL", startsOn=day(-60), endsOn=day(30)
    )
    objective = (await api.objective(cycle["id"], team, "Grow"))["id"]
    up = (await api.key_result(objective, "Signups", startValue=0, targetValue=100))["id"]
    down = (await api.key_result(objective, "Churn", startValue=10, targetValue=0, weight=3))["id"]
    await api.check_in(up, value=20, confidence=0.5, asOf=day(-10))
    await api.check_in(up, value=50, confidence=0.7, asOf=day(-3))
    await api.check_in(down, value=5, confidence=0.9, asOf=day(-5))
    return {"team": team, "cycle": cycle["id"], "objective": objective, "up": up, "down": down}


async def test_a_backdated_check_in_changes_the_trend_at_its_own_date(api: Api) -> None:
    ids = await trended_objective(api)
    window = {"from": day(-12), "to": day(0), "bucket": "DAY"}
    before = by_day(await trend(api, kr=ids["up"], **window))
    assert before[-7] == (0.2, 0.5)
    await api.check_in(ids["up"], value=30, confidence=0.6, asOf=day(-7))  # recorded now
    after = await trend(api, kr=ids["up"], **window)
    assert after["keyResult"] == {"id": ids["up"]} and after["objective"] is None
    assert by_day(after) == {
        -12: (0.0, None),
        -11: (0.0, None),
        -10: (0.2, 0.5),
        -9: (0.2, 0.5),
        -8: (0.2, 0.5),
        -7: (0.3, 0.6),
        -6: (0.3, 0.6),
        -5: (0.3, 0.6),
        -4: (0.3, 0.6),
        -3: (0.5, 0.7),
        -2: (0.5, 0.7),
        -1: (0.5, 0.7),
        0: (0.5, 0.7),
    }
    assert after["points"][3]["scoreBand"] == "RED"


async def test_objective_trends_roll_up_by_the_weights_of_each_day(api: Api) -> None:
    ids = await trended_objective(api)
    await api.check_in(ids["up"], value=30, confidence=0.6, asOf=day(-7))
    kr = await api.data("query($id: ID!) { keyResult(id: $id) { version } }", id=ids["down"])
    await api.mutate(
        "updateKeyResult",
        "id",
        id=ids["down"],
        expectedVersion=kr["keyResult"]["version"],
        targetValue=5,
        weight=1,
        reason="Half the churn was one customer leaving",
    )
    result = await trend(
        api, objective=ids["objective"], **{"from": day(-12), "to": day(0)}, bucket="DAY"
    )
    assert result["objective"] == {"id": ids["objective"]}
    points = by_day(result)
    # Until today Churn weighs 3 and aims at 0 (5 of 10 is 0.5); today it weighs 1, aims at 5.
    assert points[-12] == (0.0, None)
    assert points[-10] == (0.05, 0.5)  # (0.2 + 3 × 0) / 4
    assert points[-7] == (0.075, 0.6)  # (0.3 + 3 × 0) / 4
    assert points[-5] == (0.45, 0.825)  # (0.3 + 3 × 0.5) / 4; (0.6 + 3 × 0.9) / 4
    assert points[-3] == (0.5, 0.85)  # (0.5 + 1.5) / 4; (0.7 + 2.7) / 4
    assert points[-1] == (0.5, 0.85)
    assert points[0] == (0.75, 0.8)  # (0.5 + 1.0) / 2; (0.7 + 0.9) / 2

    weekly = await trend(api, objective=ids["objective"], **{"from": day(-12), "to": day(0)})
    assert weekly["bucket"] == "WEEK"
    assert weekly["startsOn"] == day(-12) and weekly["endsOn"] == day(0)
    ats = [date.fromisoformat(p["at"]) for p in weekly["points"]]
    assert ats[-1] == TODAY and all(a.weekday() == 6 for a in ats[:-1])
    assert len(ats) == len({(TODAY + timedelta(days=o)).isocalendar()[:2] for o in range(-12, 1)})
    for at, point in zip(ats, weekly["points"], strict=True):
        assert (point["score"], point["confidence"]) == points[(at - TODAY).days]


async def test_team_trends_average_their_objectives(api: Api) -> None:
    ids = await trended_objective(api)
    other = (await api.objective(ids["cycle"], ids["team"], "Ship"))["id"]
    kr = (await api.key_result(other, "Releases", startValue=0, targetValue=10))["id"]
    await api.check_in(kr, value=10, asOf=day(-2))
    dropped = await api.objective(ids["cycle"], ids["team"], "Dropped")
    await api.key_result(dropped["id"], "Nothing", startValue=0, targetValue=1)
    await api.mutate(
        "updateObjective", "id", id=dropped["id"], expectedVersion=1, status="ARCHIVED"
    )
    result = await trend(api, team=ids["team"], **{"from": day(-4), "to": day(0)}, bucket="DAY")
    assert result["team"] == {"id": ids["team"]}
    # Grow: (0.2 + 3 × 0.5) / 4 on -4, 0.5 from -3; Ship: 0 until -2, then 1.0;
    # Dropped is archived. Only Grow has confidences: (0.5 + 3 × 0.9) / 4, then 0.85.
    assert by_day(result) == {
        -4: (0.2125, 0.8),
        -3: (0.25, 0.85),
        -2: (0.75, 0.85),
        -1: (0.75, 0.85),
        0: (0.75, 0.85),
    }
    in_cycle = await trend(
        api, team=ids["team"], cycle=ids["cycle"], **{"from": day(-4), "to": day(0)}, bucket="DAY"
    )
    assert by_day(in_cycle) == by_day(result)
    # Before the cycle began nothing counts.
    early = await trend(api, team=ids["team"], **{"from": day(-62), "to": day(-60)}, bucket="DAY")
    assert by_day(early) == {-62: (None, None), -61: (None, None), -60: (0.0, None)}


async def test_the_arguments_are_checked(api: Api) -> None:
    ids = await trended_objective(api)
    cases = [
        ({}, "BAD_USER_INPUT", "keyResultId"),
        ({"kr": ids["up"], "objective": ids["objective"]}, "BAD_USER_INPUT", "objectiveId"),
        ({"kr": ids["up"], "team": ids["team"]}, "BAD_USER_INPUT", "teamId"),
        ({"kr": f"{ids['objective']}.9"}, "NOT_FOUND", "keyResultId"),
        ({"objective": "nope"}, "NOT_FOUND", "objectiveId"),
        ({"team": "nope"}, "NOT_FOUND", "teamId"),
        ({"kr": ids["up"], "from": day(0), "to": day(-1)}, "BAD_USER_INPUT", "to"),
        (
            {"kr": ids["up"], "from": day(-500), "to": day(0), "bucket": "DAY"},
            "BAD_USER_INPUT",
            "to",
        ),
        ({"kr": ids["up"], "cycle": "nope"}, "NOT_FOUND", "cycleId"),
    ]
    year = await api.year("2031")  # annual cycles do not overlap the trend's year
    cases.append(({"kr": ids["up"], "cycle": year}, "BAD_USER_INPUT", "cycleId"))
    for variables, code, field in cases:
        error = await api.error(TREND, **variables)
        assert error["extensions"] == {"code": code, "field": field}, variables
