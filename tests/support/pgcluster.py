"""Find or start the PostgreSQL the tests run against.

Order: ``OKRA_TEST_DATABASE_URL``; else a server on 127.0.0.1:5432; else a throwaway
cluster started with ``initdb``/``pg_ctl`` in a temporary directory. PostgreSQL
refuses to run as root, so under root the cluster runs as the ``postgres`` system
user (or ``nobody``). Tests that stop or kill PostgreSQL always get a throwaway
cluster of their own, never the machine's server.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

MACHINE_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TEST_DATABASE = "okra_test"


def pg_bindir() -> Path | None:
    """Where initdb and pg_ctl live (Debian keeps them off PATH)."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    return Path(candidates[-1]).parent if candidates else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def can_connect(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def ensure_database(server_url: str, name: str = TEST_DATABASE) -> str:
    """Create the test database on a server if needed; its URL."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            # Test processes (pytest-xdist workers) may race to create it: one wins.
            with contextlib.suppress(
                psycopg.errors.DuplicateDatabase, psycopg.errors.UniqueViolation
            ):
                conn.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _run_as() -> str | None:
    """The unprivileged user to run PostgreSQL as, when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and no unprivileged user to run PostgreSQL as")


@dataclass
class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary directory, ours to start, stop and kill."""

    bindir: Path
    port: int
    directory: Path
    user: str | None
    durable: bool = True

    @classmethod
    def create(cls, bindir: Path | None = None, *, durable: bool = True) -> ThrowawayCluster:
        """``durable=False`` trades crash safety for speed (fine when nothing crashes)."""
        bindir = bindir or pg_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries (initdb, pg_ctl) not found")
        directory = Path(tempfile.mkdtemp(prefix="okra-pg-"))
        user = _run_as()
        if user:
            record = pwd.getpwnam(user)
            os.chown(directory, record.pw_uid, record.pw_gid)
        cluster = cls(bindir, free_port(), directory, user, durable)
        cluster._run(
            "initdb",
            "-D",
            str(directory / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
        )
        return cluster

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _command(self, program: str, *args: str) -> list[str]:
        command = [str(self.bindir / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return command

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            self._command(program, *args), check=True, capture_output=True, cwd=self.directory
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c max_connections=200"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.directory / "data"),
            "-o",
            options,
            "-l",
            str(self.directory / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.directory / "data"), "-m", mode, "-w", "stop")

    def kill(self) -> None:
        """SIGKILL the postmaster: a crash, not a shutdown."""
        pid_file = self.directory / "data" / "postmaster.pid"
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and can_connect(self.url):
            time.sleep(0.1)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class Provisioned:
    url: str | None
    how: str
    cluster: ThrowawayCluster | None = None


def provision() -> Provisioned:
    """The test database to use, and how it was found (said in the test header)."""
    explicit = os.environ.get("OKRA_TEST_DATABASE_URL")
    if explicit:
        return Provisioned(explicit, f"OKRA_TEST_DATABASE_URL ({explicit})")
    # OKRA_TEST_POSTGRES=cluster skips the machine's server (to try what a machine
    # with PostgreSQL installed but not running does).
    if os.environ.get("OKRA_TEST_POSTGRES", "auto") != "cluster" and can_connect(MACHINE_URL):
        return Provisioned(ensure_database(MACHINE_URL), "the server on 127.0.0.1:5432")
    bindir = pg_bindir()
    if bindir is None:
        return Provisioned(
            None,
            "NOT AVAILABLE: no server on 127.0.0.1:5432 and no PostgreSQL binaries "
            "(initdb/pg_ctl) on PATH or in /usr/lib/postgresql/*/bin; install "
            "postgresql to run the PostgreSQL half of the suite",
        )
    cluster = ThrowawayCluster.create(bindir, durable=False)
    cluster.start()
    return Provisioned(ensure_database(cluster.url), f"a throwaway cluster from {bindir}", cluster)
