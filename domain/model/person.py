"""People: who owns, contributes to and changes the OKRs, and the teams they belong to.

A person's id derives from their handle (ignoring case), so two people with one
handle cannot both be added, not even by concurrent requests: the second collides
on the same stream. Emails are unique too, which one stream cannot say of another:
:mod:`domain.model.directory` keeps them. Nothing is ever deleted: a deactivated
person keeps the history of what they did and owned, and may be reactivated.

Memberships (a team and a role in it) are the person's: joining, changing role and
leaving are events of the person's stream, so what a person may change is read from
one aggregate.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model import rules
from domain.model.base import OkraAggregate, Stamp
from domain.model.edits import KEEP, unless_kept
from domain.model.errors import InvalidInput
from domain.model.notice import NotificationChannel
from domain.model.roles import MemberRole

PERSON_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/person")
HANDLE_MAX = 64
EMAIL_MAX = 254
_HANDLE = re.compile(rf"[a-z0-9._-]{{1,{HANDLE_MAX}}}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def handle(value: str, field: str = "handle") -> str:
    """A handle as stored: trimmed, lower case, 1–64 of ``a-z 0-9 . _ -``."""
    normal = rules.clean(value, field).strip().lower()
    if not _HANDLE.fullmatch(normal):
        raise InvalidInput(
            field, f"must be 1–{HANDLE_MAX} characters, each a-z, 0-9, '.', '_' or '-'"
        )
    return normal


def email(value: str | None, field: str = "email") -> str | None:
    """An email address as given (trimmed), or None for none."""
    trimmed = rules.clean(value or "", field).strip()
    if not trimmed:
        return None
    if len(trimmed) > EMAIL_MAX or not _EMAIL.fullmatch(trimmed):
        raise InvalidInput(field, "must be an email address such as ada@example.com")
    return trimmed


def email_key(value: str | None) -> str | None:
    """What makes two emails the same: they are compared ignoring case."""
    return value.casefold() if value else None


class Person(OkraAggregate):
    entity = "Person"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        handle: str
        name: str
        email: str | None
        active: bool
        memberships: dict[str, MemberRole]  # team id -> role
        muted_channels: list[str]  # notification channels they do not want (notice.py)

    @staticmethod
    def id_for(handle: str) -> UUID:
        return uuid5(PERSON_NAMESPACE, handle.strip().casefold())

    # -- events -------------------------------------------------------------------

    class PersonAdded(OkraAggregate.Created):
        handle: str
        name: str
        email: str | None

        def apply(self, person: Person) -> None:
            super().apply(person)
            person.active = True
            person.memberships = {}
            person.muted_channels = []

    class PersonRenamed(OkraAggregate.Event):
        changes: dict[str, list[Any]]  # name -> [from, to]

        def apply(self, person: Person) -> None:
            person.name = self.changes["name"][1]

    class PersonEmailChanged(OkraAggregate.Event):
        changes: dict[str, list[Any]]  # email -> [from, to]

        def apply(self, person: Person) -> None:
            person.email = self.changes["email"][1]

    class PersonDeactivated(OkraAggregate.Event):
        def apply(self, person: Person) -> None:
            person.active = False

    class PersonReactivated(OkraAggregate.Event):
        def apply(self, person: Person) -> None:
            person.active = True

    class TeamJoined(OkraAggregate.Event):
        team_id: str
        role: str

        def apply(self, person: Person) -> None:
            person.memberships[self.team_id] = MemberRole(self.role)

    class TeamRoleChanged(OkraAggregate.Event):
        team_id: str
        role: str
        previous: str

        def apply(self, person: Person) -> None:
            person.memberships[self.team_id] = MemberRole(self.role)

    class TeamLeft(OkraAggregate.Event):
        team_id: str
        role: str

        def apply(self, person: Person) -> None:
            person.memberships.pop(self.team_id, None)

    class NotificationPreferencesSet(OkraAggregate.Event):
        muted_channels: list[str]
        previous: list[str]

        def apply(self, person: Person) -> None:
            person.muted_channels = list(self.muted_channels)

    # -- commands -----------------------------------------------------------------

    @classmethod
    def add(cls, stamp: Stamp, *, handle: str, name: str, email: str | None) -> Person:
        """A new, active person (``handle`` and ``email`` already checked: see above)."""
        return cls._create(
            cls.PersonAdded,
            id=cls.id_for(handle),
            actor=stamp.actor,
            timestamp=stamp.at,
            handle=handle,
            name=rules.title(name, "name"),
            email=email,
        )

    def update(
        self,
        stamp: Stamp,
        *,
        expected_version: int | None,
        name: str = KEEP,
        email: str | None = KEEP,
    ) -> None:
        """Rename and/or change the email (uniqueness is the directory's to check)."""
        self.check_revision(expected_version)
        self.record_edit(
            stamp, self.PersonRenamed, name=unless_kept(name, lambda v: rules.title(v, "name"))
        )
        self.record_edit(stamp, self.PersonEmailChanged, email=email)

    def deactivate(self, stamp: Stamp) -> None:
        if not self.active:
            raise InvalidInput("id", f"{self.handle} is already deactivated")
        self.record(self.PersonDeactivated, stamp)

    def reactivate(self, stamp: Stamp) -> None:
        if self.active:
            raise InvalidInput("id", f"{self.handle} is already active")
        self.record(self.PersonReactivated, stamp)

    def set_notification_preferences(self, stamp: Stamp, muted_channels: list[str]) -> None:
        """Mute the channels named (the others reach them); the same list changes nothing."""
        known = {c.value for c in NotificationChannel}
        unknown = sorted(set(muted_channels) - known)
        if unknown:
            raise InvalidInput(
                "muted_channels", f"unknown channels {unknown}: choose among {sorted(known)}"
            )
        muted = sorted(set(muted_channels))
        previous = list(getattr(self, "muted_channels", []))
        if muted != previous:
            self.record(
                self.NotificationPreferencesSet, stamp, muted_channels=muted, previous=previous
            )

    def check_active(self, field: str) -> None:
        """Only active people are assigned (as owners, contributors, members)."""
        if not self.active:
            raise InvalidInput(
                field, f"{self.handle} is deactivated: only active people may be assigned"
            )

    def join(self, stamp: Stamp, team_id: str, role: str) -> None:
        self.check_active("person_id")
        chosen = rules.choice(role, MemberRole, "role")
        if team_id in self.memberships:
            raise InvalidInput(
                "person_id",
                f"{self.handle} is already a {self.memberships[team_id]} of that team "
                "(changeMemberRole changes the role)",
            )
        self.record(self.TeamJoined, stamp, team_id=team_id, role=chosen)

    def change_role(self, stamp: Stamp, team_id: str, role: str) -> None:
        chosen = rules.choice(role, MemberRole, "role")
        previous = self.membership(team_id)
        if chosen != previous:
            self.record(
                self.TeamRoleChanged, stamp, team_id=team_id, role=chosen, previous=previous
            )

    def leave(self, stamp: Stamp, team_id: str) -> None:
        self.record(self.TeamLeft, stamp, team_id=team_id, role=self.membership(team_id))

    def membership(self, team_id: str) -> MemberRole:
        try:
            return self.memberships[team_id]
        except KeyError:
            raise InvalidInput("person_id", f"{self.handle} is not a member of that team") from None
