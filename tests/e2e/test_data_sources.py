"""Data sources (issue 17): key results that update themselves from real sources on
127.0.0.1, on a schedule the test moves with the clock (never sleeping)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from standardwebhooks.webhooks import Webhook

from gateway.backend import make_lease
from gateway.http.app import create_app
from gateway.settings import Settings
from tests.support.api import Api
from tests.support.clock import Clock, clocked
from tests.support.sources import Served, json_server

SOURCE = """id version kind status schedule url jsonPath query headerName hasSecret
            lastRunAt lastValue lastError failures nextRunAt pushPath pushSecret keyResultId"""
KEY_RESULT = """
query($id: ID!) { keyResult(id: $id) {
  id currentValue confidence
  dataSource { id kind schedule lastRunAt lastValue lastError nextRunAt failures }
  checkIns(first: 10) { nodes { id value confidence note recordedBy asOf } }
} }
"""


@pytest.fixture
def source_settings(settings: Settings) -> Settings:
    """The store's settings, with a secret key, receivers on 127.0.0.1 allowed and the
    background schedule out of the way (the tests run what is due themselves)."""
    return settings.model_copy(
        update={
            "secret_key": "test-secret-key-for-data-sources",
            "webhook_allow_private": True,
            "sources_interval": 3600.0,
        }
    )


@pytest.fixture
async def sources_api(source_settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    async with clocked(source_settings, clock) as api:
        yield api


@contextlib.asynccontextmanager
async def reopened(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The app again on a store that has been used (signed in with an admin token)."""
    app = create_app(settings, clock=clock)
    async with (
        LifespanManager(app, startup_timeout=60) as manager,
        Api.connect(manager.app, app) as api,
    ):
        yield api


@pytest.fixture
def served() -> Iterator[Served]:
    with json_server() as server:
        yield server


async def metric(api: Api) -> dict[str, Any]:
    team = await api.team("Platform")
    year = await api.year()
    objective = await api.objective(year, team)
    return await api.key_result(objective["id"], "Active users", startValue=0, targetValue=100)


async def key_result(api: Api, kr_id: str) -> dict[str, Any]:
    result: dict[str, Any] = (await api.data(KEY_RESULT, id=kr_id))["keyResult"]
    return result


async def test_http_json_source_moves_its_key_result_on_schedule(
    sources_api: Api, clock: Clock, served: Served
) -> None:
    api = sources_api
    kr = await metric(api)
    await api.check_in(kr["id"], value=10, confidence=0.7, note="by hand")
    source = await api.mutate(
        "connectDataSource",
        SOURCE,
        keyResultId=kr["id"],
        kind="HTTP_JSON",
        schedule="1h",
        url=served.url + "/metrics.json",
        jsonPath="$.data.total",
        headerName="Authorization",
        secret="Bearer s3cret",
    )
    assert source["hasSecret"] is True and source["status"] == "CONNECTED"
    assert "s3cret" not in json.dumps(source)
    assert source["nextRunAt"] is not None and source["lastRunAt"] is None

    assert await api.backend.sources.run_due() == 1
    found = await key_result(api, kr["id"])
    assert found["currentValue"] == 41
    assert found["confidence"] == 0.7  # the people's latest, kept
    latest = found["checkIns"]["nodes"][0]
    assert latest["recordedBy"] == f"source:{source['id']}"
    assert latest["value"] == 41 and "metrics.json" in latest["note"]
    assert served.requests[-1][1]["Authorization"] == "Bearer s3cret"
    assert found["dataSource"]["lastValue"] == 41 and found["dataSource"]["lastError"] is None

    # Not due again before an hour passed; then the new number moves the key result.
    served.json = {"data": {"total": 55}}
    assert await api.backend.sources.run_due() == 0
    clock.now += timedelta(hours=1)
    assert await api.backend.sources.run_due() == 1
    found = await key_result(api, kr["id"])
    assert found["currentValue"] == 55
    assert [n["value"] for n in found["checkIns"]["nodes"]] == [55, 41, 10]

    # The same number again records no check-in (the run is still noted).
    clock.now += timedelta(hours=1)
    assert await api.backend.sources.run_due() == 1
    found = await key_result(api, kr["id"])
    assert len(found["checkIns"]["nodes"]) == 3
    assert found["dataSource"]["lastRunAt"].startswith(clock.now.date().isoformat())

    # The trend shows what the source recorded.
    trend = await api.data(
        "query($kr: ID) { scoreTrend(keyResultId: $kr) { points { at score } } }", kr=kr["id"]
    )
    assert trend["scoreTrend"]["points"][-1]["score"] == pytest.approx(0.55)


