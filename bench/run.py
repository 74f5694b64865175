"""``make bench``: every row of the performance table, each beside its baseline.

Configuration (environment):

``BENCH_SCALE``   events in the big organisation (default 1,000,000)
``BENCH_QUICK``   1: 100,000 events, 3-second runs (a smoke test of the harness)
``BENCH_RUNS``    measured runs per figure (default 3; the median is shown)
``BENCH_SECONDS`` length of one run of a load row (default 5)
``BENCH_ROWS``    only these rows, e.g. ``W1,R1``
``BENCH_FRESH``   1: regenerate the organisations instead of reusing bench/data's
``BENCH_DATABASE_URL`` a PostgreSQL server to use instead of the machine's or a
throwaway one

Each figure is the median of ``BENCH_RUNS`` runs with their min–max, and where the
issue names a baseline it is measured in the same invocation on the same data and
the same core, and shown as a ratio. Results go to the terminal and to
``bench/results.json``.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg

from bench import heavy, load, queries
from bench.generate import Organisation, generate
from bench.system import (
    BIN,
    LOAD_CPUS,
    ROOT,
    SERVER_CPUS,
    Postgres,
    Server,
    cpu_seconds,
    gateway,
    peak_rss_mb,
    pinned,
    plain_endpoint,
    postgres,
)

DATA = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "results.json"
GENERATOR_VERSION = 1  # bump when bench/generate.py changes what it writes


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").replace("_", "").replace(",", "")
    return int(value) if value else default


QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
SCALE = env_int("BENCH_SCALE", 100_000 if QUICK else 1_000_000)
RUNS = env_int("BENCH_RUNS", 3)
SECONDS = float(os.environ.get("BENCH_SECONDS") or (3 if QUICK else 5))
ONLY = {r.strip().upper() for r in os.environ.get("BENCH_ROWS", "").split(",") if r.strip()}
FRESH = os.environ.get("BENCH_FRESH", "") not in ("", "0")
CONNECTIONS = 32


@dataclass
class Figure:
    """Several runs of one measurement."""

    runs: list[float]
    unit: str

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    def text(self) -> str:
        if not self.runs:
            return "—"
        low, high = min(self.runs), max(self.runs)
        return f"{_num(self.median)} {self.unit} ({_num(low)}–{_num(high)})"

    def as_json(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "min": min(self.runs),
            "max": max(self.runs),
            "runs": self.runs,
            "unit": self.unit,
        }


def _num(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


@dataclass
class Row:
    id: str
    what: str
    goal: str
    figure: Figure | None = None
    baseline: Figure | None = None
    baseline_what: str = ""
    not_available: str = ""
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    command: str = ""

    @property
    def ratio(self) -> float | None:
        if self.figure is None or self.baseline is None or not self.baseline.median:
            return None
        return self.figure.median / self.baseline.median

    def met(self) -> bool | None:
        if self.figure is None:
            return None
        match = re.match(r"([≥≤])\s*([\d.]+)\s*(×|ms|MB)", self.goal)
        if not match:
            return None
        sign, number, unit = match.group(1), float(match.group(2)), match.group(3)
        value = self.ratio if unit == "×" else self.figure.median
        if value is None:
            return None
        return value >= number if sign == "≥" else value <= number

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "what": self.what,
            "goal": self.goal,
            "figure": self.figure.as_json() if self.figure else None,
            "baseline": self.baseline.as_json() if self.baseline else None,
            "baseline_what": self.baseline_what,
            "ratio": self.ratio,
            "met": self.met(),
            "not_available": self.not_available or None,
            "notes": self.notes,
            "extra": self.extra,
            "command": self.command,
        }


ROWS: dict[str, Row] = {
    r.id: r
    for r in [
        Row("W1", "recordCheckIn over HTTP, PostgreSQL, 32 clients, read-your-writes", "≥ 1.0×"),
        Row("W2", "recordCheckIn over HTTP, embedded SQLite, 32 clients", "≥ 1.0×"),
        Row(
            "R1", "dashboard: a cycle's 50 objectives, KRs, scores, bets; 32 connections", "≥ 0.5×"
        ),
        Row("R2", "R1's p99 latency at half R1's saturated rate", "≤ 20 ms"),
        Row("P1", "projection lag p99 (commit → visible) at half W1's rate", "≤ 50 ms"),
        Row("P2", "okra rebuild on PostgreSQL, the big organisation", "≥ 0.4×"),
        Row("A1", "auditTrail page of 50 filtered by entity, p99", "≤ 20 ms"),
        Row("T1", "objective(id, asOf) for an objective with 1,000 events, p99", "≤ 20 ms"),
        Row("M1", "gateway peak RSS during R1 and W1", "≤ 250 MB"),
        Row("H1", "/healthz p99 while 300 heavy queries are in flight", "≤ 250 ms"),
        Row(
            "R3", "retrospective(cycleId): organisation and every team, p99 (uncached)", "≤ 100 ms"
        ),
        Row("R4", "alignmentAudit(cycleId), p99 (uncached)", "≤ 100 ms"),
        Row("R5", "alignment(cycleId) { nodes }, p99 (uncached)", "≤ 150 ms"),
        Row("R6", "strategyMap(cycleId), p99 (uncached)", "≤ 30 ms"),
        Row(
            "R7",
            "R1's dashboard at saturation while check-ins flow at 20/s; 32 connections",
            "≥ 0.5×",
        ),
        Row("P2a", "okra rebuild on PostgreSQL, the demo organisation", "events/s"),
        Row("P2b", "okra rebuild on PostgreSQL, 100,000 events", "events/s"),
    ]
}


def wanted(row_id: str) -> bool:
    return not ONLY or row_id in ONLY


def say(text: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {text}", flush=True)


# -- data ---------------------------------------------------------------------------


@dataclass
class Store:
    """One PostgreSQL schema holding a generated organisation."""

    dsn: str
    schema: str
    org: Organisation

    @property
    def env(self) -> dict[str, str]:
        return {"OKRA_DATABASE_URL": self.dsn, "OKRA_DATABASE_SCHEMA": self.schema}


def pg_store(dsn: str, events: int) -> Store:
    """The organisation of about ``events`` events, generated once and then reused."""
    from gateway.backend import make_app
    from gateway.settings import Settings

    schema = f"bench_org_{events}_v{GENERATOR_VERSION}"
    manifest = DATA / f"{schema}.json"
    with psycopg.connect(dsn, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
            "AND table_name = 'okra_events'",
            (schema,),
        ).fetchone()
        if exists and manifest.exists() and not FRESH:
            org = Organisation(**json.loads(manifest.read_text()))
            head = conn.execute(f'SELECT max(notification_id) FROM "{schema}".okra_events')
            row = head.fetchone()
            if row and row[0] and row[0] >= org.events:
                say(f"reusing {schema}: {row[0]:,} events (generated: {org.events:,})")
                return Store(dsn, schema, org)
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    say(f"generating an organisation of about {events:,} events into {schema}…")
    started = time.monotonic()
    app = make_app(Settings(database_url=dsn, database_schema=schema))
    try:
        org = generate(app, events)
    finally:
        app.close()
    elapsed = time.monotonic() - started
    say(f"generated {org.events:,} events in {elapsed:.0f} s ({org.events / elapsed:,.0f}/s)")
    DATA.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps(org.as_json()))
    return Store(dsn, schema, org)


def demo_store(dsn: str) -> Store:
    schema = "bench_demo"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    okra(["demo", "--database-url", dsn, "--schema", schema])
    org = Organisation(0, "", [], "", "", "", 0, 0)
    return Store(dsn, schema, org)


def okra(args: list[str], cpus: list[int] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        pinned(cpus or SERVER_CPUS, [str(BIN / "okra"), *args]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "OKRA_LOG_LEVEL": "warning"},
    )
    if done.returncode != 0:
        raise RuntimeError(f"okra {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done


def baseline(args: list[str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.baselines", *args]
    done = subprocess.run(pinned(SERVER_CPUS, command), capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"baseline {args} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# -- request bodies -----------------------------------------------------------------


def bodies(name: str, lines: list[str]) -> Path:
    path = DATA / "bodies" / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path


def uncached(lines: list[str], count: int = 30_000) -> list[str]:
    """``count`` bodies, each distinct (an ``extensions`` entry the server ignores), so
    the result cache never answers: the rows measure the query itself."""
    return [
        json.dumps({**json.loads(lines[i % len(lines)]), "extensions": {"bench": i}})
        for i in range(count)
    ]


def check_in_bodies(org: Organisation, name: str, count: int = 20_000) -> Path:
    rng = random.Random(7)
    lines = []
    for _ in range(count):
        variables = {
            "input": {
                "keyResultId": rng.choice(org.key_result_ids),
                "value": round(rng.uniform(0, 100), 2),
                "confidence": round(rng.uniform(0.3, 0.9), 2),
                "note": "bench",
            }
        }
        lines.append(json.dumps({"query": queries.CHECK_IN, "variables": variables}))
    return bodies(name, lines)


def graphql(url: str, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        url + "/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {token}"},
        timeout=60,
    )
    return dict(response.json())


# -- measuring ------------------------------------------------------------------------


@dataclass
class Saturation:
    figure: Figure
    results: list[load.Result]
    server_cpu: list[float]


def saturate(
    server: Server, url: str, body_file: Path, token: str = "", get: bool = False
) -> Saturation:
    """Closed-loop load, one warm-up and ``RUNS`` measured runs; the server's CPU use too."""
    authorization = f"Bearer {token}" if token else ""
    runner = load.wrk if load.have_wrk() else load.python_client
    runner(
        url,
        body_file,
        connections=CONNECTIONS,
        seconds=2,
        authorization=authorization,
        method_get=get,
    )
    results, cpu = [], []
    for _ in range(RUNS):
        before, started = cpu_seconds(server.pid), time.monotonic()
        result = runner(
            url,
            body_file,
            connections=CONNECTIONS,
            seconds=SECONDS,
            authorization=authorization,
            method_get=get,
        )
        cpu.append((cpu_seconds(server.pid) - before) / (time.monotonic() - started))
        if result.errors:
            raise RuntimeError(f"{result.errors} errors answered, e.g. {result.sample_error}")
        results.append(result)
    return Saturation(Figure([r.rate for r in results], "req/s"), results, cpu)


