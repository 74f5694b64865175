"""Handlers of the notice commands: a team's digest schedule, a person's channels."""

from __future__ import annotations

from domain.application.access import MANAGERS
from domain.application.commands import Saved
from domain.application.commands.notices import SetDigestSchedule, SetNotificationPreferences
from domain.application.unit import UnitOfWork
from domain.model.person import Person
from domain.model.team import Team


def set_digest_schedule(command: SetDigestSchedule, uow: UnitOfWork) -> Saved:
    """The team's leads (and admins) decide when its digest goes out."""
    team = uow.changing(Team, command.team_id, "team_id", allowed=MANAGERS)
    team.set_digest_schedule(uow.stamp, **command.arguments("team_id"))
    return uow.commit(team.id, team)


def set_notification_preferences(command: SetNotificationPreferences, uow: UnitOfWork) -> Saved:
    """A person mutes their own channels; admins may set anyone's."""
    person = uow.load(Person, command.person_id, "person_id")
    if not uow.owns(str(person.id)):
        uow.require_admin("set another person's notification preferences")
    person.set_notification_preferences(uow.stamp, [str(c) for c in command.muted_channels])
    return uow.commit(person.id, person)
