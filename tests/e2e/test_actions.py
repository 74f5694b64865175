"""Actions: ideas on a key result before they are bets, their order, and collaboration."""

from __future__ import annotations

import asyncio
from typing import Any

from gateway.settings import Settings
from tests.support.api import Api
from tests.support.clock import Clock, clocked

ACTION_FIELDS = """
    id version title hypothesis description size key rank status reason derivedFromBet
    stake odds expectedImpact valuePerStake
    keyResultId teamId cycleId keyResult { id } team { name } bet { id status }
    collaborations { teamId team { name } status note person { handle } }
"""


async def setup(api: Api, name: str = "Acme") -> tuple[str, str, str]:
    team, year = await api.team(name), await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"])
    return team, year, kr["id"]


async def propose(api: Api, kr: str, **extra: Any) -> dict[str, Any]:
    fields = {"title": "Guided onboarding", **extra}
    action: dict[str, Any] = await api.mutate(
        "proposeAction", ACTION_FIELDS, keyResultId=kr, **fields
    )
    return action


async def test_an_idea_becomes_a_bet(api: Api) -> None:
    team, year, kr = await setup(api)
    idea = await propose(
        api,
        kr,
        hypothesis="We believe a guided tour will move NPS because users get lost",
        description="Three screens",
        size="M",
        key=True,
    )
    assert idea["status"] == "IDEA" and idea["size"] == "M" and idea["key"] is True
    assert idea["bet"] is None and idea["rank"] is None and idea["derivedFromBet"] is False
    assert idea["keyResult"] == {"id": kr} and idea["team"] == {"name": "Acme"}
    # Ideas never count against the stake budget.
    await api.mutate("setStakeBudget", "budget", teamId=team, cycleId=year, budget=6)
    for title in ("A", "B", "C"):
        await propose(api, kr, title=title, size="XL")
    bet = await api.mutate(
        "placeBet",
        "id title hypothesis action { id status title }",
        keyResultId=kr,
        actionId=idea["id"],
        title="Guided onboarding",
        stake=5,
        odds=0.5,
        expectedImpact=10,
    )
    assert bet["action"] == {"id": idea["id"], "status": "BET", "title": "Guided onboarding"}
    assert bet["hypothesis"] == idea["hypothesis"]  # the idea's, as the bet gave none
    again = await api.data(
        "query($id: ID!) { action(id: $id) { status bet { id } } }", id=idea["id"]
    )
    assert again["action"] == {"status": "BET", "bet": {"id": bet["id"]}}
    # A bet placed as today makes its action with it.
    direct = await api.bet(kr, stake=1, title="Direct")
    data = await api.data(
        "query($id: ID!) { bet(id: $id) { action { status title derivedFromBet } } }",
        id=direct["id"],
    )
    assert data["bet"]["action"] == {"status": "BET", "title": "Direct", "derivedFromBet": False}
    await api.mutate("resolveBet", "status", id=bet["id"], outcome="VALIDATED")
    listed = await api.data(
        "query($kr: ID!) { keyResult(id: $kr) { actions { title status } "
        "ideas: actions(status: IDEA) { title } } }",
        kr=kr,
    )
    assert listed["keyResult"]["actions"][0] == {
        "title": "Guided onboarding",
        "status": "VALIDATED",
    }
    assert [a["title"] for a in listed["keyResult"]["ideas"]] == ["A", "B", "C"]


async def test_update_drop_and_rank(api: Api) -> None:
    _, _, kr = await setup(api)
    a, b, c = [await propose(api, kr, title=t) for t in ("A", "B", "C")]
    edited = await api.mutate(
        "updateAction", "title size key version", id=a["id"], title="A2", size="XS", key=True
    )
    assert edited == {"title": "A2", "size": "XS", "key": True, "version": 2}
    dropped = await api.mutate(
        "dropAction", "status reason", id=b["id"], reason="Support already does it"
    )
    assert dropped == {"status": "DROPPED", "reason": "Support already does it"}
    ranked = await api.mutate(
        "rankActions", "actions { title rank }", keyResultId=kr, actionIds=[c["id"], a["id"]]
    )
    assert ranked["actions"] == [
        {"title": "C", "rank": 1},
        {"title": "A2", "rank": 2},
        {"title": "B", "rank": None},
    ]
    error = await api.refuse(
        "placeBet",
        keyResultId=kr,
        actionId=b["id"],
        title="B",
        stake=1,
        odds=0.5,
        expectedImpact=1,
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "actionId"}
    assert "DROPPED" in error["message"]
    error = await api.refuse("dropAction", id=a["id"], reason=" ")
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "reason"}