def bottleneck(sat: Saturation) -> str:
    server = statistics.median(sat.server_cpu)
    client = statistics.median(r.load_cpu for r in sat.results)
    tool = "wrk" if load.have_wrk() else "python asyncio client"
    return f"server CPU {server:.0%} of its core, load generator ({tool}) {client:.0%} of its core"


def latencies(
    url: str, body_file: Path, token: str, *, rate: float | None, connections: int
) -> tuple[Figure, list[load.Result]]:
    results = []
    for number in range(RUNS):
        result = load.python_client(
            url,
            body_file,
            seconds=SECONDS,
            rate=rate,
            connections=connections,
            authorization=f"Bearer {token}",
            offset=number * 10_000,
        )
        if result.errors:
            raise RuntimeError(f"{result.errors} errors answered, e.g. {result.sample_error}")
        results.append(result)
    return Figure([r.p99 for r in results], "ms"), results


def histogram(server: Server, name: str) -> dict[float, float]:
    """Cumulative bucket counts of a Prometheus histogram the server exposes."""
    text = httpx.get(server.url + "/metrics", timeout=10).text
    buckets: dict[float, float] = {}
    for match in re.finditer(rf'^{name}_bucket\{{le="([^"]+)"\}} ([\d.e+]+)$', text, re.M):
        buckets[float(match.group(1))] = float(match.group(2))
    return buckets


