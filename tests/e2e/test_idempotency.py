"""Idempotency keys and concurrent writers: nothing applied twice, nothing lost."""

from __future__ import annotations

import asyncio

from tests.support.api import Api


async def test_a_retry_returns_the_first_answer_and_appends_nothing(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"])
    first = await api.check_in(kr["id"], value=30, idempotencyKey="checkin-42")
    head = api.backend.app.recorder.max_notification_id()
    again = await api.check_in(kr["id"], value=30, idempotencyKey="checkin-42")
    assert again == first
    assert api.backend.app.recorder.max_notification_id() == head
    history = await api.data(
        "query($id: ID!) { keyResult(id: $id) { checkIns { nodes { value } } } }", id=kr["id"]
    )
    assert len(history["keyResult"]["checkIns"]["nodes"]) == 1

    error = await api.refuse(
        "recordCheckIn", keyResultId=kr["id"], value=31, idempotencyKey="checkin-42"
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "idempotencyKey"}
    assert api.backend.app.recorder.max_notification_id() == head

    # Keys belong to their user: another person may use the same key.
    await api.check_in(kr["id"], value=32, idempotencyKey="checkin-42", actor="sam")
    created = await api.mutate("createTeam", "id", name="Ops", idempotencyKey="team-ops")
    retried = await api.mutate("createTeam", "id", name="Ops", idempotencyKey="team-ops")
    assert created == retried
    assert (await api.data("{ teams { totalCount } }"))["teams"]["totalCount"] == 2


async def test_concurrent_retries_with_one_key_apply_once(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"])
    query = "mutation($input: PlaceBetInput!) { placeBet(input: $input) { id } }"
    input = {
        "keyResultId": kr["id"],
        "title": "Once",
        "stake": 2,
        "odds": 0.5,
        "expectedImpact": 1,
        "idempotencyKey": "bet-once",
    }
    answers = await asyncio.gather(*(api.post(query, {"input": input}) for _ in range(10)))
    assert all("errors" not in a for a in answers), answers
    assert len({a["data"]["placeBet"]["id"] for a in answers}) == 1
    bets = await api.data("query($id: ID!) { keyResult(id: $id) { bets { id } } }", id=kr["id"])
    assert len(bets["keyResult"]["bets"]) == 1


async def test_a_retry_racing_the_first_attempt_gets_its_answer(api: Api) -> None:
    """Commands that cannot run twice (a versioned edit, a bet's resolution) must not
    refuse their own retry when it arrives while the first attempt is saving."""
    team, year = await api.team("Acme"), await api.year()
    for round_ in range(4):
        objective = await api.objective(year, team)
        kr = await api.key_result(objective["id"])
        bet = await api.bet(kr["id"])
        edit = {
            "id": objective["id"],
            "expectedVersion": objective["version"],
            "title": f"Renamed {round_}",
            "idempotencyKey": f"rename-{round_}",
        }
        resolve = {"id": bet["id"], "outcome": "VALIDATED", "idempotencyKey": f"won-{round_}"}
        head = api.backend.app.recorder.max_notification_id() or 0
        answers = await asyncio.gather(
            *(
                api.post(
                    "mutation($i: UpdateObjectiveInput!) { updateObjective(input: $i) "
                    "{ id title } }",
                    {"i": edit},
                )
                for _ in range(3)
            ),
            *(
                api.post(
                    "mutation($i: ResolveBetInput!) { resolveBet(input: $i) { id status } }",
                    {"i": resolve},
                )
                for _ in range(3)
            ),
        )
        assert all("errors" not in a for a in answers), answers
        assert {a["data"]["updateObjective"]["title"] for a in answers[:3]} == {f"Renamed {round_}"}
        assert {a["data"]["resolveBet"]["status"] for a in answers[3:]} == {"VALIDATED"}
        trail = await api.data(
            "query($id: ID!) { auditTrail(filter: {entityId: $id}, first: 100) { nodes { "
            "eventType position } } }",
            id=objective["id"],
        )
        renames = [
            e
            for e in trail["auditTrail"]["nodes"]
            if e["eventType"] == "ObjectiveUpdated" and e["position"] > head
        ]
        assert len(renames) == 1  # applied once


async def test_twenty_clients_editing_one_objective_lose_nothing(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year()
    objective = await api.objective(year, team)
    query = (
        "mutation($input: UpdateObjectiveInput!) { updateObjective(input: $input) "
        "{ title version } }"
    )

    async def client(n: int) -> list[str]:
        applied = []
        for attempt in range(5):
            current = await api.data(
                "query($id: ID!) { objective(id: $id) { version } }", id=objective["id"]
            )
            title = f"client {n} edit {attempt}"
            body = await api.post(
                query,
                {
                    "input": {
                        "id": objective["id"],
                        "expectedVersion": current["objective"]["version"],
                        "title": title,
                    }
                },
            )
            if "errors" in body:
                assert body["errors"][0]["extensions"]["code"] == "VERSION_CONFLICT", body
            else:
                applied.append(title)
        return applied

    applied = [
        t for titles in await asyncio.gather(*(client(n) for n in range(20))) for t in titles
    ]
    final = await api.data(
        "query($id: ID!) { objective(id: $id) { title version } }", id=objective["id"]
    )
    # Every applied edit is a version; the last one applied is what the objective shows.
    assert final["objective"]["version"] == 1 + len(applied)
    assert final["objective"]["title"] in applied


async def test_twenty_concurrent_check_ins_without_versions_all_land(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year()
    objective = await api.objective(year, team)
    kr = await api.key_result(objective["id"])
    await asyncio.gather(*(api.check_in(kr["id"], value=i) for i in range(20)))
    data = await api.data(
        "query($id: ID!) { keyResult(id: $id) { version checkIns { nodes { value } } } }",
        id=kr["id"],
    )
    assert data["keyResult"]["version"] == 21
    assert sorted(c["value"] for c in data["keyResult"]["checkIns"]["nodes"]) == list(range(20))
