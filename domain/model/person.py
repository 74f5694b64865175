"""People: who owns, contributes to and changes the OKRs.

A person's id derives from their handle (ignoring case), so two people with one
handle cannot both be added, not even by concurrent requests: the second collides
on the same stream. Emails are unique too, which one stream cannot say of another:
:mod:`domain.model.directory` keeps them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model import rules
from domain.model.base import OkraAggregate, Stamp
from domain.model.errors import InvalidInput

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