def quantile(before: dict[float, float], after: dict[float, float], q: float) -> float:
    """``q``-quantile (ms) of what a histogram observed between two scrapes, by linear
    interpolation within the bucket, as Prometheus's histogram_quantile does."""
    bounds = sorted(after)
    counts = [after[b] - before.get(b, 0.0) for b in bounds]
    total = counts[-1] if counts else 0
    if not total:
        return float("nan")
    rank = q * total
    low, below = 0.0, 0.0
    for bound, cumulative in zip(bounds, counts, strict=True):
        if cumulative >= rank:
            if bound == float("inf"):
                return low * 1000
            share = (rank - below) / max(cumulative - below, 1e-9)
            return (low + (bound - low) * share) * 1000
        low, below = bound, cumulative
    return low * 1000


# -- the rows -------------------------------------------------------------------------


def schema_has(field_name: str, argument: str | None = None) -> bool:
    """Whether the gateway's schema (this checkout's code) has a query field/argument."""
    from gateway.schema import build_schema

    query = build_schema()._schema.query_type
    assert query is not None
    found = query.fields.get(field_name)
    return found is not None and (argument is None or argument in found.args)


def run_writes(big: Store, pg: Postgres) -> None:
    """W1 and its baseline, on PostgreSQL."""
    if not wanted("W1") and not wanted("P1") and not wanted("M1"):
        return
    row = ROWS["W1"]
    schema = "bench_baseline"
    with psycopg.connect(big.dsn, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{schema}"')
    say("W1 baseline: bare save() × 32 threads on PostgreSQL…")
    rates = baseline(
        [
            "save",
            "--database-url",
            big.dsn,
            "--schema",
            schema,
            "--seconds",
            str(SECONDS),
            "--runs",
            str(RUNS),
        ]
    )["rates"]
    row.baseline = Figure(rates, "saves/s")
    row.baseline_what = "eventsourcing save() of a one-event aggregate, 32 threads, same database"


def measure_gateway_pg(big: Store) -> None:
    """R1, R2, M1, W1, P1, A1, T1 against one gateway on the big organisation."""
    token = big.org.admin_token
    env = {**big.env, "OKRA_DATA_DIR": str(DATA / "gateway"), "OKRA_STARTUP_TIMEOUT": "3000"}
    reads = [r for r in ("R1", "R2", "M1", "A1", "T1", *HEAVY_ROWS, "R7") if wanted(r)]
    writes = [r for r in ("W1", "P1", "M1") if wanted(r)]
    if not reads and not writes:
        return
    dashboard_body = bodies(
        "dashboard",
        [json.dumps({"query": queries.DASHBOARD, "variables": {"cycle": big.org.open_cycle_id}})],
    )
    say("starting the gateway (okra serve) on the big organisation…")
    with gateway("gateway-pg", env) as server:
        url = server.url + "/graphql"
        if wanted("R1") or wanted("R2") or wanted("M1"):
            row = ROWS["R1"]
            answer = graphql(server.url, token, queries.DASHBOARD, {"cycle": big.org.open_cycle_id})
            if "errors" in answer:
                raise RuntimeError(f"the dashboard query failed: {answer['errors']}")
            say("R1: dashboard through the gateway…")
            sat = saturate(server, url, dashboard_body, token)
            row.figure = sat.figure
            row.notes.append(bottleneck(sat))
            row.extra["p99_ms_saturated"] = [r.p99 for r in sat.results]
            row.command = "BENCH_ROWS=R1,R2 make bench"
            ROWS["R7"].extra["r1_same_gateway"] = sat.figure.median
            if wanted("R2"):
                r2 = ROWS["R2"]
                rate = sat.figure.median / 2
                say(f"R2: dashboard at {rate:,.0f} req/s (open loop)…")
                r2.figure, results = latencies(
                    url, dashboard_body, token, rate=rate, connections=CONNECTIONS * 2
                )
                r2.extra["rate"] = rate
                r2.extra["achieved"] = [r.rate for r in results]
                r2.command = "BENCH_ROWS=R1,R2 make bench"
            ROWS["M1"].extra["after_R1_mb"] = peak_rss_mb(server.pid)
        if writes:
            row = ROWS["W1"]
            body_file = check_in_bodies(big.org, "check_ins_pg")
            answer = graphql(
                server.url,
                token,
                queries.CHECK_IN,
                json.loads(body_file.read_text().splitlines()[0])["variables"],
            )
            if "errors" in answer:
                raise RuntimeError(f"recordCheckIn failed: {answer['errors']}")
            before = histogram(server, "okra_read_your_writes_seconds")
            say("W1: recordCheckIn through the gateway…")
            sat = saturate(server, url, body_file, token)
            after = histogram(server, "okra_read_your_writes_seconds")
            row.figure = Figure(sat.figure.runs, "req/s")
            row.notes.append(bottleneck(sat))
            row.extra["p99_ms_saturated"] = [r.p99 for r in sat.results]
            row.extra["lag_p99_ms_saturated"] = quantile(before, after, 0.99)
            row.command = "BENCH_ROWS=W1,P1 make bench"
            ROWS["M1"].extra["after_W1_mb"] = peak_rss_mb(server.pid)
            if wanted("P1"):
                p1 = ROWS["P1"]
                rate = sat.figure.median / 2
                say(f"P1: check-ins at {rate:,.0f} req/s (open loop), lag from the histogram…")
                lags, client = [], []
                for _ in range(RUNS):
                    before = histogram(server, "okra_read_your_writes_seconds")
                    result = load.python_client(
                        url,
                        body_file,
                        seconds=SECONDS,
                        rate=rate,
                        connections=CONNECTIONS * 2,
                        authorization=f"Bearer {token}",
                    )
                    after = histogram(server, "okra_read_your_writes_seconds")
                    lags.append(quantile(before, after, 0.99))
                    client.append(result.p99)
                p1.figure = Figure(lags, "ms")
                p1.extra["rate"] = rate
                p1.extra["mutation_p99_ms"] = client
                p1.command = "BENCH_ROWS=W1,P1 make bench"
        if wanted("M1"):
            m1 = ROWS["M1"]
            peak = peak_rss_mb(server.pid)
            m1.figure = Figure([peak], "MB")
            m1.notes.append("VmHWM of the gateway process since it started (one process)")
            m1.command = "BENCH_ROWS=R1,W1,M1 make bench"
        if wanted("A1"):
            a1 = ROWS["A1"]
            if not schema_has("auditTrail", "filter"):
                a1.not_available = "the schema has no auditTrail(filter) query yet"
            else:
                entities = (big.org.hot_key_result_id, *big.org.key_result_ids[:50])
                lines = [
                    json.dumps({"query": queries.AUDIT_PAGE, "variables": {"entity": entity}})
                    for entity in entities
                ]
                body_file = bodies("audit", uncached(lines))
                answer = graphql(
                    server.url, token, queries.AUDIT_PAGE, {"entity": big.org.hot_key_result_id}
                )
                if "errors" in answer:
                    raise RuntimeError(f"auditTrail failed: {answer['errors']}")
                say("A1: audit trail pages, one client…")
                a1.figure, results = latencies(url, body_file, token, rate=None, connections=1)
                a1.extra["p50_ms"] = [r.p50 for r in results]
                a1.command = "BENCH_ROWS=A1 make bench"
        if wanted("T1"):
            t1 = ROWS["T1"]
            if not schema_has("objectiveAsOf", "asOf"):
                t1.not_available = "the schema has no objectiveAsOf(id, asOf) query"
            else:
                now = datetime.now(tz=UTC)
                lines = [
                    json.dumps(
                        {
                            "query": queries.TIME_TRAVEL,
                            "variables": {
                                "id": big.org.hot_objective_id,
                                "asOf": (now - timedelta(hours=h)).isoformat(),
                            },
                        }
                    )
                    for h in range(0, 24 * 60, 7)
                ]
                body_file = bodies("time_travel", uncached(lines))
                answer = graphql(
                    server.url, token, queries.TIME_TRAVEL, json.loads(lines[0])["variables"]
                )
                if "errors" in answer:
                    raise RuntimeError(f"objectiveAsOf failed: {answer['errors']}")
                say("T1: time travel, one client…")
                t1.figure, results = latencies(url, body_file, token, rate=None, connections=1)
                t1.extra["p50_ms"] = [r.p50 for r in results]
                t1.command = "BENCH_ROWS=T1 make bench"
        for row_id, (query, what) in HEAVY_ROWS.items():
            if wanted(row_id):
                measure_heavy_query(server, big, ROWS[row_id], query, what)
        if wanted("R7"):
            measure_dashboard_under_writes(server, big, dashboard_body)


# R3–R6: one heavy query, one client, uncached (each body distinct).
HEAVY_ROWS = {
    "R3": (queries.RETROSPECTIVE, "retrospective"),
    "R4": (queries.ALIGNMENT_AUDIT, "alignmentAudit"),
    "R5": (queries.ALIGNMENT, "alignment"),
    "R6": (queries.STRATEGY_MAP, "strategyMap"),
}


def measure_heavy_query(server: Server, big: Store, row: Row, query: str, what: str) -> None:
    token = big.org.admin_token
    variables = {"cycle": big.org.open_cycle_id}
    answer = graphql(server.url, token, query, variables)
    if "errors" in answer:
        raise RuntimeError(f"{what} failed: {answer['errors']}")
    row.extra["response_kib"] = len(json.dumps(answer)) / 1024
    line = json.dumps({"query": query, "variables": variables})
    body_file = bodies(what, uncached([line]))
    say(f"{row.id}: {what} of the open quarter, one client, uncached…")
    row.figure, results = latencies(
        server.url + "/graphql", body_file, token, rate=None, connections=1
    )
    row.extra["p50_ms"] = [r.p50 for r in results]
    row.extra["answered"] = [r.answered for r in results]
    row.notes.append(
        f"the open quarter{' (compared with the one before)' if row.id == 'R3' else ''}; p50 "
        f"{_num(statistics.median(row.extra['p50_ms']))} ms; answer "
        f"{row.extra['response_kib']:,.0f} KiB"
    )
    row.command = f"BENCH_ROWS={row.id} make bench"
    if row.id in IN_PROCESS:
        what, done, label = IN_PROCESS[row.id]
        inside = baseline(
            [what, "--database-url", big.dsn, "--schema", big.schema, "--cycle", variables["cycle"]]
        )
        row.extra["in_process_p50_ms"] = inside
        row.notes.append(
            f"in-process, same store: from every document (the oracle) "
            f"{_num(inside['scratch_ms'])} ms, from {label} {_num(inside[done])} ms"
        )


# Heavy rows measured in-process too: from every document and from the maintained rows.
IN_PROCESS = {
    "R3": ("retro", "tallies_ms", "the tallies"),
    "R4": ("audit", "judged_ms", "the judgements"),
}


def measure_dashboard_under_writes(server: Server, big: Store, dashboard_body: Path) -> None:
    """R7: R1's saturation while an open-loop client records 20 check-ins a second, so
    the result cache is invalidated 20 times a second."""
    row = ROWS["R7"]
    token = big.org.admin_token
    writes = check_in_bodies(big.org, "check_ins_r7")
    seconds = 2 + RUNS * (SECONDS + 2) + 4
    flow: list[load.Result] = []

    def write() -> None:
        flow.append(
            load.python_client(
                server.url + "/graphql",
                writes,
                seconds=seconds,
                rate=20,
                connections=4,
                authorization=f"Bearer {token}",
            )
        )

    say("R7: dashboard at saturation while check-ins flow at 20/s…")
    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    time.sleep(1)
    sat = saturate(server, server.url + "/graphql", dashboard_body, token)
    writer.join()
    row.figure = sat.figure
    row.notes.append(bottleneck(sat))
    if flow:
        row.extra["check_ins_per_s"] = flow[0].rate
        row.extra["check_in_errors"] = flow[0].errors
        row.notes.append(f"check-ins recorded meanwhile: {flow[0].rate:.1f}/s")
    row.extra["p99_ms_saturated"] = [r.p99 for r in sat.results]
    row.command = "BENCH_ROWS=R7 make bench"


def measure_heavy(big: Store) -> None:
    """H1: /healthz answered while 300 retrospectives are in flight (each run: 300
    single retrospectives, then 300 requests of 50 aliased ones, as the probe sent)."""
    if not wanted("H1"):
        return
    row = ROWS["H1"]
    env = {**big.env, "OKRA_DATA_DIR": str(DATA / "gateway"), "OKRA_STARTUP_TIMEOUT": "3000"}
    with gateway("gateway-heavy", env) as server:
        runs = []
        for number in range(RUNS):
            say(f"H1: 300 heavy queries at once, /healthz probed ({number + 1}/{RUNS})…")
            runs.append(
                heavy.measure(
                    server.url, big.org.admin_token, big.org.open_cycle_id, list(LOAD_CPUS)
                )
            )
        row.figure = Figure(
            [max(r["single"]["p99_ms"], r["aliased"]["p99_ms"]) for r in runs], "ms"
        )
        row.extra["runs"] = runs
        row.extra["peak_rss_mb"] = peak_rss_mb(server.pid)
        last = runs[-1]
        row.notes.append(
            f"single retrospectives: {last['single']['outcomes']} in "
            f"{last['single']['seconds']:.1f} s; 50 aliased: {last['aliased']['outcomes']} in "
            f"{last['aliased']['seconds']:.1f} s; peak RSS {row.extra['peak_rss_mb']:.0f} MB"
        )
        row.command = "BENCH_ROWS=H1 make bench"


def measure_plain(big: Store) -> None:
    """R1's baseline (R7's too): the same JSON from a plain Starlette endpoint."""
    if not wanted("R1") and not wanted("R7"):
        return
    row = ROWS["R1"]
    with plain_endpoint(big.dsn, big.schema) as server:
        path = f"/dashboard?cycle={big.org.open_cycle_id}"
        body_file = bodies("plain", [""])
        plain_json = httpx.get(server.url + path, timeout=30).json()
        with gateway("gateway-check", {**big.env, "OKRA_DATA_DIR": str(DATA / "gateway")}) as gw:
            answer = graphql(
                gw.url, big.org.admin_token, queries.DASHBOARD, {"cycle": big.org.open_cycle_id}
            )
        if answer != plain_json:
            raise RuntimeError("the plain endpoint's JSON differs from the gateway's")
        say("R1 baseline: the plain Starlette endpoint…")
        sat = saturate(server, server.url + path, body_file, get=True)
        row.baseline = sat.figure
        row.baseline_what = "plain Starlette + asyncpg endpoint, the same JSON from the same views"
        row.notes.append(f"baseline: {bottleneck(sat)}")
        r7 = ROWS["R7"]
        r7.baseline, r7.baseline_what = row.baseline, "R1's baseline, the same run"


def measure_rebuild(store: Store, row: Row, runs: int) -> None:
    """``okra rebuild`` (views from zero, swapped in) against reading + decoding the log."""
    if not wanted(row.id):
        return
    say(f"{row.id}: reading and decoding the log alone…")
    read = baseline(
        ["read", "--database-url", store.dsn, "--schema", store.schema, "--runs", str(runs)]
    )
    events = int(read["events"])
    row.baseline = Figure(read["rates"], "events/s")
    row.baseline_what = f"select_notifications(5000) + decode, {events:,} events"
    rates = []
    for number in range(runs):
        say(f"{row.id}: okra rebuild of {events:,} events ({number + 1}/{runs})…")
        started = time.monotonic()
        okra(["rebuild", "--database-url", store.dsn, "--schema", store.schema])
        rates.append(events / (time.monotonic() - started))
    row.figure = Figure(rates, "events/s")
    row.extra["events"] = events
    row.notes.append("wall time of the okra rebuild process, start-up included")


def measure_sqlite() -> None:
    """W2: recordCheckIn on embedded SQLite, beside bare save() on SQLite."""
    if not wanted("W2"):
        return
    from gateway.backend import make_app
    from gateway.settings import Settings

    row = ROWS["W2"]
    root = DATA / "sqlite"
    shutil.rmtree(root, ignore_errors=True)
    say("W2 baseline: bare save() × 32 threads on SQLite…")
    rates = baseline(
        ["save", "--data-dir", str(root / "bare"), "--seconds", str(SECONDS), "--runs", str(RUNS)]
    )
    row.baseline = Figure(rates["rates"], "saves/s")
    row.baseline_what = "eventsourcing save() of a one-event aggregate, 32 threads, SQLite file"
    app = make_app(Settings(data_dir=root / "okra"))
    try:
        org = generate(app, 20_000)
    finally:
        app.close()
    body_file = check_in_bodies(org, "check_ins_sqlite")
    with gateway("gateway-sqlite", {"OKRA_DATA_DIR": str(root / "okra")}) as server:
        say("W2: recordCheckIn through the gateway on SQLite…")
        sat = saturate(server, server.url + "/graphql", body_file, org.admin_token)
        row.figure = sat.figure
        row.notes.append(bottleneck(sat))
        row.extra["events"] = org.events
        row.command = "BENCH_ROWS=W2 make bench"


# -- report ---------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "server_cpus": SERVER_CPUS,
        "load_cpus": LOAD_CPUS,
        "load_generator": "wrk" if load.have_wrk() else "python asyncio client",
        "loadavg_at_start": os.getloadavg(),
    }


