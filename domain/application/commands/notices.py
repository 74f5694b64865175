"""Commands about notices: when a team's digest goes out, which channels reach a person."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.notice import NotificationChannel


@dataclass(frozen=True, kw_only=True)
class SetDigestSchedule(Command):
    """Set when a team's weekly digest goes out: a weekday and an hour in OKRA_TIMEZONE
    (null for either: Monday, 09:00). A team's leads and admins set it."""

    input_doc: ClassVar[str] = "When a team's weekly digest goes out."
    argument_doc: ClassVar[str] = "The team, the weekday and the hour."

    team_id: Annotated[Id, "The team."]
    weekday: Annotated[int | None, "ISO weekday: 1 (Monday) to 7 (Sunday); null: Monday."] = None
    hour: Annotated[int | None, "Hour of the day, 0–23, in OKRA_TIMEZONE; null: 9."] = None
    expected_version: Annotated[int | None, "The team's version you read; left out, no check."] = (
        None
    )

    def lock(self) -> object:
        return self.team_id


@dataclass(frozen=True, kw_only=True)
class SetNotificationPreferences(Command):
    """Choose which channels bring a person reminders, escalations and digests: the ones
    muted stay silent (a person sets their own; admins anyone's). Answers the person."""

    input_doc: ClassVar[str] = "The channels a person mutes; the others reach them."
    argument_doc: ClassVar[str] = "The person and the channels they mute."

    person_id: Annotated[Id, "The person."]
    muted_channels: Annotated[
        list[NotificationChannel], "The channels to mute ([] unmutes all): EMAIL, WEBHOOK."
    ] = field(default_factory=list)

    def lock(self) -> object:
        return self.person_id
