"""The audit trail: who changed what, from what, to what and why, paged by log position."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from tests.support.api import Api

TRAIL = """
query($filter: AuditTrailFilter, $first: Int, $after: String, $order: HistoryOrder) {
  auditTrail(filter: $filter, first: $first, after: $after, order: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes {
      position recordedAt actor eventType entityType entityId cycleId streamVersion
      changes { field from to } reason hash
    }
  }
}
"""


async def trail(api: Api, **variables: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(TRAIL, **variables))["auditTrail"]
    return result


async def lowered_target(api: Api) -> dict[str, str]:
    """A key result checked in three times, its target lowered with a reason, checked again."""
    team, year = await api.team("Acme"), await api.year()
    objective = (await api.objective(year, team, "Grow"))["id"]
    kr = (await api.key_result(objective, "NPS", startValue=20, targetValue=50))["id"]
    for value in (25, 30, 32):
        await api.check_in(kr, value=value, confidence=0.6)
    await api.mutate(
        "updateKeyResult",
        "id",
        id=kr,
        expectedVersion=4,
        targetValue=40,
        reason="Budget cut in March",
    )
    await api.check_in(kr, value=35, confidence=0.8, note="Pilot went live")
    return {"team": team, "year": year, "objective": objective, "kr": kr}


async def test_paging_through_a_target_change(api: Api) -> None:
    ids = await lowered_target(api)
    first = await trail(api, filter={"entityId": ids["kr"]}, first=2)
    assert first["totalCount"] == 6  # added, four check-ins, the target change
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    latest, change = first["nodes"]
    assert [latest["eventType"], change["eventType"]] == [
        "CheckInRecorded",
        "KeyResultTargetChanged",
    ]
    assert change["changes"] == [{"field": "targetValue", "from": 50.0, "to": 40.0}]
    assert change["reason"] == "Budget cut in March"
    assert change["actor"] == "admin"
    assert change["entityType"] == "KEY_RESULT" and change["entityId"] == ids["kr"]
    assert change["cycleId"] == ids["year"]
    assert re.fullmatch("[0-9a-f]{64}", change["hash"])
    assert latest["reason"] == "Pilot went live"
    assert {"field": "value", "from": 32.0, "to": 35.0} in latest["changes"]
    assert latest["position"] > change["position"]

    # A new event arrives between pages: the next page does not shift.
    await api.check_in(ids["kr"], value=36)
    second = await trail(
        api, filter={"entityId": ids["kr"]}, first=2, after=first["pageInfo"]["endCursor"]
    )
    assert [n["eventType"] for n in second["nodes"]] == ["CheckInRecorded"] * 2
    assert [c["to"] for n in second["nodes"] for c in n["changes"] if c["field"] == "value"] == [
        32.0,
        30.0,
    ]
    assert second["pageInfo"]["hasPreviousPage"]
    third = await trail(
        api, filter={"entityId": ids["kr"]}, first=5, after=second["pageInfo"]["endCursor"]
    )
    assert [n["eventType"] for n in third["nodes"]] == ["CheckInRecorded", "KeyResultAdded"]
    assert not third["pageInfo"]["hasNextPage"]
    added = third["nodes"][1]
    assert {"field": "targetValue", "from": None, "to": 50.0} in added["changes"]
    assert {"field": "title", "from": None, "to": "NPS"} in added["changes"]

    oldest = await trail(api, filter={"entityId": ids["kr"]}, first=1, order="OLDEST_FIRST")
    assert oldest["nodes"][0]["eventType"] == "KeyResultAdded"
    assert oldest["totalCount"] == 7


async def test_filters(api: Api) -> None:
    ids = await lowered_target(api)
    changes = await trail(api, filter={"eventTypes": ["KeyResultTargetChanged"]})
    assert changes["totalCount"] == 1
    moment = datetime.fromisoformat(changes["nodes"][0]["recordedAt"])
    window = {"from": moment.isoformat(), "to": (moment + timedelta(microseconds=1)).isoformat()}
    assert [n["eventType"] for n in (await trail(api, filter=window))["nodes"]] == [
        "KeyResultTargetChanged"
    ]
    before = await trail(api, filter={"to": moment.isoformat(), "entityId": ids["kr"]})
    assert before["totalCount"] == 4  # added and three check-ins

    everything = await trail(api, filter={"entityId": ids["objective"], "withKeyResults": True})
    own = await trail(api, filter={"entityId": ids["objective"]})
    assert everything["totalCount"] == 7 and own["totalCount"] == 1
    assert own["nodes"][0]["eventType"] == "ObjectiveCreated"
    assert {"field": "title", "from": None, "to": "Grow"} in own["nodes"][0]["changes"]

    teams = await trail(api, filter={"entityType": "TEAM"})
    assert [n["entityId"] for n in teams["nodes"]] == [ids["team"]]
    in_year = await trail(api, filter={"cycleId": ids["year"], "entityType": "CYCLE"}, first=10)
    assert [n["eventType"] for n in in_year["nodes"]] == ["ObjectiveScheduled", "CycleOpened"]
    assert (await trail(api, filter={"actor": "admin"}))["totalCount"] == 10
    assert (await trail(api, filter={"actor": "nobody"}))["totalCount"] == 0


async def test_bad_filters_name_the_field(api: Api) -> None:
    await lowered_target(api)
    cases = [
        ({"filter": {"eventTypes": ["TargetLowered"]}}, "eventTypes"),
        ({"filter": {"from": "2026-05-01T00:00:00Z", "to": "2026-04-01T00:00:00Z"}}, "to"),
        ({"first": 101}, "first"),
        ({"after": "bm9wZQ=="}, "after"),
    ]
    for variables, field in cases:
        error = await api.error(TRAIL, **variables)
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, variables


async def test_entries_carry_the_chain_hash_of_their_event(api: Api) -> None:
    ids = await lowered_target(api)
    entries = (await trail(api, filter={"entityId": ids["kr"]}, first=10))["nodes"]
    app = api.backend.app
    for entry in entries:
        [notification] = app.recorder.select_notifications(entry["position"], 1)
        event = app.mapper.to_domain_event(notification)
        assert entry["hash"] == event.chain_hash  # type: ignore[attr-defined]
        assert entry["streamVersion"] == event.originator_version
