"""The calendar: one stream that every cycle's name and days are registered in.

A cycle's stream id derives from the name it was opened with, which keeps two cycles
from being opened under one name. Once cycles can be renamed, and since quarters of a
year (and years) may not overlap, those rules span cycles: opening, renaming and
cancelling a cycle also record it here, in the same save, so concurrent commands
collide on this stream and the retry sees the other's change.

Stores from before this stream existed are read once from their ``CycleOpened``
events when it is first opened; overlaps already stored stay (the rules apply to new
commands).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput

CALENDAR_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/calendar")


class Calendar(OkraAggregate):
    entity = "Calendar"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        # cycle id -> {name, kind, parent_id, starts_on, ends_on (ISO dates), cancelled}
        cycles: dict[str, dict[str, Any]]

    @staticmethod
    def id_for() -> UUID:
        return uuid5(CALENDAR_NAMESPACE, "organisation")

    class CalendarOpened(OkraAggregate.Created):
        """The calendar, opened with the cycles that existed before it."""

        cycles: dict[str, dict[str, Any]]

    class CycleEntered(OkraAggregate.Event):
        """A cycle's entry, as it now is."""

        cycle_id: str
        entry: dict[str, Any]

        def apply(self, calendar: Calendar) -> None:
            calendar.cycles[self.cycle_id] = dict(self.entry)

    @classmethod
    def open(cls, stamp: Stamp, cycles: dict[str, dict[str, Any]]) -> Calendar:
        return cls._create(
            cls.CalendarOpened,
            id=cls.id_for(),
            actor=stamp.actor,
            timestamp=stamp.at,
            cycles=cycles,
        )

    @staticmethod
    def entry(
        name: str, kind: str, parent_id: str | None, starts_on: date, ends_on: date
    ) -> dict[str, Any]:
        return {
            "name": name,
            "kind": str(kind),
            "parent_id": parent_id,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            "cancelled": False,
        }

    def live(self) -> dict[str, dict[str, Any]]:
        return {i: c for i, c in self.cycles.items() if not c.get("cancelled")}

    def check_name(self, name: str, field: str, cycle_id: str | None = None) -> None:
        key = name.strip().casefold()
        for other_id, cycle in self.live().items():
            if other_id != cycle_id and cycle["name"].strip().casefold() == key:
                raise InvalidInput(field, f"a cycle named {cycle['name']} already exists")

    def check_overlap(self, new: dict[str, Any], field: str) -> None:
        """Quarters of one year do not overlap; annual cycles do not overlap."""
        for other in self.live().values():
            if other["kind"] != new["kind"] or other["parent_id"] != new["parent_id"]:
                continue
            if other["starts_on"] <= new["ends_on"] and new["starts_on"] <= other["ends_on"]:
                raise InvalidInput(
                    field,
                    f"overlaps {other['name']} ({other['starts_on']} – {other['ends_on']})",
                )

    def enter(self, stamp: Stamp, cycle_id: UUID | str, entry: dict[str, Any]) -> None:
        self.record(self.CycleEntered, stamp, cycle_id=str(cycle_id), entry=entry)
