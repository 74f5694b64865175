"""Closing a cycle freezes grades and makes its OKRs read-only."""

from __future__ import annotations

from tests.support.api import Api


async def test_closing_freezes_grades_and_refuses_changes(api: Api) -> None:
    team = await api.team("Acme")
    year = await api.year()
    q1 = await api.cycle("2026-Q1", "2026-01-01", "2026-03-31", year)
    objective = await api.objective(q1, team, kind="COMMITTED")
    kr = await api.key_result(objective["id"], startValue=0, targetValue=10)
    milestones = await api.key_result(objective["id"], "Ship", milestones=["a", "b"], weight=3)
    await api.check_in(kr["id"], value=7)
    await api.check_in(milestones["id"], milestonesDone=1)
    bet = await api.bet(kr["id"])
    other = await api.objective(year, team, "Annual, stays open")

    closed = await api.mutate("closeCycle", "status closedAt version", id=q1, actor="maya")
    assert closed["status"] == "CLOSED" and closed["closedAt"]
    data = await api.data(
        "query($id: ID!) { objective(id: $id) { status grade score "
        "keyResults { score finalGrade } } }",
        id=objective["id"],
    )
    # Grade = weighted mean at closing: (1 × 0.7 + 3 × 0.5) / 4 = 0.55
    assert data["objective"] == {
        "status": "CLOSED",
        "grade": 0.55,
        "score": 0.55,
        "keyResults": [{"score": 0.7, "finalGrade": 0.7}, {"score": 0.5, "finalGrade": 0.5}],
    }

    refusals = [
        ("recordCheckIn", {"keyResultId": kr["id"], "value": 9}),
        ("updateObjective", {"id": objective["id"], "expectedVersion": 2, "title": "Late"}),
        ("alignObjective", {"id": objective["id"], "expectedVersion": 2, "alignedWith": []}),
        (
            "addKeyResult",
            {"objectiveId": objective["id"], "title": "Late", "startValue": 0, "targetValue": 1},
        ),
        ("updateKeyResult", {"id": kr["id"], "expectedVersion": 3, "title": "Late"}),
        (
            "placeBet",
            {
                "keyResultId": kr["id"],
                "title": "Late",
                "stake": 1,
                "odds": 0.5,
                "expectedImpact": 1,
            },
        ),
        ("setStakeBudget", {"teamId": team, "cycleId": q1, "budget": 10}),
        ("createObjective", {"cycleId": q1, "teamId": team, "title": "Late"}),
        ("closeCycle", {"id": q1}),
        ("resolveBet", {"id": bet["id"], "outcome": "WITHDRAWN"}),
    ]
    for operation, input in refusals:
        error = await api.refuse(operation, **input)
        assert error["extensions"]["code"] == "CYCLE_CLOSED", operation
        assert "2026-Q1" in error["message"]

    # Learning arrives after the quarter: a bet can still be validated.
    won = await api.mutate(
        "resolveBet", "status", id=bet["id"], outcome="VALIDATED", actualImpact=2, learning="Worked"
    )
    assert won["status"] == "VALIDATED"
    # The annual cycle is untouched.
    await api.mutate(
        "updateObjective", "version", id=other["id"], expectedVersion=1, title="Still editable"
    )
    assert (await api.data("{ cycles(status: CLOSED) { totalCount } }"))["cycles"][
        "totalCount"
    ] == 1