async def test_ranking_only_that_key_results_actions(api: Api) -> None:
    team, year, kr = await setup(api)
    objective = await api.objective(year, team, title="Other")
    other_kr = (await api.key_result(objective["id"], title="Churn"))["id"]
    mine = await propose(api, kr)
    elsewhere = await propose(api, other_kr)
    for ids in ([elsewhere["id"]], [mine["id"], mine["id"]], ["nonsense"]):
        error = await api.refuse("rankActions", keyResultId=kr, actionIds=ids)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "actionIds"}, ids
    data = await api.data("query($id: ID!) { action(id: $id) { rank } }", id=mine["id"])
    assert data["action"]["rank"] is None


async def test_collaboration_offered_accepted_and_declined(api: Api) -> None:
    acme, _, kr = await setup(api)
    beta, gamma = await api.team("Beta"), await api.team("Gamma")
    idea = await propose(api, kr, key=True)
    bea, bea_token = await api.person("bea", (beta, "MEMBER"))
    _, acme_token = await api.person("ann", (acme, "LEAD"))
    offered = await api.mutate(
        "offerCollaboration",
        "collaborations { teamId status note person { handle } }",
        token=bea_token,
        actionId=idea["id"],
        teamId=beta,
        note="We built a tour last year",
        personId=bea,
    )
    assert offered["collaborations"] == [
        {
            "teamId": beta,
            "status": "OFFERED",
            "note": "We built a tour last year",
            "person": {"handle": "bea"},
        }
    ]
    # Only a member of the offering team offers; only the owning team answers.
    error = await api.refuse(
        "offerCollaboration", token=bea_token, actionId=idea["id"], teamId=gamma
    )
    assert error["extensions"]["code"] == "FORBIDDEN"
    error = await api.refuse(
        "acceptCollaboration", token=bea_token, actionId=idea["id"], teamId=beta
    )
    assert error["extensions"]["code"] == "FORBIDDEN"
    error = await api.refuse("offerCollaboration", actionId=idea["id"], teamId=acme)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "teamId"}
    error = await api.refuse(
        "offerCollaboration", actionId=idea["id"], teamId=gamma, personId=bea
    )  # Bea is not of Gamma
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "personId"}
    accepted = await api.mutate(
        "acceptCollaboration",
        "collaborations(status: ACCEPTED) { team { name } }",
        token=acme_token,
        actionId=idea["id"],
        teamId=beta,
    )
    assert accepted["collaborations"] == [{"team": {"name": "Beta"}}]
    error = await api.refuse("acceptCollaboration", actionId=idea["id"], teamId=beta)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "teamId"}
    assert "ACCEPTED" in error["message"]
    await api.mutate("offerCollaboration", "id", actionId=idea["id"], teamId=gamma)
    declined = await api.mutate(
        "declineCollaboration",
        "collaborations { team { name } status }",
        actionId=idea["id"],
        teamId=gamma,
    )
    assert declined["collaborations"] == [
        {"team": {"name": "Beta"}, "status": "ACCEPTED"},
        {"team": {"name": "Gamma"}, "status": "DECLINED"},
    ]
    # The accepted collaborators are listed on the bet placed on it too.
    bet = await api.mutate(
        "placeBet",
        "collaborators { team { name } person { handle } }",
        keyResultId=kr,
        actionId=idea["id"],
        title="Tour",
        stake=1,
        odds=0.5,
        expectedImpact=1,
    )
    assert bet["collaborators"] == [{"team": {"name": "Beta"}, "person": {"handle": "bea"}}]


