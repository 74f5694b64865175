"""Bets: stakes within a budget, expected value, and how they end."""

from __future__ import annotations

import asyncio

from tests.support.api import BET_FIELDS, Api

PORTFOLIO = """query($t: ID!, $c: ID!) { portfolio(teamId: $t, cycleId: $c) {
    budget staked available expectedValue realisedImpact stakeUnit version
    bets { title status } } }"""


async def setup(api: Api) -> tuple[str, str, str]:
    team, year = await api.team("Acme"), await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"])
    return team, year, kr["id"]


async def test_place_a_bet(api: Api) -> None:
    team, year, kr = await setup(api)
    bet = await api.bet(
        kr,
        title="Chatbot",
        stake=5,
        odds=0.4,
        expectedImpact=10,
        hypothesis="Customers prefer instant answers",
        actor="priya",
    )
    assert bet["status"] == "PLACED"
    assert bet["expectedValue"] == 4.0
    assert bet["stakeUnit"] == "person-days"
    assert bet["teamId"] == team and bet["cycleId"] == year and bet["keyResultId"] == kr
    data = await api.data(
        "query($id: ID!) { bet(id: $id) { keyResult { title bets { title } } team { name } "
        "cycle { name } createdBy } }",
        id=bet["id"],
    )
    assert data["bet"] == {
        "keyResult": {"title": "NPS", "bets": [{"title": "Chatbot"}]},
        "team": {"name": "Acme"},
        "cycle": {"name": "2026"},
        "createdBy": "priya",
    }
    for input, field in [
        ({"stake": 0}, "stake"),
        ({"stake": -3}, "stake"),
        ({"odds": 0}, "odds"),
        ({"odds": 1.2}, "odds"),
        ({"title": " "}, "title"),
    ]:
        error = await api.refuse(
            "placeBet",
            keyResultId=kr,
            **{"title": "T", "stake": 1, "odds": 0.5, "expectedImpact": 1, **input},
        )
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, input
    certain = await api.bet(kr, odds=1)
    assert certain["odds"] == 1


async def test_stake_budget_refuses_what_the_team_cannot_afford(api: Api) -> None:
    team, year, kr = await setup(api)
    portfolio = await api.mutate(
        "setStakeBudget", "budget available staked", teamId=team, cycleId=year, budget=10
    )
    assert portfolio == {"budget": 10, "available": 10, "staked": 0}
    first = await api.bet(kr, stake=6, odds=0.5, expectedImpact=8)
    error = await api.refuse(
        "placeBet", keyResultId=kr, title="Too much", stake=5, odds=0.5, expectedImpact=1
    )
    assert error["extensions"]["code"] == "BUDGET_EXCEEDED"
    assert "only bet what you can afford to lose" in error["message"]
    await api.bet(kr, stake=4, odds=0.25, expectedImpact=4)  # exactly the budget
    data = await api.data(PORTFOLIO, t=team, c=year)
    assert data["portfolio"]["staked"] == 10
    assert data["portfolio"]["available"] == 0
    assert data["portfolio"]["expectedValue"] == 5.0
    assert len(data["portfolio"]["bets"]) == 2

    withdrawn = await api.mutate(
        "resolveBet", BET_FIELDS, id=first["id"], outcome="WITHDRAWN", learning="Priorities moved"
    )
    assert withdrawn["status"] == "WITHDRAWN"
    data = await api.data(PORTFOLIO, t=team, c=year)
    assert data["portfolio"]["staked"] == 4  # a withdrawn bet gives its stake back
    await api.bet(kr, stake=6)

    error = await api.refuse("setStakeBudget", teamId=team, cycleId=year, budget=5)
    assert error["extensions"]["code"] == "BUDGET_EXCEEDED"
    error = await api.refuse("setStakeBudget", teamId=team, cycleId=year, budget=-1)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "budget"}
    removed = await api.mutate(
        "setStakeBudget", "budget available", teamId=team, cycleId=year, budget=None
    )
    assert removed == {"budget": None, "available": None}


async def test_concurrent_bets_never_break_the_budget(api: Api) -> None:
    team, year, kr = await setup(api)
    await api.mutate("setStakeBudget", "budget", teamId=team, cycleId=year, budget=20)
    query = "mutation($input: PlaceBetInput!) { placeBet(input: $input) { id } }"
    results = await asyncio.gather(
        *(
            api.post(
                query,
                {
                    "input": {
                        "keyResultId": kr,
                        "title": f"Bet {i}",
                        "stake": 3,
                        "odds": 0.5,
                        "expectedImpact": 1,
                    }
                },
            )
            for i in range(10)
        )
    )
    placed = [r for r in results if r.get("data")]
    refused = [r["errors"][0]["extensions"]["code"] for r in results if r.get("errors")]
    assert len(placed) == 6
    assert refused == ["BUDGET_EXCEEDED"] * 4
    assert (await api.data(PORTFOLIO, t=team, c=year))["portfolio"]["staked"] == 18


async def test_resolving_a_bet(api: Api) -> None:
    team, year, kr = await setup(api)
    bet = await api.bet(kr, stake=3, odds=0.6, expectedImpact=5)
    won = await api.mutate(
        "resolveBet",
        BET_FIELDS,
        id=bet["id"],
        outcome="VALIDATED",
        actualImpact=7,
        learning="Customers loved it",
        expectedVersion=1,
    )
    assert won["status"] == "VALIDATED"
    assert won["actualImpact"] == 7
    assert won["learning"] == "Customers loved it"
    assert won["version"] == 2
    error = await api.refuse("resolveBet", id=bet["id"], outcome="INVALIDATED")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "outcome"}
    error = await api.refuse("resolveBet", id="nope", outcome="INVALIDATED")
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "id"}
    data = await api.data(PORTFOLIO, t=team, c=year)
    assert data["portfolio"]["realisedImpact"] == 7
    assert data["portfolio"]["staked"] == 3  # spent, not released
    error = await api.error(
        'query($c: ID!) { portfolio(teamId: "nope", cycleId: $c) { budget } }', c=year
    )
    assert error["extensions"] == {"code": "NOT_FOUND", "field": "teamId"}
