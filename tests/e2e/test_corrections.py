"""Corrections (issue 14): a check-in retracted or corrected is itself an event; nothing is
erased, the history shows the mistake and its correction, and time travel before the
correction shows what was believed then. Through GraphQL, on both stores."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from gateway.settings import Settings
from tests.e2e.test_previous_release import ADMIN, open_previous_release
from tests.support.api import Api, running
from tests.support.processes import okra, store_args

TODAY = date.today()

CHECK_IN = """
    id value milestonesDone confidence note asOf recordedBy retracted retractedAt retractedBy
    retractionReason correctedFrom correctedBy
"""
KR = f"""
    id version currentValue milestonesDone asOf confidence score
    checkIns(first: 10) {{ totalCount nodes {{ {CHECK_IN} }} }}
"""


def earlier(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


async def measured(api: Api) -> dict[str, Any]:
    """A metric key result checked in three times, the last a typo (1e12, the most a
    check-in takes)."""
    team, year = await api.team("Acme"), await api.year(str(TODAY.year))
    objective = (await api.objective(year, team, "Grow"))["id"]
    kr = (await api.key_result(objective, "NPS", startValue=20, targetValue=50))["id"]
    await api.check_in(kr, value=26, confidence=0.5, asOf=earlier(14))
    await api.check_in(kr, value=35, confidence=0.6, asOf=earlier(7))
    typo = await api.check_in(kr, value=1e12, confidence=0.9, asOf=earlier(1))
    return {"objective": objective, "kr": kr, "typo": typo}


async def key_result(api: Api, kr: str) -> dict[str, Any]:
    data = await api.data(f"query($id: ID!) {{ keyResult(id: $id) {{ {KR} }} }}", id=kr)
    result: dict[str, Any] = data["keyResult"]
    return result


async def test_check_ins_have_stable_ids_that_node_finds(api: Api) -> None:
    ids = await measured(api)
    nodes = (await key_result(api, ids["kr"]))["checkIns"]["nodes"]
    # <key result>@<version of the objective's stream that recorded it>
    assert [n["id"] for n in nodes] == [f"{ids['kr']}@{v}" for v in (5, 4, 3)]
    assert not any(n["retracted"] for n in nodes)
    found = await api.data(
        "query($id: ID!) { node(id: $id) { __typename ... on CheckIn { value } } }",
        id=nodes[1]["id"],
    )
    assert found["node"] == {"__typename": "CheckIn", "value": 35.0}


async def test_a_retracted_check_in_stops_counting_and_stays_in_history(api: Api) -> None:
    ids = await measured(api)
    typo_id = (await key_result(api, ids["kr"]))["checkIns"]["nodes"][0]["id"]
    before = datetime.now().astimezone()
    head = api.backend.app.recorder.max_notification_id()
    answer = await api.mutate(
        "retractCheckIn", KR, checkInId=typo_id, reason="Typed 1e12 by accident"
    )
    assert api.backend.app.recorder.max_notification_id() == head + 1  # one event
    # The key result falls back to the latest remaining check-in.
    assert answer["currentValue"] == 35.0 and answer["asOf"] == earlier(7)
    assert answer["confidence"] == 0.6 and answer["score"] == 0.5
    retracted = answer["checkIns"]["nodes"][0]
    assert retracted["id"] == typo_id and retracted["value"] == 1e12
    assert retracted["retracted"] is True
    assert retracted["retractionReason"] == "Typed 1e12 by accident"
    assert retracted["retractedBy"] == "admin" and retracted["correctedBy"] is None
    objective = await api.data(
        "query($id: ID!) { objective(id: $id) { score } }", id=ids["objective"]
    )
    assert objective["objective"]["score"] == 0.5

    # The audit trail lists the retraction with its reason.
    trail = await api.data(
        """query($id: ID!) { auditTrail(filter: { entityId: $id,
             eventTypes: ["CheckInRetracted"] }) {
               nodes { actor reason changes { field from to } } } }""",
        id=ids["kr"],
    )
    (entry,) = trail["auditTrail"]["nodes"]
    assert entry["reason"] == "Typed 1e12 by accident" and entry["actor"] == "admin"
    assert {"field": "checkInId", "from": typo_id, "to": None} in entry["changes"]
    assert {"field": "value", "from": 1e12, "to": 35.0} in entry["changes"]

    # Time travel before the retraction shows the check-in as it was, counting.
    past = await api.data(
        """query($id: ID!, $at: DateTime!) { keyResultAsOf(id: $id, asOf: $at) {
              currentValue checkIns(first: 10) { nodes { entityId retracted retractionReason } }
            } }""",
        id=ids["kr"],
        at=(before - timedelta(milliseconds=1)).isoformat(),
    )
    then = past["keyResultAsOf"]
    assert then["currentValue"] == 1e12
    assert then["checkIns"]["nodes"][0] == {
        "entityId": typo_id, "retracted": False, "retractionReason": None
    }  # fmt: skip

    # A second retraction of the same check-in is refused, storing nothing.
    head = api.backend.app.recorder.max_notification_id()
    error = await api.refuse("retractCheckIn", checkInId=typo_id, reason="Again")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "checkInId"
    assert api.backend.app.recorder.max_notification_id() == head


async def test_retracting_every_check_in_leaves_no_measurement(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year(str(TODAY.year))
    objective = (await api.objective(year, team, "Ship"))["id"]
    kr = (await api.key_result(objective, "Launch", milestones=["Alpha", "Beta", "GA"]))["id"]
    await api.check_in(kr, milestonesDone=2)
    only = (await key_result(api, kr))["checkIns"]["nodes"][0]["id"]
    answer = await api.mutate("retractCheckIn", KR, checkInId=only, reason="Not yet")
    assert answer["milestonesDone"] == 0 and answer["asOf"] is None and answer["score"] == 0.0


async def test_a_correction_replaces_a_check_in_and_keeps_the_original(api: Api) -> None:
    ids = await measured(api)
    typo_id = (await key_result(api, ids["kr"]))["checkIns"]["nodes"][0]["id"]
    answer = await api.mutate("correctCheckIn", KR, checkInId=typo_id, value=38, reason="Meant 38")
    assert answer["currentValue"] == 38.0 and answer["asOf"] == earlier(1)
    assert answer["confidence"] == 0.9  # kept from the original
    new, original = answer["checkIns"]["nodes"][:2]
    assert new["correctedFrom"] == typo_id and not new["retracted"] and new["value"] == 38.0
    assert original["id"] == typo_id and original["retracted"] is True
    assert original["correctedBy"] == new["id"]
    assert original["retractionReason"] == "Meant 38"
    # A correction that moves a check-in back in time: an older one counts again.
    moved = await api.mutate(
        "correctCheckIn", KR, checkInId=new["id"], asOf=earlier(20), reason="Old number"
    )
    assert moved["currentValue"] == 35.0 and moved["asOf"] == earlier(7)


async def test_corrections_need_a_reason_and_a_known_check_in(api: Api) -> None:
    ids = await measured(api)
    typo_id = (await key_result(api, ids["kr"]))["checkIns"]["nodes"][0]["id"]
    head = api.backend.app.recorder.max_notification_id()
    error = await api.refuse("retractCheckIn", checkInId=typo_id, reason=" ")
    assert error["extensions"]["field"] == "reason"
    error = await api.refuse("correctCheckIn", checkInId=typo_id, value=30, reason="")
    assert error["extensions"]["field"] == "reason"
    error = await api.refuse("correctCheckIn", checkInId=typo_id, milestonesDone=1, reason="x")
    assert error["extensions"]["field"] == "milestonesDone"
    # A correction is held to the rules of a check-in: its asOf inside its cycle's days.
    error = await api.refuse("correctCheckIn", checkInId=typo_id, asOf="2019-03-01", reason="x")
    assert error["extensions"]["field"] == "asOf" and "cycle" in error["message"]
    for unknown in (f"{ids['kr']}@999", f"{ids['kr']}@2", "nonsense", f"{ids['objective']}.9@3"):
        error = await api.refuse("retractCheckIn", checkInId=unknown, reason="x")
        assert error["extensions"]["code"] == "NOT_FOUND", unknown
    assert api.backend.app.recorder.max_notification_id() == head


OLD_OBJECTIVES = """{ objectives(first: 100) { nodes { title status keyResults { id currentValue
    checkIns(first: 2) { totalCount nodes { id value } } } } } }"""


async def test_a_check_in_of_the_previous_release_is_retracted(
    settings: Settings, tmp_path: Path
) -> None:
    """Its objective has a snapshot taken before check-ins were remembered: the command
    replays the stream to learn them; ids of old check-ins come from their position."""
    open_previous_release(settings, tmp_path)
    async with running(settings) as api:
        page = await api.data(OLD_OBJECTIVES, token=ADMIN)
        recovery = next(
            o
            for o in page["objectives"]["nodes"]
            if o["title"] == "Make recovery automatic" and o["status"] != "CLOSED"
        )
        kr = recovery["keyResults"][0]
        latest, previous = kr["checkIns"]["nodes"]
        assert kr["currentValue"] == latest["value"] != previous["value"]
        answer = await api.mutate(
            "retractCheckIn",
            "currentValue checkIns(first: 1) { totalCount nodes { id retracted } }",
            token=ADMIN,
            checkInId=latest["id"],
            reason="Measured on the wrong cluster",
        )
        assert answer["currentValue"] == previous["value"]
        assert answer["checkIns"] == {
            "totalCount": kr["checkIns"]["totalCount"],
            "nodes": [{"id": latest["id"], "retracted": True}],
        }
    verified = okra("audit", "verify", *store_args(settings)).stdout
    assert verified.startswith("OK: 1,028 events in 116 streams verified")


PORTFOLIO = """query($team: ID!, $cycle: ID!) { portfolio(teamId: $team, cycleId: $cycle) {
    staked bets { id status learning action { status } } } }"""


async def test_a_key_result_removed_frees_its_stakes_and_stays_in_history(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year(str(TODAY.year))
    objective = (await api.objective(year, team, "Grow"))["id"]
    keep = (await api.key_result(objective, "NPS", startValue=0, targetValue=10))["id"]
    wrong = (await api.key_result(objective, "Typo", startValue=0, targetValue=10))["id"]
    await api.check_in(keep, value=8)
    await api.check_in(wrong, value=1)
    placed = await api.bet(wrong, stake=4)
    kept_bet = await api.bet(keep, stake=3)
    await api.mutate("setStakeBudget", "teamId", teamId=team, cycleId=year, budget=7)
    before = datetime.now().astimezone()
    head = api.backend.app.recorder.max_notification_id()

    error = await api.refuse("removeKeyResult", id=wrong, expectedVersion=1, reason="Typo")
    assert error["extensions"]["code"] == "VERSION_CONFLICT"
    error = await api.refuse("removeKeyResult", id=wrong, expectedVersion=2, reason="")
    assert error["extensions"]["field"] == "reason"
    assert api.backend.app.recorder.max_notification_id() == head

    answer = await api.mutate(
        "removeKeyResult",
        "id score keyResults { id } bets { id }",
        id=wrong,
        expectedVersion=2,
        reason="Added by mistake",
    )
    assert answer == {
        "id": objective, "score": 0.8, "keyResults": [{"id": keep}],
        "bets": [{"id": kept_bet["id"]}],
    }  # fmt: skip
    # One save: the removal, the bet withdrawn (and its action), its stake released.
    assert api.backend.app.recorder.max_notification_id() == head + 4
    stakes = (await api.data(PORTFOLIO, team=team, cycle=year))["portfolio"]
    assert stakes["staked"] == 3.0
    statuses = {b["id"]: (b["status"], b["learning"]) for b in stakes["bets"]}
    assert statuses[placed["id"]] == (
        "WITHDRAWN", "Its key result was removed: Added by mistake"
    )  # fmt: skip
    actions = {b["id"]: b["action"]["status"] for b in stakes["bets"]}
    assert actions == {placed["id"]: "WITHDRAWN", kept_bet["id"]: "BET"}
    assert statuses[kept_bet["id"]][0] == "PLACED"
    # The freed stake can be bet again within the budget.
    await api.bet(keep, stake=4)

    gone = await api.data("query($id: ID!) { keyResult(id: $id) { id } }", id=wrong)
    assert gone["keyResult"] is None
    error = await api.refuse("recordCheckIn", keyResultId=wrong, value=2)
    assert error["extensions"]["code"] == "NOT_FOUND"
    # Its number is not given again.
    added = await api.key_result(objective, "Another")
    assert added["id"] == f"{objective}.3"
    # History and time travel keep it.
    trail = await api.data(
        """query($id: ID!) { auditTrail(filter: { entityId: $id,
             eventTypes: ["KeyResultRemoved"] }) {
               nodes { reason changes { field from to } } } }""",
        id=wrong,
    )
    assert trail["auditTrail"]["nodes"] == [
        {
            "reason": "Added by mistake",
            "changes": [
                {"field": "removed", "from": False, "to": True},
                {"field": "title", "from": "Typo", "to": None},
            ],
        }
    ]
    past = await api.data(
        """query($id: ID!, $kr: ID!, $at: DateTime!) {
             objectiveAsOf(id: $id, asOf: $at) { score keyResults { entityId } }
             keyResultAsOf(id: $kr, asOf: $at) { title currentValue } }""",
        id=objective,
        kr=wrong,
        at=(before - timedelta(milliseconds=1)).isoformat(),
    )
    assert past["objectiveAsOf"] == {
        "score": 0.45, "keyResults": [{"entityId": keep}, {"entityId": wrong}]
    }  # fmt: skip
    assert past["keyResultAsOf"] == {"title": "Typo", "currentValue": 1.0}


async def test_a_closed_cycle_keeps_its_key_results_and_check_ins(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year(str(TODAY.year))
    quarter = await api.cycle("Q1", f"{TODAY.year}-01-01", f"{TODAY.year}-03-31", year)
    objective = (await api.objective(quarter, team, "Grow"))["id"]
    kr = (await api.key_result(objective, "NPS", startValue=0, targetValue=10))["id"]
    checked = await api.mutate(
        "recordCheckIn",
        "checkIns(first: 1) { nodes { id } }",
        keyResultId=kr,
        value=3,
        asOf=f"{TODAY.year}-03-01",
    )
    check_in = checked["checkIns"]["nodes"][0]["id"]
    await api.mutate("closeCycle", "id", id=quarter)
    for operation, input in (
        ("removeKeyResult", {"id": kr, "expectedVersion": 2, "reason": "Late"}),
        ("retractCheckIn", {"checkInId": check_in, "reason": "Late"}),
        ("correctCheckIn", {"checkInId": check_in, "value": 4, "reason": "Late"}),
    ):
        error = await api.refuse(operation, **input)
        assert error["extensions"]["code"] == "CYCLE_CLOSED", operation


MILESTONES = """
    id milestonesDone score milestones { index title done doneOn }
    checkIns(first: 5) { nodes { id milestonesDone doneMilestones } }