async def test_a_source_failing_three_times_is_reported_by_the_audit(
    sources_api: Api, clock: Clock, served: Served
) -> None:
    api = sources_api
    kr = await metric(api)
    source = await api.mutate(
        "connectDataSource",
        "id",
        keyResultId=kr["id"],
        kind="HTTP_JSON",
        schedule="15m",
        url=served.url + "/x.json",
        jsonPath="$.missing",
    )
    audit = """query($c: ID!) { alignmentAudit(cycleId: $c) {
        findings { kind severity message measured entity { ... on KeyResult { id } } } } }"""
    cycle = (await api.data("{ cycles { nodes { id } } }"))["cycles"]["nodes"][0]["id"]
    for attempt in range(3):
        ran = await api.mutate("runDataSource", "id failures lastError", id=source["id"])
        assert ran["failures"] == attempt + 1
        assert "matched 0 values" in ran["lastError"]
        findings = (await api.data(audit, c=cycle))["alignmentAudit"]["findings"]
        broken = [f for f in findings if f["kind"] == "BROKEN_DATA_SOURCE"]
        assert len(broken) == (1 if attempt == 2 else 0)
    assert broken[0]["severity"] == "WARNING" and broken[0]["entity"]["id"] == kr["id"]
    assert broken[0]["measured"] == 3
    # No check-in was recorded for the failures; a good run clears the finding.
    assert (await key_result(api, kr["id"]))["checkIns"]["nodes"] == []
    served.json = {"missing": 12}
    ran = await api.mutate("runDataSource", "failures lastValue", id=source["id"])
    assert ran == {"failures": 0, "lastValue": 12}
    findings = (await api.data(audit, c=cycle))["alignmentAudit"]["findings"]
    assert not [f for f in findings if f["kind"] == "BROKEN_DATA_SOURCE"]


async def test_a_prometheus_instant_query(sources_api: Api, served: Served) -> None:
    api = sources_api
    kr = await metric(api)
    served.samples['sum(up{job="api"})'] = 7
    source = await api.mutate(
        "connectDataSource",
        "id",
        keyResultId=kr["id"],
        kind="PROMETHEUS",
        schedule="6h",
        url=served.url,
        query='sum(up{job="api"})',
    )
    ran = await api.mutate(
        "runDataSource", "lastValue lastError", id=source["id"], idempotencyKey="run-1"
    )
    assert ran == {"lastValue": 7, "lastError": None}
    assert (await key_result(api, kr["id"]))["currentValue"] == 7
    # A retry with the same key answers as the first run did, whatever it reads now.
    served.samples['sum(up{job="api"})'] = 8
    ran = await api.mutate("runDataSource", "lastValue", id=source["id"], idempotencyKey="run-1")
    assert ran == {"lastValue": 7}
    assert len((await key_result(api, kr["id"]))["checkIns"]["nodes"]) == 1
    ran = await api.mutate("runDataSource", "lastError failures", id=source["id"])
    served.samples.clear()
    ran = await api.mutate("runDataSource", "lastError failures", id=source["id"])
    assert ran["failures"] == 1 and "0 series" in ran["lastError"]


async def test_a_postgres_query_read_only(sources_api: Api, pg_url: str) -> None:
    api = sources_api
    kr = await metric(api)
    source = await api.mutate(
        "connectDataSource",
        "id hasSecret query",
        keyResultId=kr["id"],
        kind="POSTGRES_QUERY",
        schedule="1d",
        dsn=pg_url,
        query="SELECT count(*) + 30 FROM generate_series(1, 3)",
    )
    assert source["hasSecret"] is True
    ran = await api.mutate("runDataSource", "lastValue lastError", id=source["id"])
    assert ran == {"lastValue": 33, "lastError": None}
    assert (await key_result(api, kr["id"]))["currentValue"] == 33
    # A write is refused by the read-only transaction; two columns are not a number.
    for query, reason in (
        ("CREATE TABLE okra_source_wrote (x int)", "read-only"),
        ("SELECT 1, 2", "not one number"),
    ):
        await api.mutate("updateDataSource", "id", id=source["id"], query=query)
        ran = await api.mutate("runDataSource", "lastError", id=source["id"])
        assert reason in ran["lastError"]