def table() -> str:
    lines = [
        "| id | what | figure: median (min–max) | baseline (same run) | ratio | goal | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in ROWS.values():
        if not wanted(row.id):
            continue
        if row.not_available:
            lines.append(
                f"| {row.id} | {row.what} | not available: {row.not_available} | | | {row.goal} | |"
            )
            continue
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else ""
        met = {True: "yes", False: "**no**", None: ""}[row.met()]
        base = f"{row.baseline.text()}" if row.baseline else "—"
        figure = row.figure.text() if row.figure else "not measured"
        lines.append(
            f"| {row.id} | {row.what} | {figure} | {base} | {ratio} | {row.goal} | {met} |"
        )
    return "\n".join(lines)


def main() -> None:
    started = time.monotonic()
    info = machine()
    say(
        f"OKRA bench: {SCALE:,} events, {RUNS} runs × {SECONDS:g} s, load by "
        f"{info['load_generator']} on CPU {LOAD_CPUS}, servers on CPU {SERVER_CPUS}"
    )
    pg = postgres()
    say(f"PostgreSQL: {pg.how}")
    failures: dict[str, str] = {}

    @contextlib.contextmanager
    def step(name: str) -> Iterator[None]:
        try:
            yield
        except Exception as error:  # a row that fails is reported, the others still run
            failures[name] = f"{type(error).__name__}: {error}"
            say(f"!! {name} failed: {failures[name][:2000]}")

    try:
        dsn = pg.database()
        with psycopg.connect(dsn) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            info["postgres"] = version[0] if version else "?"
        big = pg_store(dsn, SCALE)
        with step("P2"):
            measure_rebuild(big, ROWS["P2"], runs=RUNS if big.org.events <= 300_000 else 1)
        with step("P2a"):
            if wanted("P2a"):
                measure_rebuild(demo_store(dsn), ROWS["P2a"], runs=RUNS)
        with step("P2b"):
            if wanted("P2b"):
                small = big if SCALE == 100_000 else pg_store(dsn, 100_000)
                # Beside the million-event P2 (one run), a side figure: one run keeps
                # a fresh-clone `make bench` under 15 minutes.
                measure_rebuild(small, ROWS["P2b"], runs=RUNS if small is big else 1)
        with step("W1 baseline"):
            run_writes(big, pg)
        with step("R1 baseline"):
            measure_plain(big)
        with step("gateway on PostgreSQL"):
            measure_gateway_pg(big)
        with step("W2"):
            measure_sqlite()
        with step("H1"):
            measure_heavy(big)
    finally:
        pg.close()
    elapsed = time.monotonic() - started
    print()
    print(
        f"OKRA benchmark, {datetime.now(tz=UTC):%Y-%m-%d %H:%M} UTC, {info['cpus']} × "
        f"{info['cpu_model'] or 'CPU'}, PostgreSQL {info.get('postgres', '?')}, "
        f"{SCALE:,} events asked, {elapsed / 60:.1f} min"
    )
    print(table())
    for row in ROWS.values():
        for note in row.notes if wanted(row.id) else []:
            print(f"  {row.id}: {note}")
    for name, reason in failures.items():
        print(f"  FAILED {name}: {reason[:500]}")
    RESULTS.write_text(
        json.dumps(
            {
                "date": datetime.now(tz=UTC).isoformat(timespec="seconds"),
                "machine": info,
                "scale": SCALE,
                "runs": RUNS,
                "seconds": SECONDS,
                "elapsed_s": elapsed,
                "rows": [row.as_json() for row in ROWS.values() if wanted(row.id)],
                "failures": failures,
            },
            indent=2,
        )
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")
    if failures:
        sys.exit(1)
