"""The embedded store with another process holding its views' write lock.

``okra rebuild`` and ``okra report`` may run beside a live gateway on the same data
directory. While they hold the views' write lock, the gateway's projector waits for
it without freezing the gateway: other requests keep being answered.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

from gateway.settings import Settings
from tests.support.api import running


async def test_a_held_views_lock_does_not_freeze_the_gateway(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "okra-data", poll_interval=0.2)
    async with running(settings) as api:
        team = await api.team("Acme")
        released = threading.Event()

        def hold() -> None:  # another process's long write transaction
            with sqlite3.connect(settings.views_path, isolation_level=None) as other:
                other.execute("BEGIN IMMEDIATE")
                released.wait(10)
                other.execute("COMMIT")

        holder = threading.Thread(target=hold)
        holder.start()
        await asyncio.sleep(0.2)
        write = asyncio.create_task(api.team("Ops", team))  # waits for the views
        slowest = 0.0
        for _ in range(10):
            started = time.monotonic()
            assert (await api.client.get("/healthz")).status_code == 200
            slowest = max(slowest, time.monotonic() - started)
            await asyncio.sleep(0.1)
        assert not write.done()  # still waiting for the lock, as it should
        released.set()
        holder.join()
        await asyncio.wait_for(write, 10)  # and it lands once the lock is free
        assert slowest < 0.5, slowest
        teams = await api.data("{ teams { totalCount } }")
        assert teams["teams"]["totalCount"] == 2