async def test_a_signed_push(sources_api: Api) -> None:
    api = sources_api
    kr = await metric(api)
    source = await api.mutate("connectDataSource", SOURCE, keyResultId=kr["id"], kind="PUSH")
    secret = source["pushSecret"]
    assert secret.startswith("whsec_") and source["pushPath"] == f"/sources/{source['id']}"
    # The secret is answered once: never again.
    again = await key_result(api, kr["id"])
    assert "pushSecret" not in again["dataSource"]
    node = await api.data(
        "query($id: ID!) { node(id: $id) { ... on DataSource { pushSecret } } }", id=source["id"]
    )
    assert node["node"]["pushSecret"] is None

    def signed(body: bytes, message: str, key: str = secret) -> dict[str, str]:
        now = int(time.time())
        from datetime import UTC, datetime

        signature = Webhook(key).sign(message, datetime.fromtimestamp(now, tz=UTC), body.decode())
        return {
            "webhook-id": message,
            "webhook-timestamp": str(now),
            "webhook-signature": signature,
            "content-type": "application/json",
        }

    body = json.dumps({"value": 64}).encode()
    path = source["pushPath"]
    answer = await api.client.post(path, content=body, headers=signed(body, "msg_1"))
    assert answer.status_code == 200, answer.text
    assert answer.json()["recorded"] is True
    assert (await key_result(api, kr["id"]))["currentValue"] == 64
    # A replay changes nothing; a bad signature and an unknown source are refused.
    answer = await api.client.post(path, content=body, headers=signed(body, "msg_1"))
    assert answer.status_code == 200
    assert len((await key_result(api, kr["id"]))["checkIns"]["nodes"]) == 1
    # The same number in a new message runs the source and records no check-in.
    answer = await api.client.post(path, content=body, headers=signed(body, "msg_1b"))
    assert answer.json()["recorded"] is False
    assert len((await key_result(api, kr["id"]))["checkIns"]["nodes"]) == 1
    other = "whsec_" + "A" * 32
    answer = await api.client.post(path, content=body, headers=signed(body, "msg_2", other))
    assert answer.status_code == 401
    answer = await api.client.post(
        "/sources/00000000-0000-0000-0000-000000000000", content=body, headers=signed(body, "m")
    )
    assert answer.status_code == 404
    bad = json.dumps({"value": "many"}).encode()
    answer = await api.client.post(path, content=bad, headers=signed(bad, "msg_3"))
    assert answer.status_code == 400
    # A PUSH source is not run from GraphQL.
    refused = await api.refuse("runDataSource", id=source["id"])
    assert refused["extensions"]["code"] == "BAD_USER_INPUT"


async def test_disconnect_update_and_refusals(sources_api: Api, served: Served) -> None:
    api = sources_api
    kr = await metric(api)
    base = {"keyResultId": kr["id"], "kind": "HTTP_JSON", "url": served.url, "jsonPath": "$.a"}
    for extra, field in (
        ({"schedule": "every now and then"}, "schedule"),
        ({"schedule": "1h", "jsonPath": "$[[["}, "jsonPath"),
        ({"schedule": "1h", "url": "ftp://x"}, "url"),
        ({"schedule": "1h", "dsn": "postgresql://h/db"}, "dsn"),
        ({"schedule": "1h", "headerName": "X-Key"}, "secret"),
        ({}, "schedule"),
    ):
        refused = await api.refuse("connectDataSource", **{**base, **extra})
        assert refused["extensions"] == {"code": "BAD_USER_INPUT", "field": field}, extra
    source = await api.mutate("connectDataSource", "id version", **base, schedule="1h")
    refused = await api.refuse("connectDataSource", **base, schedule="1h")
    assert refused["extensions"]["field"] == "keyResultId"
    updated = await api.mutate(
        "updateDataSource", "schedule version", id=source["id"], schedule="daily"
    )
    assert updated == {"schedule": "1d", "version": 2}
    gone = await api.mutate("disconnectDataSource", "status nextRunAt", id=source["id"])
    assert gone == {"status": "DISCONNECTED", "nextRunAt": None}
    assert (await key_result(api, kr["id"]))["dataSource"] is None
    # Connected again, on the same key result, with new settings.
    again = await api.mutate("connectDataSource", "id status", **base, schedule="15m")
    assert again == {"id": source["id"], "status": "CONNECTED"}
    milestones = await api.key_result(kr["objectiveId"], "Ship", milestones=["a"])
    refused = await api.refuse(
        "connectDataSource", **{**base, "keyResultId": milestones["id"], "schedule": "1h"}
    )
    assert refused["extensions"]["field"] == "keyResultId"


