"""The demo's clock: it walks through the year, so each event is recorded when it
'happened'."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from gateway.demo.company import YEAR


class DemoClock:
    """A settable clock: the demo records each event at the moment it 'happened'."""

    def __init__(self) -> None:
        self.now = datetime(YEAR, 1, 2, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def at(self, day: date, hour: int = 9, minute: int = 0) -> None:
        """Move to that moment, but never past the real now: history, not prophecy."""
        moment = datetime.combine(day, time(hour, minute), tzinfo=UTC)
        self.now = min(moment, datetime.now(tz=UTC))
