"""Figures that add impacts across key results (issue 14): per unit, and in progress points
(impact ÷ the key result's span), without float noise. Through GraphQL, on both stores."""

from __future__ import annotations

from datetime import date

from tests.support.api import Api

FIGURES = """query($t: ID!, $c: ID!) {
  portfolio(teamId: $t, cycleId: $c) {
    id expectedValue expectedValueByUnit { unit amount } expectedProgress
    realisedImpactByUnit { unit amount } realisedProgress
    bets { id expectedValue }
  }
  retrospective(cycleId: $c) { organisation {
    bets { realisedImpactByUnit { unit amount } realisedProgress } } }
}"""


async def test_impacts_are_added_per_unit_and_in_progress_points(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year(str(date.today().year))
    objective = (await api.objective(year, team, "Grow"))["id"]
    money = await api.key_result(objective, "ARR", startValue=0, targetValue=10, unit="M$")
    steps = await api.key_result(objective, "Launch", milestones=["Alpha", "Beta", "GA"])
    down = await api.key_result(objective, "MTTR", startValue=45, targetValue=15, unit="min")
    await api.bet(money["id"], odds=0.3, expectedImpact=1.2)  # 0.36 M$, not 0.36000000000000004
    await api.bet(steps["id"], odds=0.5, expectedImpact=1)  # half a milestone
    won = await api.bet(money["id"], odds=0.5, expectedImpact=2)
    lowered = await api.bet(down["id"], odds=0.6, expectedImpact=-10)  # 10 minutes less
    await api.mutate("resolveBet", "id", id=won["id"], outcome="VALIDATED", actualImpact=2.5)
    await api.mutate("resolveBet", "id", id=lowered["id"], outcome="VALIDATED", actualImpact=-6)

    data = await api.data(FIGURES, t=team, c=year)
    portfolio = data["portfolio"]
    assert portfolio["expectedValueByUnit"] == [
        {"unit": "M$", "amount": 0.36},
        {"unit": "milestones", "amount": 0.5},
    ]
    # 0.36 / 10 + 0.5 / 3
    assert portfolio["expectedProgress"] == round(0.036 + 0.5 / 3, 9)
    assert portfolio["expectedValue"] == 0.86  # deprecated: adds M$ and milestones
    assert portfolio["realisedImpactByUnit"] == [
        {"unit": "M$", "amount": 2.5},
        {"unit": "min", "amount": -6.0},
    ]
    # 2.5 / 10 + (−6) / (15 − 45): six minutes less on a count-down key result is progress
    assert portfolio["realisedProgress"] == 0.45
    assert {b["expectedValue"] for b in portfolio["bets"]} == {0.36, 0.5, 1.0, -6.0}
    retro = data["retrospective"]["organisation"]["bets"]
    assert retro["realisedImpactByUnit"] == portfolio["realisedImpactByUnit"]
    assert retro["realisedProgress"] == 0.45


async def test_stakes_and_what_is_left_have_no_float_noise(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year(str(date.today().year))
    objective = (await api.objective(year, team, "Grow"))["id"]
    kr = await api.key_result(objective)
    await api.mutate("setStakeBudget", "teamId", teamId=team, cycleId=year, budget=1)
    for stake in (0.2, 0.7):
        await api.bet(kr["id"], stake=stake)
    data = await api.data(
        "query($t: ID!, $c: ID!) { portfolio(teamId: $t, cycleId: $c) { id staked available } }",
        t=team,
        c=year,
    )
    # 1 − 0.9 is 0.09999999999999998 in floats
    assert data["portfolio"]["staked"] == 0.9 and data["portfolio"]["available"] == 0.1