async def test_without_a_secret_key_secrets_are_refused(settings: Settings, clock: Clock) -> None:
    async with clocked(settings, clock) as api:
        kr = await metric(api)
        refused = await api.refuse("connectDataSource", keyResultId=kr["id"], kind="PUSH")
        assert refused["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_source_of_a_closed_cycle_disconnects_itself(
    sources_api: Api, served: Served
) -> None:
    api = sources_api
    kr = await metric(api)
    source = await api.mutate(
        "connectDataSource",
        "id",
        keyResultId=kr["id"],
        kind="HTTP_JSON",
        schedule="1d",
        url=served.url,
        jsonPath="$.data.total",
    )
    cycle = (await api.data("{ cycles { nodes { id } } }"))["cycles"]["nodes"][0]["id"]
    await api.mutate("closeCycle", "id", id=cycle)
    ran = await api.mutate("runDataSource", "status failures nextRunAt", id=source["id"])
    assert ran == {"status": "DISCONNECTED", "failures": 0, "nextRunAt": None}
    assert (await key_result(api, kr["id"]))["checkIns"]["nodes"] == []
    assert await api.backend.sources.run_due() == 0


async def test_the_schedule_survives_a_restart_and_runs_a_slot_once(
    source_settings: Settings, clock: Clock, served: Served
) -> None:
    async with clocked(source_settings, clock) as api:
        kr = await metric(api)
        await api.mutate(
            "connectDataSource",
            "id",
            keyResultId=kr["id"],
            kind="HTTP_JSON",
            schedule="1h",
            url=served.url,
            jsonPath="$.data.total",
        )
        assert await api.backend.sources.run_due() == 1
    served.json = {"data": {"total": 77}}
    clock.now += timedelta(hours=2)
    # After a restart the source is due; two gateways running the same slot at once
    # (as when the lease changes hands) record it once.
    async with (
        reopened(source_settings, clock) as first,
        reopened(source_settings, clock) as second,
    ):
        ran = await asyncio.gather(
            first.backend.sources.run_due(), second.backend.sources.run_due()
        )
        assert sum(ran) >= 1
        await first.backend.catch_up()
        found = await key_result(first, kr["id"])
        assert [n["value"] for n in found["checkIns"]["nodes"]] == [77, 41]
        assert found["dataSource"]["nextRunAt"].startswith(
            (clock.now + timedelta(hours=1)).date().isoformat()
        )


async def test_a_slow_query_ends_at_the_statement_timeout(
    source_settings: Settings, clock: Clock, pg_url: str
) -> None:
    quick = source_settings.model_copy(update={"source_timeout": 0.5})
    async with clocked(quick, clock) as api:
        kr = await metric(api)
        source = await api.mutate(
            "connectDataSource",
            "id",
            keyResultId=kr["id"],
            kind="POSTGRES_QUERY",
            schedule="1d",
            dsn=pg_url,
            query="SELECT 1 FROM pg_sleep(5)",
        )
        started = time.perf_counter()
        ran = await api.mutate("runDataSource", "lastError failures", id=source["id"])
        assert time.perf_counter() - started < 4
        assert "statement timeout" in ran["lastError"] and ran["failures"] == 1


async def test_one_process_at_a_time_follows_the_schedule(source_settings: Settings) -> None:
    """The sources lease: a second process stands by; the projector's is another lease."""
    first, second = make_lease(source_settings, "sources"), make_lease(source_settings, "sources")
    projector = make_lease(source_settings)
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert await projector.try_acquire()
        await first.release()
        assert await second.try_acquire()
    finally:
        for lease in (first, second, projector):
            await lease.release()
