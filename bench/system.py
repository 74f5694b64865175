"""Processes the benchmark starts, the cores they run on, and what they cost.

Two cores: the server under test runs on one, the load generator on the other (with
PostgreSQL free to use either), so a figure measures the server, not the scheduler
sharing one core between both. A process's CPU time and peak RSS are read from
/proc, which is also how the runner tells which side was the bottleneck.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.pgcluster import MACHINE_URL, ThrowawayCluster, can_connect, ensure_database

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOGS = ROOT / "bench" / "data" / "logs"
CPUS = sorted(os.sched_getaffinity(0))
# The server under test, and the load generator: different cores when there are two.
SERVER_CPUS = CPUS[:1]
LOAD_CPUS = CPUS[1:2] or CPUS[:1]
TICKS = os.sysconf("SC_CLK_TCK")


def pinned(cpus: Sequence[int], command: Sequence[str]) -> list[str]:
    if shutil.which("taskset") and len(CPUS) > 1:
        return ["taskset", "-c", ",".join(map(str, cpus)), *command]
    return list(command)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak_rss(pid: int) -> None:
    """Writing 5 to clear_refs resets VmHWM (Linux ≥ 4.0), so a peak is per phase."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


@dataclass
class Postgres:
    server_url: str
    how: str
    cluster: ThrowawayCluster | None = None

    def database(self, name: str = "okra_bench") -> str:
        return ensure_database(self.server_url, name)

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.destroy()


def postgres() -> Postgres:
    """The machine's server on 127.0.0.1:5432 if it answers, else a throwaway cluster
    (durable: fsync on, like a real server, since writes are what W1 measures)."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return Postgres(explicit.rsplit("/", 1)[0] + "/postgres", "BENCH_DATABASE_URL")
    if can_connect(MACHINE_URL):
        return Postgres(MACHINE_URL, "the server on 127.0.0.1:5432")
    cluster = ThrowawayCluster.create(durable=True)
    cluster.start()
    return Postgres(cluster.url, "a throwaway initdb cluster (fsync on)", cluster)


class Server:
    """A server process (the gateway, a baseline) pinned to the server core."""

    def __init__(
        self, name: str, command: Sequence[str], env: dict[str, str], port: int, health: str
    ) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.port = port
        self.log = LOGS / f"{name}.log"
        self.url = f"http://127.0.0.1:{port}"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                pinned(SERVER_CPUS, command),
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
            )
        self._wait(health)

    def _wait(self, health: str, seconds: float = 600) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log}:\n{self.tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + health, timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer {health} in {seconds} s")

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def serving(
    name: str, command: Sequence[str], env: dict[str, str], port: int, health: str
) -> Iterator[Server]:
    server = Server(name, command, env, port, health)
    try:
        yield server
    finally:
        server.stop()


def gateway(name: str, env: dict[str, str]) -> contextlib.AbstractContextManager[Server]:
    """``okra serve`` under uvicorn, as an operator runs it."""
    port = free_port()
    env = {"OKRA_LOG_LEVEL": "warning", "OKRA_PORT": str(port), **env}
    return serving(name, [str(BIN / "okra"), "serve"], env, port, "/readyz")


def plain_endpoint(dsn: str, schema: str) -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    command = [
        str(BIN / "uvicorn"),
        "bench.plain:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    env = {"BENCH_DSN": dsn, "BENCH_SCHEMA": schema}
    return serving("plain", command, env, port, "/dashboard?cycle=none")