async def test_find_actions_across_the_organisation(api: Api) -> None:
    _, year, kr = await setup(api)
    await propose(api, kr, title="Onboarding videos", key=True)
    await propose(api, kr, title="Faster support", hypothesis="Onboarding calls help too")
    await propose(api, kr, title="Pricing page", key=True)
    query = """query($s: String, $k: Boolean, $c: ID, $first: Int, $after: String) {
        actions(search: $s, key: $k, cycleId: $c, first: $first, after: $after) {
            totalCount edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }"""
    data = await api.data(query, s="ONBOARDING", k=True, c=year)
    assert [e["node"]["title"] for e in data["actions"]["edges"]] == ["Onboarding videos"]
    data = await api.data(query, s="onboarding")
    assert data["actions"]["totalCount"] == 2
    page = await api.data(query, first=2)
    assert page["actions"]["pageInfo"]["hasNextPage"] is True
    rest = await api.data(query, first=2, after=page["actions"]["pageInfo"]["endCursor"])
    assert [e["node"]["title"] for e in rest["actions"]["edges"]] == ["Pricing page"]


async def test_nothing_on_a_closed_cycle(api: Api) -> None:
    _, year, kr = await setup(api)
    idea = await propose(api, kr)
    await api.mutate("closeCycle", "id", id=year)
    error = await api.refuse("proposeAction", keyResultId=kr, title="Late")
    assert error["extensions"]["code"] == "CYCLE_CLOSED"
    error = await api.refuse("updateAction", id=idea["id"], title="Late")
    assert error["extensions"]["code"] == "CYCLE_CLOSED"
    data = await api.data("query($kr: ID!) { keyResult(id: $kr) { actions { title } } }", kr=kr)
    assert data["keyResult"]["actions"] == [{"title": "Guided onboarding"}]


async def test_node_finds_an_action(api: Api) -> None:
    _, _, kr = await setup(api)
    idea = await propose(api, kr)
    data = await api.data(
        "query($id: ID!) { node(id: $id) { __typename ... on Action { title } } }", id=idea["id"]
    )
    assert data["node"] == {"__typename": "Action", "title": "Guided onboarding"}


async def test_the_retrospective_shows_the_funnel(api: Api) -> None:
    _, year, kr = await setup(api)
    ideas = [await propose(api, kr, title=t) for t in ("A", "B", "C", "D")]
    await api.mutate("dropAction", "id", id=ideas[0]["id"], reason="Too costly")
    for idea, outcome in ((ideas[1], "VALIDATED"), (ideas[2], "INVALIDATED")):
        bet = await api.mutate(
            "placeBet",
            "id",
            keyResultId=kr,
            actionId=idea["id"],
            title=idea["title"],
            stake=1,
            odds=0.5,
            expectedImpact=1,
        )
        await api.mutate("resolveBet", "id", id=bet["id"], outcome=outcome)
    await api.bet(kr)  # an action made with its bet
    data = await api.data(
        "query($c: ID!) { retrospective(cycleId: $c) { organisation { bets { funnel { "
        "proposed ideas bets validated invalidated withdrawn dropped } } } } }",
        c=year,
    )
    assert data["retrospective"]["organisation"]["bets"]["funnel"] == {
        "proposed": 5,
        "ideas": 1,
        "bets": 3,
        "validated": 1,
        "invalidated": 1,
        "withdrawn": 0,
        "dropped": 1,
    }


AUDIT = """query($c: ID!) { alignmentAudit(cycleId: $c) { findings { kind severity entityType
    entity { ... on Action { title } } measured threshold } } }"""


