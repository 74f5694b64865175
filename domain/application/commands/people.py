"""Commands about people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command
from domain.model.person import Person


@dataclass(frozen=True, kw_only=True)
class AddPerson(Command):
    """Add a person: someone who may own, contribute to and change OKRs. Answers the person."""

    input_doc: ClassVar[str] = "A new person; handles and emails are unique, ignoring case."
    argument_doc: ClassVar[str] = "The person to add."

    handle: Annotated[
        str,
        "How tokens, JWTs and history name them: 1–64 characters, each a-z, 0-9, '.', '_' "
        "or '-' (kept in lower case); it never changes.",
    ]
    name: Annotated[str, "Their name, 1–200 characters."]
    email: Annotated[str | None, "Their email address, unique ignoring case."] = None

    def lock(self) -> object:
        return Person.id_for(self.handle)
