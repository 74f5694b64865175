"""Carrying objectives over into later cycles, and regrading a closed cycle's key results."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api

CARRIED = """
    id title kind carryOverCount cycleId
    carriedOverFrom { id carryOverCount carriedOverTo { id } }
    carriedOverTo { id }
    keyResults {
      title weight measure startValue targetValue unit currentValue
      milestones { title done } checkIns(first: 5) { totalCount }
    }
"""


async def quarters(api: Api) -> dict[str, str]:
    year = await api.year()
    return {
        "year": year,
        "q1": await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", year),
        "q2": await api.cycle("2026-Q2", "2026-04-01", "2026-06-30", year),
        "q3": await api.cycle("2026-Q3", "2026-07-01", "2026-09-30", year),
    }


async def closed_q1(api: Api) -> dict[str, str]:
    """Q1's objective: a metric part done, milestones one of three, one key result reached."""
    ids = await quarters(api)
    ids["team"] = await api.team("Acme")
    objective = await api.objective(ids["q1"], ids["team"], "Win grocery", kind="COMMITTED")
    ids["objective"] = objective["id"]
    metric = await api.key_result(
        ids["objective"], "Pipeline", startValue=0, targetValue=10, unit="M$", weight=2
    )
    steps = await api.key_result(ids["objective"], "Launch", milestones=["Alpha", "Beta", "GA"])
    reached = await api.key_result(ids["objective"], "Pilots", startValue=0, targetValue=2)
    await api.check_in(metric["id"], value=6, asOf="2026-03-20", confidence=0.5)
    await api.check_in(steps["id"], milestonesDone=1, asOf="2026-03-20")
    await api.check_in(reached["id"], value=2, asOf="2026-03-20")
    ids.update(metric=metric["id"], steps=steps["id"], reached=reached["id"])
    await api.mutate("closeCycle", "id", id=ids["q1"])
    return ids


