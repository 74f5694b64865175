"""The work a command and a projected batch cost, counted, not timed.

A regression guard for performance that cannot flake: what reaches the databases
is counted at the drivers (tests/work.py for the event store, tests/sql.py for the
views). A check-in is one fast-forward read and one write transaction however long
its objective's stream; a projected batch is one transaction and a fixed number of
statements however many events it holds. The dashboard's own count is in
tests/test_dataloaders.py. Reintroducing an N+1 query, a stream replay or a
transaction per event fails here, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re

from gateway.backend import make_store
from gateway.settings import Settings
from projections.projector import Projector
from tests.builders import make_key_results
from tests.support.api import Api, running
from tests.support.sql import statements
from tests.support.work import event_statements, write_transactions

CHECK_IN = "score currentValue version"


def seed(api: Api, count: int = 3) -> list[str]:
    return make_key_results(api.backend.app, 1, count)


def command_side(seen: list[str]) -> list[str]:
    """Leave out the projector's reads of the log (it follows the log by position) and
    transaction control (counted by :func:`write_transactions`)."""
    left_out = re.compile(r"(rowid|notification_id)\s*>|max\(|^\s*(BEGIN|COMMIT|ROLLBACK)", re.I)
    return [sql for sql in seen if not left_out.search(sql)]


def round_trips(seen: list[str]) -> list[str]:
    """Statements as the database is asked them: SQLite traces an ``executemany`` once
    per row, so consecutive inserts of one statement shape count once (reads never
    collapse, so a read per document still shows)."""
    kept: list[str] = []
    shape = ""
    for sql in seen:
        this = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
        if re.match(r"^\s*INSERT", sql, re.I) and this == shape:
            continue
        kept.append(sql)
        shape = this
    return kept


def transactions(seen: list[str]) -> int:
    return sum(1 for sql in seen if re.match(r"^\s*BEGIN", sql, re.I))


async def check_in(api: Api, key_result: str, value: float) -> dict[str, object]:
    result: dict[str, object] = await api.mutate(
        "recordCheckIn", CHECK_IN, keyResultId=key_result, value=value, asOf="2026-03-02"
    )
    return result


async def test_a_check_in_is_one_read_and_one_write_however_long_the_stream(api: Api) -> None:
    key_results = seed(api)
    await check_in(api, key_results[0], 1)  # the objective is in the aggregate cache now
    with event_statements(api.backend.app) as short:
        await check_in(api, key_results[1], 2)
    for n in range(40):
        await check_in(api, key_results[n % 3], n)
    with event_statements(api.backend.app) as long:
        answer = await check_in(api, key_results[2], 50)
    assert answer["currentValue"] == 50
    for seen in (short, long):
        assert write_transactions(seen) == 1, seen
        reads = [sql for sql in seen if re.search(r"WHERE originator_id", sql, re.I)]
        assert len(reads) == 1, seen  # the cached objective fast-forwarded, not replayed
        assert len(command_side(seen)) <= 5, seen
    assert len(command_side(long)) == len(command_side(short)), (short, long)


async def test_many_check_ins_are_as_many_write_transactions_not_more(api: Api) -> None:
    key_results = seed(api)
    await api.token()  # issued through the domain: a write of its own
    with event_statements(api.backend.app) as seen:
        for n in range(10):
            await check_in(api, key_results[n % 3], n)
    assert write_transactions(seen) <= 10, seen


async def test_a_projected_batch_is_one_transaction_whatever_its_size(
    api: Api, settings: Settings
) -> None:
    """Projecting 5 or 60 check-ins costs the same statements: one load per view, the
    tallies' reads, one write per view, one tracking update, all in one transaction."""
    key_results = seed(api)
    store = make_store(settings, "__counted")
    await store.open()
    try:
        await store.reset()
        projector = Projector(api.backend.app, store, batch_size=1000)
        await api.token()
        await projector.run_batch()  # the organisation itself; then batches of check-ins
        counts = []
        for events in (5, 60):
            for n in range(events):
                await check_in(api, key_results[n % 3], n)
            async with statements(store) as seen:
                applied = await projector.run_batch()
            assert applied >= events
            assert transactions(seen) == 1, seen
            counts.append(len(round_trips(seen)))
        assert counts[0] == counts[1], (counts, round_trips(seen))
        # Loads of the batch's documents; the derived rows' reads (issue 18): the trees'
        # committed objectives, the cycle, the touched (cycle, team) pairs' objectives,
        # bets and actions, the objectives cascading from them, their teams, the cycle's
        # stakes row; a write per view touched and the tracking update.
        assert counts[1] <= 17, "\n".join(q[:90] for q in round_trips(seen))
    finally:
        await store.drop()
        await store.close()


DASHBOARD = """query($c: ID!) { objectives(cycleId: $c, first: 50) {
  totalCount nodes { title score keyResults { title score currentValue } bets { title } } } }"""


async def test_an_unchanged_dashboard_is_answered_from_one_position_read(
    settings: Settings,
) -> None:
    """The second identical query reads only the views' position; the next event moves
    the position, so the query after a check-in shows it (read-your-writes holds).

    The background catch-up poll also reads the position; it is set apart here (an hour),
    so that only the request's own reads are counted, however slow the machine."""
    async with running(settings.model_copy(update={"poll_interval": 3600})) as api:
        await answered_from_one_position_read(api)


async def answered_from_one_position_read(api: Api) -> None:
    key_results = seed(api)
    assert await api.backend.catch_up()
    cycle = (await api.data("{ cycles { nodes { id } } }"))["cycles"]["nodes"][0]["id"]
    first = await api.data(DASHBOARD, c=cycle)
    async with statements(api.backend.store) as seen:
        again = await api.data(DASHBOARD, c=cycle)
    assert again == first
    headers = await api.headers(None, None)
    for _ in range(3):  # answered from the cache: each with its own request id, once
        response = await api.client.post(
            "/graphql", json={"query": DASHBOARD, "variables": {"c": cycle}}, headers=headers
        )
        assert len(response.headers.get_list("x-request-id")) == 1, response.headers
    assert [sql for sql in seen if "okra_" in sql and "tracking" not in sql] == [], seen
    asked = [sql for sql in seen if not sql.startswith("SELECT pg_advisory_unlock_all")]
    assert len(asked) == 1, seen  # (asyncpg's reset of a released connection aside)
    await check_in(api, key_results[0], 40)
    after = await api.data(DASHBOARD, c=cycle)
    assert after["objectives"]["nodes"][0]["keyResults"][0]["currentValue"] == 40
    assert after != first


async def test_the_result_cache_counts_what_it_holds_not_what_it_was_sent(api: Api) -> None:
    """Bodies padded with unused variables must not pile up in memory behind tiny answers."""
    padding = "x" * 100_000
    headers = await api.headers(None, None)
    for i in range(60):
        response = await api.client.post(
            "/graphql",
            json={
                "query": "query($pad: ID!) { team(id: $pad) { id } }",
                "variables": {"pad": f"{i}{padding}"},
            },
            headers=headers,
        )
        assert response.status_code == 200, response.text
    metrics = (await api.client.get("/metrics")).text
    held = {
        line.split()[0]: float(line.split()[1])
        for line in metrics.splitlines()
        if line.startswith("okra_result_cache_")
    }
    assert held["okra_result_cache_entries"] == 60
    assert held["okra_result_cache_bytes"] < 60 * 2_000  # not 60 × 100 kB
