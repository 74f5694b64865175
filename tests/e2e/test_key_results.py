"""Key results: metrics and milestones, check-ins as of a date, scores and weights."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from tests.support.api import KEY_RESULT_FIELDS, Api


async def objective(api: Api) -> str:
    team, year = await api.team("Acme"), await api.year()
    return str((await api.objective(year, team))["id"])


async def test_metric_scores_clamp_and_can_count_down(api: Api) -> None:
    objective_id = await objective(api)
    up = await api.key_result(objective_id, "Grow ARR", startValue=10, targetValue=20, unit="M$")
    down = await api.key_result(
        objective_id, "Cut MTTR", startValue=45, targetValue=10, unit="min", weight=3
    )
    assert up["score"] == 0.0 and up["measure"] == "METRIC" and up["unit"] == "M$"

    assert (await api.check_in(up["id"], value=15))["score"] == 0.5
    assert (await api.check_in(up["id"], value=25))["score"] == 1.0  # clamped
    assert (await api.check_in(up["id"], value=5))["score"] == 0.0  # clamped
    after = await api.check_in(down["id"], value=17)
    assert after["score"] == 0.8
    assert after["currentValue"] == 17
    assert after["scoreBand"] == "GREEN"

    data = await api.data(
        "query($id: ID!) { objective(id: $id) { score scoreBand } }", id=objective_id
    )
    # Weighted mean: (1 × 0.0 + 3 × 0.8) / 4
    assert data["objective"] == {"score": 0.6, "scoreBand": "YELLOW"}


async def test_milestones(api: Api) -> None:
    objective_id = await objective(api)
    kr = await api.key_result(objective_id, "Launch", milestones=["Alpha", "Beta", "GA"])
    assert kr["measure"] == "MILESTONES"
    assert kr["startValue"] is None
    checked = await api.check_in(kr["id"], milestonesDone=2, confidence=0.9)
    assert checked["score"] == round(2 / 3, 6)
    assert [m["done"] for m in checked["milestones"]] == [True, True, False]
    for input, field in [
        ({"milestonesDone": 4}, "milestonesDone"),
        ({"value": 3}, "value"),
        ({}, "milestonesDone"),
    ]:
        error = await api.refuse("recordCheckIn", keyResultId=kr["id"], **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, input


async def test_key_result_input_is_checked(api: Api) -> None:
    objective_id = await objective(api)
    cases = [
        ({"title": "Same", "startValue": 5, "targetValue": 5}, "targetValue"),
        ({"title": "No target", "startValue": 5}, "targetValue"),
        ({"title": "Heavy", "startValue": 0, "targetValue": 1, "weight": 100.5}, "weight"),
        ({"title": "Weightless", "startValue": 0, "targetValue": 1, "weight": 0}, "weight"),
        ({"title": "Both", "startValue": 0, "targetValue": 1, "milestones": ["a"]}, "milestones"),
        ({"title": "", "startValue": 0, "targetValue": 1}, "title"),
    ]
    for input, field in cases:
        error = await api.refuse("addKeyResult", objectiveId=objective_id, **input)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, input
    error = await api.refuse(
        "addKeyResult", objectiveId="nope", title="T", startValue=0, targetValue=1
    )
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "objectiveId"}
    heavy = await api.key_result(objective_id, "Exactly 100", weight=100)
    assert heavy["weight"] == 100


async def test_latest_as_of_wins_and_backdating_keeps_the_current_value(api: Api) -> None:
    objective_id = await objective(api)
    kr = await api.key_result(objective_id)
    today = date.today()
    await api.check_in(kr["id"], value=30, confidence=0.5, asOf=str(today - timedelta(days=7)))
    current = await api.check_in(kr["id"], value=26, asOf=str(today - timedelta(days=14)))
    assert current["currentValue"] == 30  # the backdated one is history, not news
    assert current["asOf"] == str(today - timedelta(days=7))
    tie = await api.check_in(
        kr["id"], value=35, confidence=0.6, asOf=str(today - timedelta(days=7))
    )
    assert tie["currentValue"] == 35  # same asOf: the one recorded last
    assert tie["confidence"] == 0.6

    history = await api.data(
        "query($id: ID!) { keyResult(id: $id) { checkIns { nodes { value asOf recordedBy } } } }",
        id=kr["id"],
    )
    assert [c["value"] for c in history["keyResult"]["checkIns"]["nodes"]] == [35, 30, 26]

    future = str(today + timedelta(days=3))
    error = await api.refuse("recordCheckIn", keyResultId=kr["id"], value=40, asOf=future)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "asOf"}
    for confidence in (-0.1, 1.01):
        error = await api.refuse(
            "recordCheckIn", keyResultId=kr["id"], value=40, confidence=confidence
        )
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "confidence"}


async def test_target_change_needs_a_reason(api: Api) -> None:
    objective_id = await objective(api)
    kr = await api.key_result(objective_id, startValue=20, targetValue=50)
    await api.check_in(kr["id"], value=35)
    error = await api.refuse("updateKeyResult", id=kr["id"], expectedVersion=2, targetValue=40)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "reason"}
    error = await api.refuse(
        "updateKeyResult", id=kr["id"], expectedVersion=2, targetValue=20, reason="Same as start"
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "targetValue"}
    changed = await api.mutate(
        "updateKeyResult",
        KEY_RESULT_FIELDS,
        id=kr["id"],
        expectedVersion=2,
        targetValue=40,
        weight=2,
        reason="Budget cut in May",
        actor="lena",
    )
    assert changed["targetValue"] == 40
    assert changed["weight"] == 2
    assert changed["score"] == 0.75
    assert changed["version"] == 4  # a target change and an edit: two events
    error = await api.refuse("updateKeyResult", id=kr["id"], expectedVersion=2, title="Late")
    assert error["extensions"]["code"] == "VERSION_CONFLICT"


async def test_check_in_needs_no_version_and_unrelated_work_never_conflicts(api: Api) -> None:
    objective_id = await objective(api)
    first = await api.key_result(objective_id, "First")
    second = await api.key_result(objective_id, "Second")
    await asyncio.gather(
        *(api.check_in(kr["id"], value=20 + i) for i in range(10) for kr in (first, second))
    )
    data = await api.data(
        "query($id: ID!) { objective(id: $id) { version keyResults { version "
        "checkIns { totalCount } } } }",
        id=objective_id,
    )
    assert data["objective"]["version"] == 1  # check-ins are not edits of the objective
    assert [kr["version"] for kr in data["objective"]["keyResults"]] == [11, 11]
    assert [kr["checkIns"]["totalCount"] for kr in data["objective"]["keyResults"]] == [10, 10]
    # An edit based on version 1 of the objective is still current.
    await api.mutate("updateObjective", "version", id=objective_id, expectedVersion=1, title="New")
    stale = await api.refuse("recordCheckIn", keyResultId=first["id"], value=1, expectedVersion=3)
    assert stale["extensions"]["code"] == "VERSION_CONFLICT"
    error = await api.refuse("recordCheckIn", keyResultId=f"{objective_id}.9", value=1)
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "keyResultId"}
