"""A clock the tests set ("today" for commands, the audit and reminders), and the app on it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time

from asgi_lifespan import LifespanManager

from gateway.http.app import create_app
from gateway.settings import Settings
from tests.support.api import Api


class Clock:
    """The application's clock, set by the test; it starts on 1 October 2026."""

    def __init__(self) -> None:
        self.now = datetime(2026, 10, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def on(self, day: str) -> None:
        self.now = datetime.combine(date.fromisoformat(day), time(9), tzinfo=UTC)


@contextlib.asynccontextmanager
async def clocked(settings: Settings, clock: Clock) -> AsyncIterator[Api]:
    """The real app on the test's clock, and a client whose requests are signed in as
    ``ada``, an admin who is a person (so she owns what she sets)."""
    app = create_app(settings, clock=clock)
    async with (
        LifespanManager(app, startup_timeout=60) as manager,
        Api.connect(manager.app, app) as api,
    ):
        api.default_token = (await api.person("ada", role="admin"))[1]
        yield api
