"""Fixtures: every behaviour test runs once on SQLite and once on PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import psycopg
import pytest
from asgi_lifespan import LifespanManager

from gateway.http.app import create_app
from gateway.settings import Settings
from tests import chromium
from tests.api import Api
from tests.pgcluster import Provisioned, provision
from tests.processes import SPAWNED

_provisioned: Provisioned | None = None


def postgres() -> Provisioned:
    global _provisioned
    if _provisioned is None:
        _provisioned = provision()
        if _provisioned.url is None and os.environ.get("CI") == "true":
            raise pytest.UsageError(f"CI=true requires PostgreSQL, but it is {_provisioned.how}")
    return _provisioned


def pytest_report_header() -> list[str]:
    return [
        f"PostgreSQL for tests: {postgres().how}",
        f"Chromium for tests: {chromium.executable() or 'not installed'}",
    ]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if postgres().url is None:
        terminalreporter.write_sep("!", "PostgreSQL tests were NOT run", red=True, bold=True)
        terminalreporter.write_line(postgres().how, red=True)
    if chromium.executable() is None:
        terminalreporter.write_sep("!", "Chromium tests were NOT run", red=True, bold=True)
        terminalreporter.write_line(chromium.MISSING, red=True)
    fuzz = sys.modules.get("tests.test_fuzz")
    if fuzz is not None and fuzz.FUZZED:
        tried = ", ".join(f"{n} on {backend}" for backend, n in sorted(fuzz.FUZZED.items()))
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
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path / "okra-data", poll_interval=0.2)  # type: ignore[operator]
    url = request.getfixturevalue("pg_url")
    schema = request.getfixturevalue("pg_schema")
    return Settings(database_url=url, database_schema=schema, data_dir=tmp_path, poll_interval=0.2)


@contextlib.asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Api]:
    """The real app on these settings, and a client speaking HTTP to it."""
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60) as manager,
        Api.connect(manager.app, app) as client,
    ):
        yield client


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    async with running(settings) as client:
        yield client