"""


async def test_milestones_done_out_of_order(api: Api) -> None:
    team, year = await api.team("Acme"), await api.year(str(TODAY.year))
    objective = (await api.objective(year, team, "Ship"))["id"]
    kr = await api.key_result(objective, "Launch", milestones=["Alpha", "Beta", "GA", "Docs"])
    await api.mutate("recordCheckIn", "id", keyResultId=kr["id"], milestonesDone=1,
                     asOf=earlier(20))  # fmt: skip
    answer = await api.mutate(
        "recordCheckIn", MILESTONES, keyResultId=kr["id"], doneMilestones=[3, 0], asOf=earlier(9)
    )
    assert answer["milestonesDone"] == 2 and answer["score"] == 0.5
    assert answer["milestones"] == [
        {"index": 0, "title": "Alpha", "done": True, "doneOn": earlier(20)},
        {"index": 1, "title": "Beta", "done": False, "doneOn": None},
        {"index": 2, "title": "GA", "done": False, "doneOn": None},
        {"index": 3, "title": "Docs", "done": True, "doneOn": earlier(9)},
    ]
    latest = answer["checkIns"]["nodes"][0]
    assert latest["milestonesDone"] == 2 and latest["doneMilestones"] == [0, 3]
    # A correction names other milestones; retracting it falls back to the count.
    corrected = await api.mutate(
        "correctCheckIn", MILESTONES, checkInId=latest["id"], doneMilestones=[1], reason="Oops"
    )
    assert [m["done"] for m in corrected["milestones"]] == [False, True, False, False]
    fixed = corrected["checkIns"]["nodes"][0]["id"]
    back = await api.mutate("retractCheckIn", MILESTONES, checkInId=fixed, reason="Not yet")
    assert [m["done"] for m in back["milestones"]] == [True, False, False, False]
    for bad, field in (
        ({"doneMilestones": [4]}, "doneMilestones"),
        ({"doneMilestones": [1, 1]}, "doneMilestones"),
        ({"doneMilestones": [1], "milestonesDone": 2}, "milestonesDone"),
    ):
        error = await api.refuse("recordCheckIn", keyResultId=kr["id"], **bad)
        assert error["extensions"]["field"] == field, bad
    metric = await api.key_result(objective, "NPS")
    error = await api.refuse("recordCheckIn", keyResultId=metric["id"], doneMilestones=[0])
    assert error["extensions"]["field"] == "doneMilestones"
