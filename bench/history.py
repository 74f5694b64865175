"""Rough figures for history: an audit-trail page at a large event count, and time
travel on a long-lived objective.

    .venv/bin/python -m bench.history [EVENTS]                     # SQLite, temp dir
    .venv/bin/python -m bench.history [EVENTS] postgresql://postgres@127.0.0.1/postgres

The audit trail part fills the history view with EVENTS synthetic rows (default
1,000,000) spread over 10,000 entities, written straight into the view table (the
query cost is what is measured, not the projector's), then times GraphQL pages of 50
filtered by entity over HTTP, newest first, first and second page. The time-travel
part records 1,000 check-ins on one key result through the domain, then times
``keyResult(id, asOf)`` at random moments of that history.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from asgi_lifespan import LifespanManager

from domain.application import commands as c
from domain.application.access import Principal
from domain.model.cycle import CycleKind
from domain.model.roles import Role
from gateway.backend import make_app, make_store
from gateway.http.app import create_app
from gateway.settings import Settings
from projections.history import moment
from projections.postgres import PostgresViewStore
from projections.sqlite import SQLiteViewStore
from projections.views import HISTORY
from tests.support.api import Api

ENTITIES = 10_000
CREATED: list[str] = []  # PostgreSQL schemas this run made, dropped at the end
PAGE = """query($id: ID!, $after: String) {
  auditTrail(filter: { entityId: $id }, first: 50, after: $after) {
    pageInfo { endCursor hasNextPage }
    nodes { position recordedAt actor eventType entityId changes { field from to } reason hash }
  } }"""
FIELDS = "targetValue currentValue score version"
TRAVEL = f"""query($id: ID!, $at: DateTime!) {{ keyResult: keyResultAsOf(id: $id, asOf: $at) {{
    {FIELDS} }} }}"""
NOW = f"""query($id: ID!) {{ keyResult(id: $id) {{ {FIELDS} }} }}"""


def settings(scratch: Path) -> Settings:
    if len(sys.argv) < 3:
        scratch.mkdir(parents=True, exist_ok=True)
        return Settings(data_dir=scratch)
    schema = f"bench_history_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(sys.argv[2], autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    CREATED.append(schema)
    return Settings(database_url=sys.argv[2], database_schema=schema, data_dir=scratch)


START = datetime(2026, 1, 1, tzinfo=UTC)


def row(pos: int) -> tuple[object, ...]:
    """One synthetic history row, as the projector writes them."""
    entity = f"{uuid.UUID(int=pos % ENTITIES)}.1"
    doc = {
        "id": str(pos),
        "pos": pos,
        "stream_id": entity[:-2],
        "version": pos // ENTITIES + 1,
        "entity_type": "KEY_RESULT",
        "entity_id": entity,
        "event_type": "CheckInRecorded",
        "actor": f"user{pos % 50}",
        "recorded_at": moment(START + timedelta(seconds=pos)),
        "cycle_id": str(uuid.UUID(int=pos % 8)),
        "changes": [{"field": "value", "from": pos - 1, "to": pos}],
        "reason": None,
        "hash": f"{pos:064x}",
    }
    return (doc["id"], *(doc[c.name] for c in HISTORY.columns), doc)


async def fill(settings: Settings, count: int) -> None:
    store = make_store(settings)
    await store.open()
    started = time.monotonic()
    batch = 50_000
    try:
        for first in range(1, count + 1, batch):
            chunk = [row(pos) for pos in range(first, min(first + batch, count + 1))]
            if isinstance(store, SQLiteViewStore):
                conn = store.conn
                conn.execute("BEGIN")
                conn.executemany(
                    store.upsert_statement(HISTORY),
                    [(*r[:-1], json.dumps(r[-1], separators=(",", ":"))) for r in chunk],
                )
                conn.execute("COMMIT")
            else:
                assert isinstance(store, PostgresViewStore)
                async with store.pool.acquire() as conn, conn.transaction():
                    await conn.executemany(store.upsert_statement(HISTORY), chunk)
        if isinstance(store, PostgresViewStore):
            await store.pool.execute(f"ANALYZE {store.table(HISTORY)}")
        elif isinstance(store, SQLiteViewStore):
            store.conn.execute("ANALYZE")
    finally:
        await store.close()
    print(f"filled the history view with {count:,} rows in {time.monotonic() - started:.0f} s")


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(
        f"{label}: p50 {statistics.median(ordered) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms over {len(ordered)}"
    )


async def audit_pages(settings: Settings) -> None:
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=120) as manager,
        Api.connect(manager.app, app) as api,
    ):
        token = await api.token()
        first, second = [], []
        for _ in range(300):
            entity = f"{uuid.UUID(int=random.randrange(ENTITIES))}.1"
            started = time.perf_counter()
            body = await api.data(PAGE, token=token, id=entity)
            first.append(time.perf_counter() - started)
            cursor = body["auditTrail"]["pageInfo"]["endCursor"]
            assert len(body["auditTrail"]["nodes"]) == 50
            started = time.perf_counter()
            await api.data(PAGE, token=token, id=entity, after=cursor)
            second.append(time.perf_counter() - started)
        report("auditTrail page 1 of 50 by entity, HTTP", first)
        report("auditTrail page 2 of 50 by entity, HTTP", second)
        store = api.backend.store
        direct = []
        for _ in range(300):
            entity = f"{uuid.UUID(int=random.randrange(ENTITIES))}.1"
            started = time.perf_counter()
            await store.find(HISTORY, {"entity_id": entity}, limit=51, descending=True)
            direct.append(time.perf_counter() - started)
        report("history view query alone (51 rows)", direct)


async def time_travel(settings: Settings) -> None:
    domain = make_app(settings)
    admin = Principal("bench", Role.ADMIN)
    team = domain.handle(c.CreateTeam(name="Bench"), admin).id
    cycle = domain.handle(
        c.OpenCycle(
            name="Bench year",
            kind=CycleKind.ANNUAL,
            starts_on=date(2020, 1, 1),
            ends_on=date(2030, 12, 31),
        ),
        admin,
    ).id
    objective = domain.handle(
        c.CreateObjective(cycle_id=cycle, team_id=team, title="Long"), admin
    ).id
    kr = domain.handle(
        c.AddKeyResult(objective_id=objective, title="Value", start_value=0, target_value=1000),
        admin,
    ).id
    started = time.monotonic()
    moments = []
    for n in range(1000):
        domain.handle(c.RecordCheckIn(key_result_id=kr, value=n, confidence=0.5), admin)
        moments.append(datetime.now(tz=UTC))
    print(f"recorded 1,000 check-ins in {time.monotonic() - started:.1f} s")
    domain.close()
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=120) as manager,
        Api.connect(manager.app, app) as api,
    ):
        token = await api.token()
        await api.backend.catch_up(60)
        samples = []
        for _ in range(300):
            at = random.choice(moments)
            started = time.perf_counter()
            body = await api.data(TRAVEL, token=token, id=kr, at=at.isoformat())
            samples.append(time.perf_counter() - started)
            assert body["keyResult"] is not None
        report("keyResultAsOf on a 1,000-event objective, HTTP", samples)
        now = []
        for _ in range(300):
            started = time.perf_counter()
            await api.data(NOW, token=token, id=kr)
            now.append(time.perf_counter() - started)
        report("keyResult (current state), HTTP", now)


async def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    try:
        with tempfile.TemporaryDirectory() as scratch:
            travel = settings(Path(scratch) / "travel")
            await time_travel(travel)
            trail = settings(Path(scratch) / "trail")
            await fill(trail, count)
            await audit_pages(trail)
    finally:
        for schema in CREATED:
            with psycopg.connect(sys.argv[2], autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    asyncio.run(main())
