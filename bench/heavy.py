"""H1: does the gateway keep answering while hundreds of heavy queries are in flight?

``count`` retrospectives (each a distinct request, so the result cache never answers
them) are sent at once on their own connections by a process on the load generator's
CPU, while this process asks ``/healthz`` on another connection every 50 ms until
every heavy request has been answered. The
figure is the probe's p99 latency; beside it, how the heavy requests were answered
(200, 503 OVERLOADED after waiting for a turn, 503 TIMEOUT at the time budget, or
refused by the cost limit) and how long the flood took.
"""

from __future__ import annotations

import asyncio
import json
import math
import statistics
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import httpx

from bench.system import pinned

RETROSPECTIVE = """query Retro($c: ID!) {
  retrospective(cycleId: $c) {
    organisation { averageGrade objectiveGrades { red yellow green } }
    teams { averageGrade }
  }
}"""
# What the probe of the issue sent: 50 aliased retrospectives in one request.
_ALIASES = " ".join(
    f"r{n}: retrospective(cycleId: $c) {{ organisation {{ averageGrade }} }}" for n in range(50)
)
ALIASED = f"query Aliased($c: ID!) {{ {_ALIASES} }}"


def outcome(response: httpx.Response | BaseException) -> str:
    if isinstance(response, BaseException):
        return type(response).__name__
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return f"{response.status_code} (not JSON)"
    code = errors[0].get("extensions", {}).get("code") if errors else "ok"
    return f"{response.status_code} {code}"


async def flood(
    url: str, token: str, cycle_id: str, count: int = 300, aliased: bool = False
) -> dict[str, Any]:
    """Send ``count`` heavy requests at once; how they were answered, and how long."""
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    limits = httpx.Limits(max_connections=count + 10, max_keepalive_connections=count + 10)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as client:

        async def heavy(number: int) -> httpx.Response:
            body = {
                "query": ALIASED if aliased else RETROSPECTIVE,
                "variables": {"c": cycle_id},
                "extensions": {"bench": number},  # distinct: never a result-cache hit
            }
            return await client.post("/graphql", content=json.dumps(body), headers=headers)

        started = time.monotonic()
        answers = await asyncio.gather(*(heavy(n) for n in range(count)), return_exceptions=True)
        elapsed = time.monotonic() - started
    return {"seconds": elapsed, "outcomes": dict(Counter(outcome(a) for a in answers))}


def probe_while(url: str, flooding: subprocess.Popen[str], every: float = 0.05) -> list[float]:
    """``/healthz`` latencies (ms), asked every ``every`` seconds until the flood ends."""
    latencies: list[float] = []
    with httpx.Client(base_url=url, timeout=120) as client:
        client.get("/healthz")  # a warm connection
        while flooding.poll() is None:
            asked = time.monotonic()
            client.get("/healthz")
            latencies.append((time.monotonic() - asked) * 1000)
            time.sleep(every)
    return sorted(latencies)


def measure(
    url: str, token: str, cycle_id: str, cpus: list[int], count: int = 300
) -> dict[str, Any]:
    """Each flood in a process of its own (on the load generator's CPU), the probe here:
    neither's work delays the other's clock."""
    runs: dict[str, Any] = {}
    for kind in ("single", "aliased"):
        command = [sys.executable, "-m", "bench.heavy", url, token, cycle_id, str(count), kind]
        flooding = subprocess.Popen(pinned(cpus, command), stdout=subprocess.PIPE, text=True)
        latencies = probe_while(url, flooding)
        out, _ = flooding.communicate()
        result = json.loads(out.strip().splitlines()[-1])
        rank = max(0, math.ceil(len(latencies) * 0.99) - 1)
        result |= {
            "p99_ms": latencies[rank] if latencies else float("nan"),
            "p50_ms": statistics.median(latencies) if latencies else float("nan"),
            "max_ms": latencies[-1] if latencies else float("nan"),
            "probes": len(latencies),
        }
        runs[kind] = result
    return runs


if __name__ == "__main__":
    url, token, cycle_id, count, kind = sys.argv[1:6]
    print(json.dumps(asyncio.run(flood(url, token, cycle_id, int(count), kind == "aliased"))))
