"""Commands about people: adding and editing them, their teams and their roles there."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from domain.application.commands.base import Command, Id
from domain.model.directory import PeopleDirectory
from domain.model.edits import KEEP
from domain.model.person import Person
from domain.model.roles import MemberRole


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


@dataclass(frozen=True, kw_only=True)
class UpdatePerson(Command):
    """Change a person's name or email."""

    input_doc: ClassVar[str] = "Fields left out keep their value; email null removes it."
    argument_doc: ClassVar[str] = "The person and the fields to change."

    id: Annotated[Id, "The person."]
    name: Annotated[str, "A new name, 1–200 characters."] = KEEP
    email: Annotated[str | None, "A new email, unique ignoring case; null removes it."] = KEEP
    expected_version: Annotated[
        int | None, "The person's version you read; left out, no check."
    ] = None

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class DeactivatePerson(Command):
    """Deactivate a person who left: their tokens and JWTs stop working (within
    OKRA_TOKEN_CACHE_SECONDS), nothing can be assigned to them any more, and they keep the
    history of what they did and owned."""

    input_doc: ClassVar[str] = "The person to deactivate."
    argument_doc: ClassVar[str] = "The person."

    id: Annotated[Id, "The person."]

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class ReactivatePerson(Command):
    """Reactivate a deactivated person, with the memberships they had."""

    input_doc: ClassVar[str] = "The person to reactivate."
    argument_doc: ClassVar[str] = "The person."

    id: Annotated[Id, "The person."]

    def lock(self) -> object:
        return self.id


@dataclass(frozen=True, kw_only=True)
class AddMember(Command):
    """Make an active person a member of a team, with a role. Answers the person."""

    input_doc: ClassVar[str] = "A person joining a team."
    argument_doc: ClassVar[str] = "The team, the person and their role."

    team_id: Annotated[Id, "The team."]
    person_id: Annotated[Id, "The person joining it; active, not yet a member."]
    role: Annotated[
        MemberRole, "LEAD, MEMBER (the default) or CHAMPION (the team's OKR facilitator)."
    ] = MemberRole.MEMBER

    def lock(self) -> object:
        return self.person_id


@dataclass(frozen=True, kw_only=True)
class ChangeMemberRole(Command):
    """Change the role a person has in a team. Answers the person."""

    input_doc: ClassVar[str] = "A member's new role in a team."
    argument_doc: ClassVar[str] = "The team, the member and the new role."

    team_id: Annotated[Id, "The team."]
    person_id: Annotated[Id, "A member of the team."]
    role: Annotated[MemberRole, "LEAD, MEMBER or CHAMPION."]

    def lock(self) -> object:
        return self.person_id


@dataclass(frozen=True, kw_only=True)
class RemoveMember(Command):
    """Take a person out of a team (what they own stays theirs). Answers the person."""

    input_doc: ClassVar[str] = "A member leaving a team."
    argument_doc: ClassVar[str] = "The team and the member."

    team_id: Annotated[Id, "The team."]
    person_id: Annotated[Id, "A member of the team."]

    def lock(self) -> object:
        return self.person_id


@dataclass(frozen=True)
class PersonRow:
    """One row of a people file: a person, and optionally a team they belong to."""

    line: int  # where it stands in the file, for the errors
    handle: str
    name: str | None = None
    email: str | None = None
    team_id: str | None = None
    role: str | None = None


@dataclass(frozen=True, kw_only=True)
class ImportPeople(Command):
    """Add or update people and their memberships from rows (``okra people import``):
    all of them in one save, or none when a row breaks a rule; a re-run changes nothing."""

    rows: Annotated[list[PersonRow], "The rows, in the file's order."]

    def lock(self) -> object:
        return PeopleDirectory.id_for()
