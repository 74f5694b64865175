"""The domain's command tests (tests/unit/test_domain_commands.py) on the real stores:
the same class, with eventsourcing's SQLite and PostgreSQL persistence."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.settings import Settings
from tests.unit import test_domain_commands as base


class TestCommandsOnSQLite(base.TestCommands):
    @pytest.fixture(autouse=True)
    def _store(self, tmp_path: Path) -> None:
        self._env = Settings(data_dir=tmp_path).eventsourcing_env()

    def env_for_test(self) -> dict[str, str]:
        return self._env


class TestCommandsOnPostgreSQL(base.TestCommands):
    @pytest.fixture(autouse=True)
    def _store(self, pg_url: str, pg_schema: str) -> None:
        self._env = Settings(database_url=pg_url, database_schema=pg_schema).eventsourcing_env()

    def env_for_test(self) -> dict[str, str]:
        return self._env