async def carry(api: Api, objective: str, cycle: str, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = await api.mutate(
        "carryOverObjective", CARRIED, id=objective, toCycleId=cycle, **extra
    )
    return result


async def test_carry_over_rebaselines_and_links_both_ways(api: Api) -> None:
    ids = await closed_q1(api)
    head = api.backend.app.recorder.max_notification_id()
    carried = await carry(api, ids["objective"], ids["q2"], idempotencyKey="carry-1")
    assert carried["cycleId"] == ids["q2"] and carried["kind"] == "COMMITTED"
    assert carried["carryOverCount"] == 1
    assert carried["carriedOverFrom"]["id"] == ids["objective"]
    assert carried["carriedOverFrom"]["carriedOverTo"]["id"] == carried["id"]
    assert carried["carriedOverTo"] is None
    assert carried["keyResults"] == [
        {
            "title": "Pipeline",
            "weight": 2.0,
            "measure": "METRIC",
            "startValue": 6.0,  # where it stood
            "targetValue": 10.0,
            "unit": "M$",
            "currentValue": None,
            "milestones": [],
            "checkIns": {"totalCount": 0},
        },
        {
            "title": "Launch",
            "weight": 1.0,
            "measure": "MILESTONES",
            "startValue": None,
            "targetValue": None,
            "unit": "",
            "currentValue": None,
            "milestones": [{"title": "Beta", "done": False}, {"title": "GA", "done": False}],
            "checkIns": {"totalCount": 0},
        },
    ]  # Pilots was reached: it stays behind
    # A retry with the same key answers the same objective and appends nothing more.
    appended = api.backend.app.recorder.max_notification_id()
    again = await carry(api, ids["objective"], ids["q2"], idempotencyKey="carry-1")
    assert again["id"] == carried["id"]
    assert api.backend.app.recorder.max_notification_id() == appended > head

    onward = await carry(api, carried["id"], ids["q3"])
    assert onward["carryOverCount"] == 2
    assert onward["carriedOverFrom"]["id"] == carried["id"]
    in_q3 = await api.data(
        "query($id: ID!) { objectives(cycleId: $id) { nodes { id } } }", id=ids["q3"]
    )
    assert in_q3["objectives"]["nodes"] == [{"id": onward["id"]}]


async def test_carry_over_refusals_store_nothing(api: Api) -> None:
    ids = await closed_q1(api)
    await carry(api, ids["objective"], ids["q2"])
    other = await api.objective(ids["q2"], ids["team"], "Later")
    await api.mutate("closeCycle", "id", id=ids["q3"])
    head = api.backend.app.recorder.max_notification_id()
    cases = [
        ({"id": ids["objective"], "toCycleId": ids["q3"]}, "BAD_USER_INPUT", "id"),  # twice
        ({"id": other["id"], "toCycleId": ids["q1"]}, "BAD_USER_INPUT", "toCycleId"),
        ({"id": other["id"], "toCycleId": ids["q2"]}, "BAD_USER_INPUT", "toCycleId"),
        ({"id": other["id"], "toCycleId": "nope"}, "BAD_USER_INPUT", "toCycleId"),
        ({"id": "nope", "toCycleId": ids["q3"]}, "NOT_FOUND", "id"),
    ]
    for input, code, field in cases:
        error = await api.refuse("carryOverObjective", **input)
        assert error["extensions"] == {"code": code, "field": field}, input
    closed = await api.refuse("carryOverObjective", id=other["id"], toCycleId=ids["q3"])
    assert closed["extensions"]["code"] == "CYCLE_CLOSED"
    assert api.backend.app.recorder.max_notification_id() == head


REGRADED = """
    id finalGrade originalGrade version
    gradeCorrections { grade previous reason correctedBy }
    objective { grade originalGrade }
"""


async def test_regrade_keeps_the_original_visible(api: Api) -> None:
    ids = await closed_q1(api)
    before = await api.data(
        "query($id: ID!) { keyResult(id: $id) { finalGrade version objective { grade } } }",
        id=ids["metric"],
    )
    # Pipeline 0.6 (weight 2), Launch 1/3, Pilots 1.0: (1.2 + 0.333333 + 1) / 4
    assert before["keyResult"]["finalGrade"] == 0.6
    assert before["keyResult"]["objective"]["grade"] == round((1.2 + 1 / 3 + 1) / 4, 6)
    regraded = await api.mutate(
        "regradeKeyResult",
        REGRADED,
        id=ids["metric"],
        grade=0.8,
        reason="The March deals closed late",
        expectedVersion=before["keyResult"]["version"],
    )
    assert regraded["finalGrade"] == 0.8 and regraded["originalGrade"] == 0.6
    assert regraded["gradeCorrections"] == [
        {
            "grade": 0.8,
            "previous": 0.6,
            "reason": "The March deals closed late",
            "correctedBy": "admin",
        }
    ]
    assert regraded["objective"] == {
        "grade": round((1.6 + 1 / 3 + 1) / 4, 6),
        "originalGrade": round((1.2 + 1 / 3 + 1) / 4, 6),
    }
    again = await api.mutate(
        "regradeKeyResult", REGRADED, id=ids["metric"], grade=0.7, reason="Audit recount"
    )
    assert again["finalGrade"] == 0.7 and again["originalGrade"] == 0.6
    assert [c["previous"] for c in again["gradeCorrections"]] == [0.6, 0.8]

    entries = await api.data(
        """query($id: ID!) { auditTrail(filter: { entityId: $id,
             eventTypes: ["KeyResultRegraded"] }) {
             nodes { changes { field from to } reason } } }""",
        id=ids["metric"],
    )
    assert entries["auditTrail"]["nodes"] == [
        {"changes": [{"field": "finalGrade", "from": 0.8, "to": 0.7}], "reason": "Audit recount"},
        {
            "changes": [{"field": "finalGrade", "from": 0.6, "to": 0.8}],
            "reason": "The March deals closed late",
        },
    ]


async def test_regrade_refusals_store_nothing(api: Api) -> None:
    ids = await closed_q1(api)
    open_objective = await api.objective(ids["q2"], ids["team"], "Open")
    open_kr = await api.key_result(open_objective["id"])
    head = api.backend.app.recorder.max_notification_id()
    cases = [
        ({"id": open_kr["id"], "grade": 0.5, "reason": "x"}, "BAD_USER_INPUT", "id"),
        ({"id": ids["metric"], "grade": 1.5, "reason": "x"}, "BAD_USER_INPUT", "grade"),
        ({"id": ids["metric"], "grade": 0.6, "reason": "x"}, "BAD_USER_INPUT", "grade"),
        ({"id": ids["metric"], "grade": 0.7, "reason": "  "}, "BAD_USER_INPUT", "reason"),
        ({"id": "nope.1", "grade": 0.7, "reason": "x"}, "NOT_FOUND", "id"),
    ]
    for input, code, field in cases:
        error = await api.refuse("regradeKeyResult", **input)
        assert error["extensions"] == {"code": code, "field": field}, input
    stale = await api.refuse(
        "regradeKeyResult", id=ids["metric"], grade=0.7, reason="x", expectedVersion=1
    )
    assert stale["extensions"]["code"] == "VERSION_CONFLICT"
    assert api.backend.app.recorder.max_notification_id() == head
