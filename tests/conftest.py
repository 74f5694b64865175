"""Fixtures: every behaviour test runs once on SQLite and once on PostgreSQL.

The suite runs in one process or several (pytest-xdist, ``make test``): what a run
reports at its end (the PostgreSQL and Chromium it had, the fuzzing it did) is said
by the process that prints, with the workers' fuzz counts sent to it when they end.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from gateway.settings import Settings
from tests.support import chromium
from tests.support.api import Api, running
from tests.support.clock import Clock
from tests.support.pgcluster import Provisioned, provision
from tests.support.processes import SPAWNED

_provisioned: Provisioned | None = None


def postgres() -> Provisioned:
    global _provisioned
    if _provisioned is None:
        _provisioned = provision()
        if _provisioned.url is None and os.environ.get("CI") == "true":
            raise pytest.UsageError(f"CI=true requires PostgreSQL, but it is {_provisioned.how}")
    return _provisioned


UNIT = Path(__file__).parent / "unit"
FUZZ = "tests.e2e.test_fuzz"  # its FUZZED counts the inputs tried per backend
_fuzzed_by_workers: Counter[str] = Counter()


def _unit_only(config: pytest.Config) -> bool:
    """Whether only the unit tier runs (``make test-fast``): it needs neither a
    database nor a browser, so none is looked for."""
    paths = [config.invocation_params.dir / str(arg).split("::")[0] for arg in config.args]
    return bool(paths) and all(path.resolve().is_relative_to(UNIT) for path in paths)


def pytest_report_header(config: pytest.Config) -> list[str]:
    if _unit_only(config):
        return ["Unit tier only: no PostgreSQL, no Chromium needed"]
    return [
        f"PostgreSQL for tests: {postgres().how}",
        f"Chromium for tests: {chromium.executable() or 'not installed'}",
    ]


def _fuzzed() -> Counter[str]:
    fuzz = sys.modules.get(FUZZ)
    return Counter(fuzz.FUZZED if fuzz is not None else {})


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands its fuzz counts to the controller (``workeroutput``
    travels with the worker's last message)."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["fuzzed"] = dict(_fuzzed())


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's, on the controller
def pytest_testnodedown(node: Any, error: object) -> None:
    _fuzzed_by_workers.update(getattr(node, "workeroutput", {}).get("fuzzed", {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _unit_only(terminalreporter.config):
        if postgres().url is None:
            terminalreporter.write_sep("!", "PostgreSQL tests were NOT run", red=True, bold=True)
            terminalreporter.write_line(postgres().how, red=True)
        if chromium.executable() is None:
            terminalreporter.write_sep("!", "Chromium tests were NOT run", red=True, bold=True)
            terminalreporter.write_line(chromium.MISSING, red=True)
    fuzzed = _fuzzed() + _fuzzed_by_workers
    if fuzzed:
        tried = ", ".join(f"{n} on {backend}" for backend, n in sorted(fuzzed.items()))
        terminalreporter.write_line(f"Fuzzed mutation inputs: {tried}.")


def pytest_unconfigure() -> None:
    if _provisioned is not None and _provisioned.cluster is not None:
        _provisioned.cluster.destroy()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """When a test fails, show the tail of what its ``okra`` processes printed."""
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        for log in SPAWNED:
            if log.exists():
                tail = log.read_text(errors="replace")[-4000:]
                report.sections.append((f"okra process log {log.name}", tail))
    if report.when == "teardown":
        SPAWNED.clear()


@pytest.fixture(scope="session")
def pg_url() -> str:
    url = postgres().url
    if url is None:
        pytest.skip(f"PostgreSQL is {postgres().how}")
    return url


@pytest.fixture
def pg_schema(pg_url: str) -> Iterator[str]:
    """A fresh schema per test: isolation without the cost of a database each."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield schema
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, tmp_path: object) -> Settings:
    """Settings for a fresh, empty store of each kind."""
    # Data sources run when a test asks (backend.sources.run_due), never on real time;
    # notices: tests that want them drive the scheduler on their own clock.
    quiet: dict[str, Any] = {"sources_interval": 3600.0, "notices": False}
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "okra-data", poll_interval=0.2, **quiet)  # type: ignore[operator]
    url = request.getfixturevalue("pg_url")
    schema = request.getfixturevalue("pg_schema")
    return Settings(
        database_url=url, database_schema=schema, data_dir=tmp_path, poll_interval=0.2, **quiet
    )


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    async with running(settings) as client:
        yield client


@pytest.fixture
def clock() -> Clock:
    """The application's clock, for a test to set (see ``tests.support.clock``)."""
    return Clock()
