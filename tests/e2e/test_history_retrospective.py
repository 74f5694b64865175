"""Retrospectives of two closed quarters, checked against numbers worked out by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.support.api import Api

YEAR = date.today().year - 1  # every day of it is in the past

CARD = """
    team { name }
    objectiveCount keyResultCount averageGrade comparedAverageGrade averageGradeDelta
    objectiveGrades { red yellow green } keyResultGrades { red yellow green }
    committedHit committedMissed aspirationalAverage aspirationalVsExpected
    bets { placed validated invalidated withdrawn open stakeSpent { unit amount }
           realisedImpact }
    calibration { brierScore forecasts keyResults }
    carriedOver { cycles objective { title } carriedOverFrom { cycleId } }
    carriedForward
    findings { kind count }
"""
RETRO = f"""
query($cycle: ID!, $with: ID) {{
  retrospective(cycleId: $cycle, compareWithCycleId: $with) {{
    cycle {{ name }} comparedWith {{ name }}
    organisation {{ {CARD} }}
    teams {{ {CARD} }}
  }}
}}
"""


def on(month: int, day: int) -> str:
    return date(YEAR, month, day).isoformat()


async def kr(api: Api, objective: str, title: str, **extra: Any) -> str:
    return str((await api.key_result(objective, title, **extra))["id"])


async def two_quarters(api: Api) -> dict[str, str]:
    """Q1 and Q2 of last year, both closed.

    Q1: Sales "Open grocery" (committed): a 0→10 at 10 (1.0), b 0→4 at 2 (0.5), grade
    0.75. Eng "Faster builds" (aspirational): c 0→10 at 3 (0.3), grade 0.3; carried
    over into Q2.
    Q2: Sales "Open pharmacy" (committed): d 0→10 weight 2 at 10 (1.0), e 100→50 at 80
    (0.4, regraded to 0.6 after close): grade (2 + 0.6) / 3. Eng "Faster builds"
    (carried: c' 3→10 at 8.6, 0.8) and "Mobile app" (aspirational): f 1 of 4
    milestones (0.25), g 0→10 at 6.5 (0.65): grade 0.45. An archived objective is
    left out. Bets: Sales stakes 10 (validated, impact 3), 5 (withdrawn), 4
    (invalidated, impact 0.5); Eng stakes 8 and leaves it open.
    """
    year = await api.cycle(str(YEAR), on(1, 1), on(12, 31))
    q1 = await api.cycle(f"{YEAR}-Q1", on(1, 1), on(3, 31), year)
    q2 = await api.cycle(f"{YEAR}-Q2", on(4, 1), on(6, 30), year)
    acme = await api.team("Acme")
    sales = await api.team("Sales", acme)
    eng = await api.team("Eng", acme)

    grocery = (await api.objective(q1, sales, "Open grocery", kind="COMMITTED"))["id"]
    a = await kr(api, grocery, "a", startValue=0, targetValue=10)
    b = await kr(api, grocery, "b", startValue=0, targetValue=4)
    await api.check_in(a, value=10, confidence=0.9, asOf=on(3, 25))
    await api.check_in(b, value=2, confidence=0.8, asOf=on(3, 25))
    builds = (await api.objective(q1, eng, "Faster builds"))["id"]
    c = await kr(api, builds, "c", startValue=0, targetValue=10)
    await api.check_in(c, value=3, confidence=0.4, asOf=on(3, 25))
    await api.mutate("closeCycle", "id", id=q1)

    carried = await api.mutate(
        "carryOverObjective", "id keyResults { id }", id=builds, toCycleId=q2
    )
    c2 = carried["keyResults"][0]["id"]
    await api.check_in(c2, value=8.6, confidence=0.7, asOf=on(6, 28))
    pharmacy = (await api.objective(q2, sales, "Open pharmacy", kind="COMMITTED"))["id"]
    d = await kr(api, pharmacy, "d", startValue=0, targetValue=10, weight=2)
    e = await kr(api, pharmacy, "e", startValue=100, targetValue=50)
    await api.check_in(d, value=5, confidence=0.6, asOf=on(5, 1))
    await api.check_in(d, value=10, confidence=0.9, asOf=on(6, 28))
    await api.check_in(e, value=80, confidence=0.5, asOf=on(6, 28))
    mobile = (await api.objective(q2, eng, "Mobile app"))["id"]
    f = await kr(api, mobile, "f", milestones=["One", "Two", "Three", "Four"])
    g = await kr(api, mobile, "g", startValue=0, targetValue=10)
    await api.check_in(f, milestonesDone=1, confidence=0.3, asOf=on(6, 28))
    await api.check_in(g, value=6.5, asOf=on(6, 28))
    dropped = await api.objective(q2, eng, "Dropped")
    await kr(api, dropped["id"], "z", startValue=0, targetValue=1)
    await api.mutate(
        "updateObjective", "id", id=dropped["id"], expectedVersion=1, status="ARCHIVED"
    )

    for key_result, stake, outcome, impact in [
        (d, 10, "VALIDATED", 3),
        (e, 5, "WITHDRAWN", None),
        (d, 4, "INVALIDATED", 0.5),
        (c2, 8, None, None),
    ]:
        bet = await api.bet(key_result, stake=stake)
        if outcome:
            await api.mutate("resolveBet", "id", id=bet["id"], outcome=outcome, actualImpact=impact)
    await api.mutate("closeCycle", "id", id=q2)
    await api.mutate("regradeKeyResult", "id", id=e, grade=0.6, reason="Late-booked renewals")
    return {"q1": q1, "q2": q2, "year": year}


def card(**numbers: Any) -> dict[str, Any]:
    return numbers


async def test_two_closed_quarters_against_hand_computed_numbers(api: Api) -> None:
    ids = await two_quarters(api)
    data = (await api.data(RETRO, cycle=ids["q2"]))["retrospective"]
    assert data["cycle"] == {"name": f"{YEAR}-Q2"}
    assert data["comparedWith"] == {"name": f"{YEAR}-Q1"}  # the previous quarter by default
    assert data == (await api.data(RETRO, cycle=ids["q2"], **{"with": ids["q1"]}))["retrospective"]

    org = data["organisation"]
    findings = {f["kind"]: f["count"] for f in org.pop("findings")}
    pharmacy = round(2.6 / 3, 6)  # 0.866667
    assert org == {
        "team": None,
        "objectiveCount": 3,
        "keyResultCount": 5,
        # (0.866667 + 0.8 + 0.45) / 3, against Q1's (0.75 + 0.3) / 2 = 0.525
        "averageGrade": 0.705556,
        "comparedAverageGrade": 0.525,
        "averageGradeDelta": 0.180556,
        "objectiveGrades": {"red": 0, "yellow": 1, "green": 2},
        # d 1.0 and c' 0.8 green; e 0.6 and g 0.65 yellow; f 0.25 red
        "keyResultGrades": {"red": 1, "yellow": 2, "green": 2},
        "committedHit": 1,
        "committedMissed": 1,
        "aspirationalAverage": 0.625,  # (0.8 + 0.45) / 2
        "aspirationalVsExpected": -0.075,
        "bets": {
            "placed": 4,
            "validated": 1,
            "invalidated": 1,
            "withdrawn": 1,
            "open": 1,
            "stakeSpent": [{"unit": "person-days", "amount": 22.0}],  # 10 + 4 + 8
            "realisedImpact": 3.5,
        },
        # Outcomes: d 1 (committed, 1.0), e 0 (0.6), c' 1 (aspirational, 0.8), f 0; g has
        # no confidence. (0.6−1)² + (0.9−1)² + 0.5² + (0.7−1)² + 0.3² = 0.6, over 5.
        "calibration": {"brierScore": 0.12, "forecasts": 5, "keyResults": 4},
        "carriedOver": [
            {
                "cycles": 1,
                "objective": {"title": "Faster builds"},
                "carriedOverFrom": {"cycleId": ids["q1"]},
            }
        ],
        "carriedForward": 0,
    }
    assert findings["ORPHAN_OBJECTIVE"] == 3  # Sales and Eng cascade from nothing
    audit = await api.data(
        "query($c: ID!) { alignmentAudit(cycleId: $c) { counts { kind count } } }", c=ids["q2"]
    )
    counted = {c["kind"]: c["count"] for c in audit["alignmentAudit"]["counts"]}
    assert {k: n for k, n in findings.items() if n} == counted

    eng, sales = data["teams"]  # Eng carried its objective over before Sales set one
    assert sales["team"] == {"name": "Sales"} and eng["team"] == {"name": "Eng"}
    assert {k: sales[k] for k in ("averageGrade", "comparedAverageGrade", "averageGradeDelta")} == {
        "averageGrade": pharmacy,
        "comparedAverageGrade": 0.75,
        "averageGradeDelta": 0.116667,
    }
    assert sales["keyResultGrades"] == {"red": 0, "yellow": 1, "green": 1}
    assert (sales["committedHit"], sales["committedMissed"]) == (1, 1)
    assert sales["aspirationalAverage"] is None
    assert sales["bets"]["stakeSpent"] == [{"unit": "person-days", "amount": 14.0}]
    assert sales["bets"]["realisedImpact"] == 3.5
    assert sales["calibration"] == {"brierScore": 0.14, "forecasts": 3, "keyResults": 2}
    assert {f["kind"]: f["count"] for f in sales["findings"]}["ORPHAN_OBJECTIVE"] == 1
    assert {k: eng[k] for k in ("averageGrade", "comparedAverageGrade", "averageGradeDelta")} == {
        "averageGrade": 0.625,
        "comparedAverageGrade": 0.3,
        "averageGradeDelta": 0.325,
    }
    assert eng["objectiveGrades"] == {"red": 0, "yellow": 1, "green": 1}
    assert (eng["committedHit"], eng["committedMissed"]) == (0, 0)
    assert eng["aspirationalVsExpected"] == -0.075
    assert eng["bets"]["open"] == 1 and eng["bets"]["stakeSpent"][0]["amount"] == 8.0
    assert eng["calibration"] == {"brierScore": 0.09, "forecasts": 2, "keyResults": 2}
    assert eng["carriedOver"][0]["cycles"] == 1


async def test_the_first_quarter_has_nothing_to_compare_with(api: Api) -> None:
    ids = await two_quarters(api)
    data = (await api.data(RETRO, cycle=ids["q1"]))["retrospective"]
    assert data["comparedWith"] is None
    org = data["organisation"]
    assert org["averageGrade"] == 0.525 and org["averageGradeDelta"] is None
    assert org["carriedForward"] == 1 and org["carriedOver"] == []
    # a 0.9 and b 0.8 against outcomes 1 and 0 (committed: 1.0 needed), c 0.4 against 0.
    assert org["calibration"]["brierScore"] == pytest.approx((0.01 + 0.64 + 0.16) / 3, abs=1e-6)


async def test_teams_come_through_fragments_aliases_and_not_at_all(api: Api) -> None:
    """The query loads the scorecards' teams once when any selection asks for one."""
    ids = await two_quarters(api)
    query = """
    query($cycle: ID!) {
      retrospective(cycleId: $cycle) {
        organisation { who: team { name } }
        teams { ...Card }
      }
    }
    fragment Card on Scorecard { ... on Scorecard { squad: team { name } } objectiveCount }
    """
    data = (await api.data(query, cycle=ids["q1"]))["retrospective"]
    assert data["organisation"]["who"] is None
    assert [t["squad"]["name"] for t in data["teams"]] == ["Sales", "Eng"]
    bare = "query($cycle: ID!) { retrospective(cycleId: $cycle) { teams { objectiveCount } } }"
    counts = (await api.data(bare, cycle=ids["q1"]))["retrospective"]["teams"]
    assert [t["objectiveCount"] for t in counts] == [1, 1]


async def test_arguments_are_checked(api: Api) -> None:
    ids = await two_quarters(api)
    for variables, code, field in [
        ({"cycle": "nope"}, "NOT_FOUND", "cycleId"),
        ({"cycle": ids["q2"], "with": "nope"}, "NOT_FOUND", "compareWithCycleId"),
        ({"cycle": ids["q2"], "with": ids["q2"]}, "BAD_USER_INPUT", "compareWithCycleId"),
    ]:
        error = await api.error(RETRO, **variables)
        assert error["extensions"] == {"code": code, "field": field}, variables


async def test_an_open_cycle_has_scores_so_far_and_no_findings(api: Api) -> None:
    ids = await two_quarters(api)
    data = (await api.data(RETRO, cycle=ids["year"]))["retrospective"]
    assert data["comparedWith"] is None and data["organisation"]["findings"] is None
    assert data["organisation"]["calibration"]["brierScore"] is None
