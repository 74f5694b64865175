"""Live updates: subscriptions hear of changes once queries can see them."""

from __future__ import annotations

import asyncio

from tests.support.api import Api

KEY_RESULTS = """subscription($o: ID, $t: ID, $c: ID) {
  keyResultChanged(objectiveId: $o, teamId: $t, cycleId: $c) { id score currentValue } }"""


async def test_key_result_subscription_sees_check_ins(api: Api) -> None:
    team, other_team, year = await api.team("Acme"), await api.team("Other"), await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"], startValue=0, targetValue=10)
    elsewhere = await api.objective(year, other_team)
    other_kr = await api.key_result(elsewhere["id"], startValue=0, targetValue=10)

    async with api.subscribe(KEY_RESULTS, t=team) as live:
        await asyncio.sleep(0.2)  # the subscription is registered server-side
        await api.check_in(other_kr["id"], value=9)  # another team: filtered out
        await api.check_in(kr["id"], value=4)
        message = await live.next()
        assert message["keyResultChanged"] == {"id": kr["id"], "score": 0.4, "currentValue": 4}
        # Read-your-writes holds for subscribers too: the views already show it.
        seen = await api.data("query($id: ID!) { keyResult(id: $id) { score } }", id=kr["id"])
        assert seen["keyResult"]["score"] == 0.4


async def test_objective_bet_and_raw_event_feeds(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"], startValue=0, targetValue=10)
    objectives = api.subscribe("subscription { objectiveChanged { id score } }")
    bets = api.subscribe("subscription($t: ID) { betChanged(teamId: $t) { title status } }", t=team)
    raw = api.subscribe(
        "subscription($e: ID, $types: [String!]) { events(entityId: $e, eventTypes: $types) "
        "{ position eventType entityType entityId actor data } }",
        e=kr["id"],
        types=["CheckInRecorded"],
    )
    async with objectives as on_objective, bets as on_bet, raw as on_event:
        await asyncio.sleep(0.2)
        await api.check_in(kr["id"], value=5, note="halfway", actor="sam")
        assert (await on_objective.next())["objectiveChanged"] == {
            "id": objective["id"],
            "score": 0.5,
        }
        event = (await on_event.next())["events"]
        assert event["eventType"] == "CheckInRecorded"
        assert event["entityType"] == "KeyResult" and event["entityId"] == kr["id"]
        assert event["actor"] == "sam"
        assert event["data"]["value"] == 5 and event["data"]["note"] == "halfway"
        await api.bet(kr["id"], title="Spike")
        assert (await on_bet.next())["betChanged"] == {"title": "Spike", "status": "PLACED"}
        await on_event.nothing_within(0.5)  # placing a bet is not a check-in


async def test_the_raw_feed_carries_okr_history_only(api: Api) -> None:
    """Tokens (their hashes) and idempotency keys are nobody's business but their owner's."""
    team, year = await api.team("Acme"), await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"], startValue=0, targetValue=10)
    async with api.subscribe("subscription { events { eventType data } }") as on_event:
        await asyncio.sleep(0.2)
        await api.token("new.admin", "admin")
        await api.check_in(kr["id"], value=3, idempotencyKey="private-key")
        event = (await on_event.next())["events"]
        assert event["eventType"] == "CheckInRecorded"
        assert not {"hash", "chain_hash", "chain_prev", "key"} & set(event["data"])
        await on_event.nothing_within(0.5)
