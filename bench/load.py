"""The load generators: ``wrk`` for saturation, an asyncio client for fixed rates.

Both replay a file of request bodies (one JSON body per line, cycled through) against
one URL on 127.0.0.1, over keep-alive connections, and count every answer that is
not a 200 without GraphQL ``errors`` as an error. wrk (C, one thread) runs closed
loop: ``connections`` clients each sending the next request as soon as the last one
is answered. The Python client runs open loop at a fixed rate, timing each request
from when it was due (so a stalled server cannot hide its queueing delay), which is
what a p99 at a given rate needs. Run as ``python -m bench.load …`` so it can be
pinned to its own core; it prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httptools

from bench.system import LOAD_CPUS, pinned

LUA = """
local bodies = {}
for line in io.lines("%(bodies)s") do bodies[#bodies + 1] = line end
local threads = {}
function setup(thread) table.insert(threads, thread) end
counter, errors, answered = 0, 0, 0
sample = ""
function request()
  counter = counter + 1
  local body = bodies[(counter %% #bodies) + 1]
  return wrk.format("POST", "%(path)s", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "%(authorization)s",
  }, body)
end
function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    errors = errors + 1
    if sample == "" then sample = string.gsub(string.sub(body, 1, 300), '[%%c"\\\\]', " ") end
  end
end
function done(summary, latency, requests)
  local e, a, s = 0, 0, ""
  for _, t in ipairs(threads) do
    e = e + t:get("errors"); a = a + t:get("answered")
    local ts = t:get("sample"); if s == "" then s = ts end
  end
  io.write(string.format('WRK_JSON {"errors": %%d, "answered": %%d, "p50": %%f, "p99": %%f,'
    .. ' "sample": "%%s"}\\n', e, a,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, s))
end
"""


@dataclass
class Result:
    """One run of a load generator: throughput, latency (ms), errors, its own CPU use."""

    rate: float
    p50: float
    p99: float
    answered: int
    errors: int
    load_cpu: float  # the load generator's CPU use, in cores
    sample_error: str = ""

    def as_json(self) -> dict[str, Any]:
        return dict(vars(self))


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def wrk(
    url: str,
    bodies: Path,
    *,
    connections: int,
    seconds: float,
    authorization: str = "",
    method_get: bool = False,
) -> Result:
    """Saturate ``url`` with ``connections`` closed-loop clients for ``seconds``."""
    path = re.sub(r"^https?://[^/]+", "", url) or "/"
    script = bodies.with_suffix(".lua")
    lua = LUA % {"bodies": bodies, "path": path, "authorization": authorization}
    if method_get:
        lua = lua.replace('wrk.format("POST"', 'wrk.format("GET"')
    script.write_text(lua)
    base = re.match(r"^https?://[^/]+", url)
    assert base is not None
    command = pinned(
        LOAD_CPUS,
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            base.group(0) + path,
        ],
    )
    before = _children_cpu()
    started = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True).stdout
    elapsed = time.monotonic() - started
    cpu = _children_cpu() - before
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    summary = re.search(r"WRK_JSON (\{.*\})", out)
    if rate is None or summary is None:
        raise RuntimeError(f"wrk said:\n{out}")
    data = json.loads(summary.group(1))
    return Result(
        rate=float(rate.group(1)),
        p50=data["p50"],
        p99=data["p99"],
        answered=data["answered"],
        errors=data["errors"],
        load_cpu=cpu / elapsed if cpu else float("nan"),
        sample_error=data["sample"],
    )


def _children_cpu() -> float:
    """CPU seconds of every child process that has ended (the load generator's, here)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def python_client(
    url: str,
    bodies: Path,
    *,
    seconds: float,
    rate: float | None = None,
    connections: int = 32,
    authorization: str = "",
    method_get: bool = False,
    offset: int = 0,
) -> Result:
    """Run the asyncio client in its own process on the load core, from body
    ``offset`` on (runs that must not repeat each other's requests start apart)."""
    command = [
        sys.executable,
        "-m",
        "bench.load",
        url,
        str(bodies),
        "--seconds",
        str(seconds),
        "--connections",
        str(connections),
        "--authorization",
        authorization,
    ]
    if rate is not None:
        command += ["--rate", str(rate)]
    if offset:
        command += ["--offset", str(offset)]
    if method_get:
        command += ["--get"]
    before = _children_cpu()
    started = time.monotonic()
    done = subprocess.run(
        pinned(LOAD_CPUS, command), capture_output=True, text=True, cwd=Path(__file__).parent.parent
    )
    elapsed = time.monotonic() - started
    cpu = _children_cpu() - before
    if done.returncode != 0:
        raise RuntimeError(f"the load client failed:\n{done.stderr[-3000:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    data["load_cpu"] = cpu / elapsed
    return Result(**data)


class _Connection:
    """One keep-alive HTTP/1.1 connection; responses parsed by httptools (uvicorn's C
    parser), since a pure-Python client parsing 50 kB answers was slower than the
    server it measured."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.status = 0
        self.body: list[bytes] = []
        self.done = False
        self.parser = httptools.HttpResponseParser(self)

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.done = True

    async def send(self, request: bytes) -> tuple[int, bytes]:
        self.body, self.done = [], False
        self.writer.write(request)
        while not self.done:
            data = await self.reader.read(262144)
            if not data:
                raise ConnectionError("the server closed the connection")
            self.parser.feed_data(data)
        return self.parser.get_status_code(), b"".join(self.body)


async def _client(args: argparse.Namespace, lines: list[str]) -> dict[str, Any]:
    url = urlsplit(args.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    auth = f"Authorization: {args.authorization}\r\n" if args.authorization else ""

    def request(body: str) -> bytes:
        if args.get:
            path = (url.path or "/") + body
            head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}\r\n"
            return head.encode()
        data = body.encode()
        head = (
            f"POST {url.path or '/'} HTTP/1.1\r\nHost: {host}\r\n{auth}"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        )
        return head.encode() + data

    requests = [request(line) for line in lines]
    pool: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(args.connections):
        pool.put_nowait(_Connection(*await asyncio.open_connection(host, port)))
    latencies: list[float] = []
    errors = 0
    sample = ""
    counter = args.offset

    async def one(due: float) -> None:
        nonlocal errors, sample, counter
        payload = requests[counter % len(requests)]
        counter += 1
        connection = await pool.get()
        try:
            status, body = await connection.send(payload)
        finally:
            pool.put_nowait(connection)
        latencies.append(time.perf_counter() - due)
        if status != 200 or b'"errors"' in body:
            errors += 1
            sample = sample or body[:300].decode(errors="replace")

    started = time.perf_counter()
    end = started + args.seconds
    if args.rate:
        # Open loop: request i is due at started + i / rate, whatever came before.
        tasks: set[asyncio.Task[None]] = set()
        i = 0
        while True:
            due = started + i / args.rate
            if due >= end:
                break
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(one(due))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            i += 1
        if tasks:
            await asyncio.wait(tasks)
    else:

        async def worker() -> None:
            while time.perf_counter() < end:
                await one(time.perf_counter())

        await asyncio.gather(*(worker() for _ in range(args.connections)))
    elapsed = time.perf_counter() - started
    while not pool.empty():
        pool.get_nowait().writer.close()
    latencies.sort()

    def quantile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {
        "rate": len(latencies) / elapsed,
        "p50": quantile(0.5),
        "p99": quantile(0.99),
        "answered": len(latencies),
        "errors": errors,
        "sample_error": sample,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("bodies")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rate", type=float)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--authorization", default="")
    parser.add_argument("--get", action="store_true")
    parser.add_argument("--offset", type=int, default=0)
    args = parser.parse_args()
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    lines = Path(args.bodies).read_text().splitlines() or [""]
    print(json.dumps(asyncio.run(_client(args, lines))))


if __name__ == "__main__":
    main()
