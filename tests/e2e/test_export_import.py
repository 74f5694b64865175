"""Moving a whole history between SQLite and PostgreSQL (and backing it up)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gateway.backend import make_store
from gateway.settings import Settings
from tests.support.processes import okra, spawn, store_args
from tests.support.views import dump


def exported(settings: Settings, path: Path) -> list[dict[str, object]]:
    okra("export", "--out", str(path), *store_args(settings))
    return [json.loads(line) for line in path.read_text().splitlines()]


async def views_of(settings: Settings) -> dict[str, list[dict[str, object]]]:
    store = make_store(settings)
    await store.open()
    try:
        return await dump(store)
    finally:
        await store.close()


@pytest.mark.parametrize("direction", ["sqlite-to-postgres", "postgres-to-sqlite"])
async def test_history_moves_between_stores_unchanged(
    direction: str, tmp_path: Path, pg_url: str, pg_schema: str
) -> None:
    sqlite = Settings(data_dir=tmp_path / "embedded")
    postgres = Settings(database_url=pg_url, database_schema=pg_schema)
    source, target = (sqlite, postgres) if direction == "sqlite-to-postgres" else (postgres, sqlite)
    okra("demo", *store_args(source))
    okra("rebuild", *store_args(source))
    backup = tmp_path / "events.jsonl"
    original = exported(source, backup)
    assert len(original) > 500
    result = okra("import", str(backup), *store_args(target))
    assert f"Imported {len(original):,} events" in result.stderr
    # Ids, versions, topics and the recorded bytes (timestamps, actors) all survive.
    assert exported(target, tmp_path / "again.jsonl") == original
    assert await views_of(target) == await views_of(source)
    # The raw bytes moved, so the hash chain verifies in the new store, to the same heads.
    digests = [okra("audit", "verify", *store_args(s)).stdout for s in (source, target)]
    assert digests[0].startswith(f"OK: {len(original):,} events") and digests[0] == digests[1]

    refused = spawn("import", str(backup), *store_args(target))
    assert refused.wait(timeout=120) != 0
    assert "--into-non-empty" in refused.output()
    clash = spawn("import", str(backup), "--into-non-empty", *store_args(target))
    assert clash.wait(timeout=120) != 0
    assert "already in the store" in clash.output()


def test_a_broken_file_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"originator_id": "not-a-uuid"}\n')
    with pytest.raises(subprocess.CalledProcessError) as refused:
        okra("import", str(broken), "--data-dir", str(tmp_path / "empty"))
    assert "line 1" in refused.value.stderr
