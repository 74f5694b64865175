"""Running the real ``okra`` command in subprocesses, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from gateway.settings import Settings
from tests.support.pgcluster import free_port

OKRA = str(Path(sys.executable).parent / "okra")


def store_args(settings: Settings) -> list[str]:
    if settings.database_url:
        return ["--database-url", settings.database_url, "--schema", settings.database_schema]
    return ["--data-dir", str(settings.data_dir)]


def okra(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [OKRA, *args],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OKRA_LOG_LEVEL": "warning"},
    )


def verify(settings: Settings) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [OKRA, "audit", "verify", *store_args(settings)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def admin_token(settings: Settings) -> str:
    """A real admin token, made the way an operator makes one."""
    result = okra("token", "create", "--user", "tests", "--role", "admin", *store_args(settings))
    return result.stdout.strip()  # the token alone on standard output


LOGS = Path(tempfile.mkdtemp(prefix="okra-test-logs-"))
SPAWNED: list[Path] = []  # this test's process logs, shown when it fails


class Spawned(subprocess.Popen[bytes]):
    """A background ``okra`` whose output goes to a file: a pipe nobody reads would
    fill up and stall the process."""

    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def spawn(*args: str, env: dict[str, str] | None = None) -> Spawned:
    log = LOGS / f"{len(SPAWNED):04d}-{args[0]}.log"
    SPAWNED.append(log)
    with log.open("wb") as sink:
        process = Spawned(
            [OKRA, *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    process.log = log
    return process


def wait_until_up(url: str, process: Spawned) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.output())
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError("okra serve did not come up")


# Notices off: tests that want them drive the scheduler on their own clock.
FAST = {"OKRA_POLL_INTERVAL": "0.1", "OKRA_LOG_LEVEL": "warning", "OKRA_NOTICES": "false"}


def projector(settings: Settings, *extra: str) -> Spawned:
    """``okra project`` polling fast, so a standby takes over quickly."""
    return spawn("project", *store_args(settings), *extra, env=FAST)


class Gateway:
    """``okra serve`` on a free port, stopped on exit."""

    def __init__(self, settings: Settings, *extra: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = admin_token(settings)
        self.headers = {"Authorization": f"Bearer {self.token}"}
        self.process = spawn(
            "serve", "--port", str(self.port), *store_args(settings), *extra, env=FAST | (env or {})
        )

    def __enter__(self) -> Gateway:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.output())
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.1)
        raise TimeoutError("okra serve did not come up")

    def client(self, timeout: float = 30) -> httpx.AsyncClient:
        """An HTTP client signed in as an admin."""
        return httpx.AsyncClient(base_url=self.url, headers=self.headers, timeout=timeout)

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