async def test_a_key_action_idle_past_half_the_cycle(settings: Settings, clock: Clock) -> None:
    async with clocked(settings, clock) as api:
        team = await api.team("Acme")
        quarter = await api.cycle("2026-Q4", "2026-10-01", "2026-12-31")
        objective = await api.objective(quarter, team)
        kr = (await api.key_result(objective["id"]))["id"]
        await propose(api, kr, title="Onboarding tour", key=True)
        await propose(api, kr, title="Not key")
        dropped = await propose(api, kr, title="Dropped key", key=True)
        await api.mutate("dropAction", "id", id=dropped["id"], reason="Out of reach")

        def idle(data: dict[str, Any]) -> list[dict[str, Any]]:
            findings = data["alignmentAudit"]["findings"]
            return [f for f in findings if f["kind"] == "KEY_ACTION_IDLE"]

        clock.on("2026-11-10")  # before half the quarter
        assert idle(await api.data(AUDIT, c=quarter)) == []
        clock.on("2026-11-20")
        assert idle(await api.data(AUDIT, c=quarter)) == [
            {
                "kind": "KEY_ACTION_IDLE",
                "severity": "WARNING",
                "entityType": "ACTION",
                "entity": {"title": "Onboarding tour"},
                "measured": 0.549,  # 50 of 91 days
                "threshold": 0.5,
            }
        ]


async def test_action_changed_streams_a_teams_actions(api: Api) -> None:
    team, year, kr = await setup(api)
    beta = await api.objective(year, await api.team("Beta"))
    other_kr = (await api.key_result(beta["id"]))["id"]
    live = api.subscribe(
        "subscription($t: ID) { actionChanged(teamId: $t) { title status } }", t=team
    )
    async with live as on_action:
        await asyncio.sleep(0.2)  # the subscription is registered server-side
        await propose(api, other_kr, title="Elsewhere")  # another team: filtered out
        idea = await propose(api, kr, title="Tour")
        assert (await on_action.next())["actionChanged"] == {"title": "Tour", "status": "IDEA"}
        await api.mutate("dropAction", "id", id=idea["id"], reason="Later")
        assert (await on_action.next())["actionChanged"] == {"title": "Tour", "status": "DROPPED"}
        await api.bet(kr, title="Direct")  # its action is made with it: one message
        assert (await on_action.next())["actionChanged"] == {"title": "Direct", "status": "BET"}
        await on_action.nothing_within(0.5)


async def test_the_portfolio_suggests_an_order_by_value_per_stake(api: Api) -> None:
    team, year, kr = await setup(api)
    await propose(api, kr, title="Cheap", stake=1, odds=0.5, expectedImpact=4)  # 2 per stake
    await propose(api, kr, title="Unestimated", size="S")
    await propose(api, kr, title="Costly", stake=10, odds=0.9, expectedImpact=10)  # 0.9
    best = await propose(api, kr, title="Best", stake=2, odds=1, expectedImpact=6)  # 3
    assert best["valuePerStake"] == 3
    changed = await api.mutate("updateAction", "valuePerStake", id=best["id"], stake=None)
    assert changed == {"valuePerStake": None}  # no longer a whole estimate
    await api.mutate("updateAction", "id", id=best["id"], stake=2)
    error = await api.refuse("proposeAction", keyResultId=kr, title="X", odds=1.5)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "odds"}
    # An estimate is checked as a bet's figures are: an impact of zero is refused.
    error = await api.refuse("proposeAction", keyResultId=kr, title="X", expectedImpact=0)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "expectedImpact"}
    error = await api.refuse("updateAction", id=best["id"], expectedImpact=1e-12)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "expectedImpact"}
    data = await api.data(
        "query($t: ID!, $c: ID!) { portfolio(teamId: $t, cycleId: $c) { staked "
        "suggestedOrder { place valuePerStake action { title } } } }",
        t=team,
        c=year,
    )
    assert data["portfolio"]["staked"] == 0  # ideas stake nothing
    assert data["portfolio"]["suggestedOrder"] == [
        {"place": 1, "valuePerStake": 3, "action": {"title": "Best"}},
        {"place": 2, "valuePerStake": 2, "action": {"title": "Cheap"}},
        {"place": 3, "valuePerStake": 0.9, "action": {"title": "Costly"}},
    ]
