"""Teams: the organisation, its departments and their teams, as one tree."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput

# How often a team means to check in on its key results, at most: once a year.
CADENCE_MAX_DAYS = 366


class TeamStatus(StrEnum):
    ACTIVE = "ACTIVE"
    ARCHIVED = "ARCHIVED"


class Team(OkraAggregate):
    entity = "Team"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        name: str
        parent_id: str | None
        stake_unit: str
        check_in_cadence_days: int | None  # None: the configured default
        archived: bool

    class TeamCreated(OkraAggregate.Created):
        name: str
        parent_id: str | None
        stake_unit: str

        def apply(self, team: Team) -> None:
            super().apply(team)
            team.check_in_cadence_days = None
            team.archived = False

    class CheckInCadenceSet(OkraAggregate.Event):
        days: int | None
        previous: int | None

        def apply(self, team: Team) -> None:
            team.check_in_cadence_days = self.days

    class TeamRenamed(OkraAggregate.Event):
        name: str
        previous: str

        def apply(self, team: Team) -> None:
            team.name = self.name

    class TeamMoved(OkraAggregate.Event):
        parent_id: str | None
        previous: str | None

        def apply(self, team: Team) -> None:
            team.parent_id = self.parent_id

    class TeamArchived(OkraAggregate.Event):
        def apply(self, team: Team) -> None:
            team.archived = True

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

    def check_active(self, field: str) -> None:
        if self.archived:
            raise InvalidInput(field, f"team {self.name} is archived")

    def rename(self, stamp: Stamp, *, expected_version: int | None, name: str) -> None:
        self.check_revision(expected_version)
        if name != self.name:
            self.record(self.TeamRenamed, stamp, name=name, previous=self.name)

    def move(self, stamp: Stamp, *, expected_version: int | None, parent_id: str | None) -> None:
        self.check_revision(expected_version)
        if parent_id != self.parent_id:
            self.record(self.TeamMoved, stamp, parent_id=parent_id, previous=self.parent_id)

    def archive(self, stamp: Stamp, *, expected_version: int | None) -> None:
        self.check_revision(expected_version)
        self.check_active("id")
        self.record(self.TeamArchived, stamp)
