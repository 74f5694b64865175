"""Teams: the organisation, its departments and their teams, as one tree."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput

# How often a team means to check in on its key results, at most: once a year.
CADENCE_MAX_DAYS = 366


class Team(OkraAggregate):
    entity = "Team"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        name: str
        parent_id: str | None
        stake_unit: str
        check_in_cadence_days: int | None  # None: the configured default

    class TeamCreated(OkraAggregate.Created):
        name: str
        parent_id: str | None
        stake_unit: str

        def apply(self, team: Team) -> None:
            super().apply(team)
            team.check_in_cadence_days = None

    class CheckInCadenceSet(OkraAggregate.Event):
        days: int | None
        previous: int | None

        def apply(self, team: Team) -> None:
            team.check_in_cadence_days = self.days

    @classmethod
    def create(cls, stamp: Stamp, *, name: str, parent_id: UUID | None, stake_unit: str) -> Team:
        return cls._create(
            cls.TeamCreated,
            id=uuid4(),
            actor=stamp.actor,
            timestamp=stamp.at,
            name=name,
            parent_id=str(parent_id) if parent_id else None,
            stake_unit=stake_unit,
        )

    def set_check_in_cadence(
        self, stamp: Stamp, *, expected_version: int | None, days: int | None
    ) -> None:
        self.check_revision(expected_version)
        if days is not None and not 1 <= days <= CADENCE_MAX_DAYS:
            raise InvalidInput("days", f"must be between 1 and {CADENCE_MAX_DAYS}")
        if days != self.check_in_cadence_days:
            self.record(
                self.CheckInCadenceSet, stamp, days=days, previous=self.check_in_cadence_days
            )
