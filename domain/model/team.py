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
        digest_weekday: int | None  # ISO weekday of the weekly digest; None: Monday
        digest_hour: int | None  # its hour in OKRA_TIMEZONE; None: 9

    class TeamCreated(OkraAggregate.Created):
        name: str
        parent_id: str | None
        stake_unit: str

        def apply(self, team: Team) -> None:
            super().apply(team)
            team.check_in_cadence_days = None
            team.archived = False
            team.digest_weekday = None
            team.digest_hour = None

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
    class DigestScheduleSet(OkraAggregate.Event):
        weekday: int | None
        hour: int | None

        def apply(self, team: Team) -> None:
            team.digest_weekday = self.weekday
            team.digest_hour = self.hour

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
    def set_digest_schedule(
        self, stamp: Stamp, *, expected_version: int | None, weekday: int | None, hour: int | None
    ) -> None:
        """When the team's weekly digest goes out: an ISO weekday (1 Monday … 7 Sunday)
        and an hour (0–23) in OKRA_TIMEZONE; None for either keeps its default."""
        self.check_revision(expected_version)
        if weekday is not None and not 1 <= weekday <= 7:
            raise InvalidInput("weekday", "must be between 1 (Monday) and 7 (Sunday)")
        if hour is not None and not 0 <= hour <= 23:
            raise InvalidInput("hour", "must be between 0 and 23")
        current = (getattr(self, "digest_weekday", None), getattr(self, "digest_hour", None))
        if (weekday, hour) != current:
            self.record(self.DigestScheduleSet, stamp, weekday=weekday, hour=hour)
