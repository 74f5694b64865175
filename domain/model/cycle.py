"""Cycles: the annual and quarterly periods that OKRs belong to.

A cycle's id is derived from its name, so two "2026-Q4" cycles cannot both be
opened even by concurrent requests: the second insert collides on the same stream.
The cycle also records each objective scheduled in it, so that closing it touches
every objective and serialises with any concurrent edit of one of them.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput

CYCLE_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/cycle")


class CycleKind(StrEnum):
    ANNUAL = "ANNUAL"
    QUARTERLY = "QUARTERLY"


class CycleStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


class Cycle(OkraAggregate):
    entity = "Cycle"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        name: str
        kind: CycleKind
        parent_id: str | None
        starts_on: date
        ends_on: date
        status: CycleStatus
        objective_ids: list[str]
        team_ids: list[str]

    @staticmethod
    def id_for(name: str) -> UUID:
        return uuid5(CYCLE_NAMESPACE, name.strip().casefold())

    class CycleOpened(OkraAggregate.Created):
        name: str
        kind: str
        parent_id: str | None
        starts_on: date
        ends_on: date

        def apply(self, cycle: Cycle) -> None:
            super().apply(cycle)
            cycle.kind = CycleKind(self.kind)
            cycle.status = CycleStatus.OPEN
            cycle.objective_ids = []
            cycle.team_ids = []

    class ObjectiveScheduled(OkraAggregate.Event):
        edits_entity: ClassVar[bool] = False
        objective_id: str
        team_id: str

        def apply(self, cycle: Cycle) -> None:
            cycle.objective_ids.append(self.objective_id)
            if self.team_id not in cycle.team_ids:
                cycle.team_ids.append(self.team_id)

    class CycleClosed(OkraAggregate.Event):
        def apply(self, cycle: Cycle) -> None:
            cycle.status = CycleStatus.CLOSED

    class CycleRenamed(OkraAggregate.Event):
        name: str
        previous: str

        def apply(self, cycle: Cycle) -> None:
            cycle.name = self.name

    class TeamWithdrawn(OkraAggregate.Event):
        """A team was archived while the cycle was open: it plans nothing more here.
        Recorded so that archiving collides with an objective being scheduled for the
        team at the same moment (both write this stream)."""

        edits_entity: ClassVar[bool] = False
        team_id: str

        def apply(self, cycle: Cycle) -> None:
            pass

    class CycleCancelled(OkraAggregate.Event):
        def apply(self, cycle: Cycle) -> None:
            cycle.status = CycleStatus.CANCELLED

    @classmethod
    def open(
        cls,
        stamp: Stamp,
        *,
        name: str,
        kind: CycleKind,
        parent_id: UUID | None,
        starts_on: date,
        ends_on: date,
    ) -> Cycle:
        return cls._create(
            cls.CycleOpened,
            id=cls.id_for(name),
            actor=stamp.actor,
            timestamp=stamp.at,
            name=name,
            kind=kind,
            parent_id=str(parent_id) if parent_id else None,
            starts_on=starts_on,
            ends_on=ends_on,
        )

    @property
    def is_open(self) -> bool:
        return self.status == CycleStatus.OPEN

    def schedule(self, stamp: Stamp, objective_id: UUID, team_id: UUID) -> None:
        self.record(
            self.ObjectiveScheduled,
            stamp,
            objective_id=str(objective_id),
            team_id=str(team_id),
        )

    def close(self, stamp: Stamp) -> None:
        self.record(self.CycleClosed, stamp)

    def rename(self, stamp: Stamp, name: str) -> None:
        if name != self.name:
            self.record(self.CycleRenamed, stamp, name=name, previous=self.name)

    def cancel(self, stamp: Stamp) -> None:
        """Call off a cycle nothing was planned in (it has no objectives)."""
        if not self.is_open:
            raise InvalidInput("id", f"cycle {self.name} is {self.status.lower()}")
        if self.objective_ids:
            raise InvalidInput(
                "id", f"cycle {self.name} has objectives: only an empty cycle is cancelled"
            )
        self.record(self.CycleCancelled, stamp)

    def withdraw(self, stamp: Stamp, team_id: UUID | str) -> None:
        self.record(self.TeamWithdrawn, stamp, team_id=str(team_id))
