"""The people directory: one stream that every email of a person is registered in.

An email is unique (ignoring case) across people, which is a property of several
people at once: two people given one email by concurrent requests would each pass a
check against the other's old state. Registering every email here as well makes such
requests collide on this stream; the retry of the second sees the email taken.
Handles need no such help: a person's id derives from their handle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput

DIRECTORY_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/people-directory")


def _key(email: str) -> str:
    return email.casefold()


class PeopleDirectory(OkraAggregate):
    entity = "PeopleDirectory"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        emails: dict[str, str]  # email, case folded -> the id of the person it is

    @staticmethod
    def id_for() -> UUID:
        return uuid5(DIRECTORY_NAMESPACE, "organisation")

    class DirectoryOpened(OkraAggregate.Created):
        def apply(self, directory: PeopleDirectory) -> None:
            directory.emails = {}

    class EmailRegistered(OkraAggregate.Event):
        """A person's email is now ``email`` (None: they have none), no longer ``previous``."""

        person_id: str
        email: str | None
        previous: str | None

        def apply(self, directory: PeopleDirectory) -> None:
            if self.previous:
                directory.emails.pop(_key(self.previous), None)
            if self.email:
                directory.emails[_key(self.email)] = self.person_id

    @classmethod
    def open(cls, stamp: Stamp) -> PeopleDirectory:
        return cls._create(
            cls.DirectoryOpened, id=cls.id_for(), actor=stamp.actor, timestamp=stamp.at
        )

    def owner_of(self, email: str) -> str | None:
        return self.emails.get(_key(email))

    def register(
        self, stamp: Stamp, person_id: UUID, email: str | None, previous: str | None
    ) -> None:
        """Give the person that email, refused when another person has it."""
        if email == previous:
            return
        if email:
            holder = self.owner_of(email)
            if holder is not None and holder != str(person_id):
                raise InvalidInput("email", f"{email} is already the email of another person")
        self.record(
            self.EmailRegistered, stamp, person_id=str(person_id), email=email, previous=previous
        )
