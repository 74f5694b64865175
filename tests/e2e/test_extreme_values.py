"""No figure a query computes is non-finite or fails, whatever finite values are stored.

The rules of the day decide what new input may hold; a store may hold older, larger
or tinier numbers all the same. So the values here are written as events (what a
store written under looser rules holds), and then fed through every computed figure:
the audit, the retrospective, portfolios, trends, the strategy map, alignment, time
travel and the report's figures.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import anyio

from domain.model.action import action_of_bet
from domain.model.base import Stamp
from domain.model.bet import Bet
from domain.model.objective import Objective, key_result_id
from domain.model.portfolio import Portfolio
from tests.support.api import Api
from tests.support.processes import okra, store_args

HUGE, TINY = 1e308, 1e-320

FIGURES = [
    """query($c: ID!) { alignmentAudit(cycleId: $c) {
        counts { kind count } findings { kind measured threshold message } } }""",
    """query($c: ID!) { retrospective(cycleId: $c) {
        organisation { averageGrade aspirationalAverage calibration { brierScore }
          bets { placed stakeSpent { unit amount } realisedImpact } }
        teams { averageGrade bets { stakeSpent { unit amount } realisedImpact } } } }""",
    """query($t: ID!, $c: ID!) { portfolio(teamId: $t, cycleId: $c) {
        budget staked available expectedValue realisedImpact bets { stake expectedValue } } }""",
    """query($t: ID!, $c: ID!, $at: DateTime!) { portfolioAsOf(teamId: $t, cycleId: $c, asOf: $at) {
        staked available expectedValue realisedImpact } }""",
    """query($t: ID!, $c: ID!) { scoreTrend(teamId: $t, cycleId: $c, bucket: DAY) {
        points { score confidence } } }""",
    """query($o: ID!) { scoreTrend(objectiveId: $o, bucket: WEEK) {
        points { score confidence } } }""",
    """query($k: ID!) { scoreTrend(keyResultId: $k, bucket: DAY) {
        points { score confidence } } }""",
    """query($c: ID!) { strategyMap(cycleId: $c) { values { meanScore } } }""",
    """query($c: ID!) { alignment(cycleId: $c) { nodes { objective { score grade
        keyResults { score currentValue startValue targetValue weight } } } } }""",
    """query($c: ID!, $at: DateTime!) { alignmentAsOf(cycleId: $c, asOf: $at) {
        nodes { objective { score } } } }""",
    """query($c: ID!) { objectives(cycleId: $c) { nodes { score grade expectedGrade
        keyResults { score confidence currentValue } bets { stake odds expectedImpact
        expectedValue actualImpact } } } }""",
    """query($o: ID!, $at: DateTime!) { objectiveAsOf(id: $o, asOf: $at) { score
        keyResults { score currentValue } } }""",
]


def numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [float(value)]
    if isinstance(value, dict):
        return [n for inner in value.values() for n in numbers(inner)]
    if isinstance(value, list):
        return [n for inner in value for n in numbers(inner)]
    return []


def store_extremes(api: Api, objective_id: str, team: str, cycle: str) -> str:
    """A key result from -1e308 to 1e308 checked in at 1e308 and one weighing 1e-300,
    bets staking 1e308 expecting 1e-320 or 1e308, one validated at 1e308: as events."""
    app = api.backend.app
    stamp = Stamp("ann", app.clock())
    objective: Objective = app.repository.get(UUID(objective_id))
    wide = key_result_id(objective.id, len(objective.key_results) + 1)
    light = key_result_id(objective.id, len(objective.key_results) + 2)
    for kr, weight, start, target in ((wide, 100.0, -HUGE, HUGE), (light, 1e-300, 0.0, TINY)):
        objective.record(
            Objective.KeyResultAdded,
            stamp,
            key_result_id=kr,
            title=f"Extreme {kr[-1]}",
            weight=weight,
            start_value=start,
            target_value=target,
            unit="",
            milestones=[],
            owner_id=None,
            contributor_ids=[],
        )
    for kr, value in ((wide, HUGE), (light, TINY)):
        objective.record(
            Objective.CheckInRecorded,
            stamp,
            key_result_id=kr,
            value=value,
            milestones_done=None,
            confidence=0.5,
            note="",
            as_of=stamp.at.date(),
            done_milestones=None,
        )
    portfolio = app.repository.get(Portfolio.id_for(team, cycle))
    bets = []
    for kr, stake, impact in ((wide, HUGE, TINY), (wide, HUGE, HUGE), (light, HUGE, -HUGE)):
        bet_id = uuid4()
        bet = Bet._create(
            Bet.BetPlaced,
            id=bet_id,
            actor=stamp.actor,
            timestamp=stamp.at,
            key_result_id=kr,
            objective_id=objective_id,
            team_id=team,
            cycle_id=cycle,
            title="Extreme",
            hypothesis="",
            stake=stake,
            odds=1.0,
            expected_impact=impact,
            owner_id=None,
            contributor_ids=[],
            action_id=action_of_bet(bet_id),
        )
        portfolio.record(Portfolio.StakeCommitted, stamp, bet_id=str(bet.id), stake=stake)
        bets.append(bet)
    bets[1].record(Bet.BetValidated, stamp, actual_impact=HUGE, learning="")
    bets[2].record(Bet.BetInvalidated, stamp, actual_impact=-HUGE, learning="")
    app.save(objective, portfolio, *bets)
    return wide


async def test_every_computed_figure_stays_finite(api: Api, tmp_path: Path) -> None:
    team = await api.team("Acme")
    year = await api.year()
    objective = await api.objective(year, team)
    normal = await api.key_result(objective["id"], startValue=0, targetValue=10)
    await api.check_in(normal["id"], value=4, confidence=0.8)
    await api.bet(normal["id"], stake=5, odds=0.5, expectedImpact=2)  # a median to compare with
    await api.mutate("defineStrategyMap", "version", values=["Speed"])
    await api.mutate(
        "tagObjective", "version", id=objective["id"], expectedVersion=1, values=["Speed"]
    )
    wide = store_extremes(api, objective["id"], team, year)
    assert await api.backend.catch_up(10)
    now = api.backend.app.clock().isoformat()
    variables = {"c": year, "t": team, "o": objective["id"], "k": wide, "at": now}
    for document in FIGURES:
        wanted = {k: v for k, v in variables.items() if f"${k}" in document}
        body = await api.post(document, wanted)
        assert "errors" not in body, (document, body["errors"])
        figures = numbers(body["data"])
        assert figures and all(math.isfinite(n) for n in figures), document
    # Closed, the cycle's retrospective embeds the audit: still finite.
    await api.mutate("closeCycle", "id", id=year)
    body = await api.post(FIGURES[1], {"c": year})
    assert "errors" not in body and all(math.isfinite(n) for n in numbers(body["data"]))
    # The report's figures, through `okra report retro`.
    settings = api.backend.settings
    out = tmp_path / "retro.html"
    await anyio.to_thread.run_sync(
        lambda: okra("report", "retro", "--cycle", "2026", "--out", str(out), *store_args(settings))
    )
    page = out.read_text()
    embedded = page.split('id="okra-figures">', 1)[1].split("</script>", 1)[0]

    def refuse(constant: str) -> float:
        raise AssertionError(f"the report embeds {constant}")

    figures = numbers(json.loads(embedded, parse_constant=refuse))
    assert figures and all(math.isfinite(n) for n in figures)
