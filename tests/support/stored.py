"""The events table, reached with plain SQL as someone bypassing OKRA would: for the
tests that tamper with what is stored and expect ``okra audit verify`` to notice."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg

from gateway.settings import Settings

Row = tuple[int, str, int, str, bytes]  # position, stream, version, topic, state


class Stored:
    """The events table, reached with plain SQL as someone bypassing OKRA would."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def rows(self) -> list[Row]:
        if self.settings.database_url:
            with psycopg.connect(self.settings.database_url) as conn:
                conn.execute(f'SET search_path TO "{self.settings.database_schema}"')
                found = conn.execute(
                    "SELECT notification_id, originator_id::text, originator_version, topic, "
                    "state FROM okra_events ORDER BY notification_id"
                ).fetchall()
                return [(r[0], r[1], r[2], r[3], bytes(r[4])) for r in found]
        with sqlite3.connect(self.settings.data_dir / "events.sqlite") as conn:
            found = conn.execute(
                "SELECT rowid, originator_id, originator_version, topic, state "
                "FROM stored_events ORDER BY rowid"
            ).fetchall()
            return [(r[0], str(UUID(r[1])), r[2], r[3], bytes(r[4])) for r in found]

    def execute(self, pg_sql: str, sqlite_sql: str, *params: Any) -> None:
        if self.settings.database_url:
            with psycopg.connect(self.settings.database_url) as conn:
                conn.execute(f'SET search_path TO "{self.settings.database_schema}"')
                conn.execute(pg_sql, params)
        else:
            with sqlite3.connect(self.settings.data_dir / "events.sqlite") as conn:
                conn.execute(sqlite_sql, params)

    def rewrite(self, position: int, change: Callable[[dict[str, Any]], None]) -> None:
        state = next(r[4] for r in self.rows() if r[0] == position)
        decoded = json.loads(state)
        change(decoded)
        new = json.dumps(decoded, separators=(",", ":")).encode()
        self.execute(
            "UPDATE okra_events SET state = %s WHERE notification_id = %s",
            "UPDATE stored_events SET state = ? WHERE rowid = ?",
            new,
            position,
        )

    def delete(self, position: int) -> None:
        self.execute(
            "DELETE FROM okra_events WHERE notification_id = %s",
            "DELETE FROM stored_events WHERE rowid = ?",
            position,
        )

    def position_of(self, event_type: str) -> int:
        return next(r[0] for r in self.rows() if r[3].endswith("." + event_type))
