"""R1's baseline: a plain Starlette endpoint serving the dashboard's JSON.

It reads the same read model (the objectives, teams and bets views) through asyncpg
and builds, by hand, the very JSON the GraphQL gateway answers for
:data:`bench.queries.DASHBOARD` — the runner checks the two are equal before it
measures. What it leaves out is exactly what the gateway adds: GraphQL parsing,
validation and resolution, authentication, limits. Served by uvicorn like the
gateway: ``BENCH_DSN=… BENCH_SCHEMA=… uvicorn bench.plain:app``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from domain.model.objective import Measure
from domain.model.scoring import EXPECTED_GRADE, band
from projections.postgres import create_pool

PAGE = 50


def key_result(kr: dict[str, Any]) -> dict[str, Any]:
    milestones = kr["measure"] == Measure.MILESTONES
    return {
        "id": kr["id"],
        "title": kr["title"],
        "score": kr["score"],
        "scoreBand": band(kr["score"]),
        "confidence": kr["confidence"],
        "currentValue": None if milestones else kr["current"],
        "targetValue": kr["target_value"],
        "unit": kr["unit"],
    }


def bet(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": doc["title"],
        "stake": doc["stake"],
        "odds": doc["odds"],
        "expectedValue": doc["expected_value"],
        "status": doc["status"],
    }


async def dashboard(pool: asyncpg.Pool, cycle_id: str) -> dict[str, Any]:
    async with pool.acquire() as conn:
        objectives = [
            row[0]
            for row in await conn.fetch(
                "SELECT doc FROM okra_objectives WHERE cycle_id = $1 ORDER BY pos LIMIT $2",
                cycle_id,
                PAGE + 1,
            )
        ]
        page = objectives[:PAGE]
        team_ids = sorted({o["team_id"] for o in page})
        kr_ids = [kr["id"] for o in page for kr in o["key_results"]]
        teams = {
            row[0]: row[1]
            for row in await conn.fetch(
                "SELECT id, doc FROM okra_teams WHERE id = ANY($1::text[])", team_ids
            )
        }
        bets: dict[str, list[dict[str, Any]]] = {}
        for row in await conn.fetch(
            "SELECT doc FROM okra_bets WHERE key_result_id = ANY($1::text[]) ORDER BY pos", kr_ids
        ):
            bets.setdefault(row[0]["key_result_id"], []).append(row[0])
        count = await conn.fetchval(
            "SELECT count(*) FROM okra_objectives WHERE cycle_id = $1", cycle_id
        )
    nodes = [
        {
            "id": o["id"],
            "title": o["title"],
            "kind": o["kind"],
            "score": o["score"],
            "scoreBand": band(o["score"]) if o["score"] is not None else None,
            "expectedGrade": EXPECTED_GRADE[o["kind"]],
            "team": {"name": teams[o["team_id"]]["name"]},
            "keyResults": [key_result(kr) for kr in o["key_results"]],
            "bets": [bet(b) for kr in o["key_results"] for b in bets.get(kr["id"], [])],
        }
        for o in page
    ]
    return {
        "data": {
            "objectives": {
                "totalCount": count,
                "pageInfo": {"hasNextPage": len(objectives) > PAGE},
                "nodes": nodes,
            }
        }
    }


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await create_pool(
        os.environ["BENCH_DSN"], os.environ.get("BENCH_SCHEMA", "public"), max_size=10
    )
    try:
        yield
    finally:
        await app.state.pool.close()


async def endpoint(request: Request) -> Response:
    body = await dashboard(request.app.state.pool, request.query_params["cycle"])
    return Response(json.dumps(body), media_type="application/json")


app = Starlette(routes=[Route("/dashboard", endpoint)], lifespan=lifespan)
