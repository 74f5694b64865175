"""Handlers of the people commands: people, their emails, their teams and roles.

Admins manage people; a team's leads (and admins) manage its members. An email is
registered in the people directory in the same save as the person it belongs to,
so two people can never end up with one email (see ``domain.model.directory``).
"""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from domain.application.access import MANAGERS
from domain.application.commands import (
    AddMember,
    AddPerson,
    ChangeMemberRole,
    DeactivatePerson,
    ImportPeople,
    ReactivatePerson,
    RemoveMember,
    Saved,
    UpdatePerson,
)
from domain.application.commands.people import PersonRow
from domain.application.unit import UnitOfWork
from domain.model import person as people
from domain.model import rules
from domain.model.base import OkraAggregate
from domain.model.directory import PeopleDirectory
from domain.model.edits import KEEP
from domain.model.errors import InvalidInput
from domain.model.person import Person
from domain.model.roles import MemberRole
from domain.model.team import Team


def add_person(command: AddPerson, uow: UnitOfWork) -> Saved:
    uow.require_admin("add people")
    handle = people.handle(command.handle)
    if uow.exists(Person.id_for(handle)):
        raise InvalidInput("handle", f"{handle} is already the handle of another person")
    email = people.email(command.email)
    person = Person.add(uow.stamp, handle=handle, name=command.name, email=email)
    directory = register_email(uow, None, person.id, email, None)
    return uow.commit(person.id, person, *filter(None, [directory]))


def update_person(command: UpdatePerson, uow: UnitOfWork) -> Saved:
    uow.require_admin("change people")
    person = uow.load(Person, command.id, "id")
    person.check_revision(command.expected_version)
    email = command.email if command.email is KEEP else people.email(command.email)
    directory = None if email is KEEP else register_email(uow, None, person.id, email, person.email)
    person.update(uow.stamp, expected_version=None, name=command.name, email=email)
    return uow.commit(person.id, person, *filter(None, [directory]))


def deactivate_person(command: DeactivatePerson, uow: UnitOfWork) -> Saved:
    uow.require_admin("deactivate people")
    person = uow.load(Person, command.id, "id")
    person.deactivate(uow.stamp)
    return uow.commit(person.id, person)


def reactivate_person(command: ReactivatePerson, uow: UnitOfWork) -> Saved:
    uow.require_admin("reactivate people")
    person = uow.load(Person, command.id, "id")
    person.reactivate(uow.stamp)
    return uow.commit(person.id, person)


def add_member(command: AddMember, uow: UnitOfWork) -> Saved:
    person = member(uow, command.team_id, command.person_id)
    person.join(uow.stamp, command.team_id, command.role)
    return uow.commit(person.id, person)


def change_member_role(command: ChangeMemberRole, uow: UnitOfWork) -> Saved:
    person = member(uow, command.team_id, command.person_id)
    person.change_role(uow.stamp, command.team_id, command.role)
    return uow.commit(person.id, person)


def remove_member(command: RemoveMember, uow: UnitOfWork) -> Saved:
    person = member(uow, command.team_id, command.person_id)
    person.leave(uow.stamp, command.team_id)
    return uow.commit(person.id, person)


def member(uow: UnitOfWork, team_id: str, person_id: str) -> Person:
    """The person whose membership of the team changes, once the actor may manage the
    team's members (an admin, or a lead of the team or of a team above it)."""
    team = uow.load(Team, team_id, "team_id", missing=InvalidInput)
    uow.authorize(team.id, MANAGERS)
    return uow.load(Person, person_id, "person_id", missing=InvalidInput)


def register_email(
    uow: UnitOfWork,
    directory: PeopleDirectory | None,
    person_id: UUID,
    email: str | None,
    previous: str | None,
) -> PeopleDirectory | None:
    """Register a person's new email (releasing ``previous``) in the directory, opened
    on first use: the directory, to save with the person, or None if nothing changed."""
    if email == previous:
        return None
    if directory is None:
        directory = uow.find(PeopleDirectory, PeopleDirectory.id_for())
    if directory is None:
        directory = PeopleDirectory.open(uow.stamp)
    directory.register(uow.stamp, person_id, email, previous)
    return directory


# -- okra people import --------------------------------------------------------------


def import_people(command: ImportPeople, uow: UnitOfWork) -> Saved:
    """Every row applied in one save, or none: a row that breaks a rule is refused
    with its line number. People are added or updated (a row's empty name or email
    leaves the person's alone), and join their row's team or take its role there;
    nothing is removed. What happened to each person comes back as ``notes``."""
    uow.require_admin("import people")
    rows = _Import(uow)
    for row in command.rows:
        try:
            rows.apply(row)
        except InvalidInput as error:
            raise InvalidInput("rows", f"line {row.line}: {error.field}: {error.rule}") from None
    return replace(uow.commit(PeopleDirectory.id_for(), *rows.touched()), notes=rows.notes())


class _Import:
    """The people of one file as its rows leave them, and what each row did."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.directory: PeopleDirectory | None = None
        self.people: dict[str, Person] = {}  # by handle, in the file's order
        self.added: set[str] = set()
        self.said: dict[str, list[str]] = {}
        self.first: dict[tuple[str, str | None], PersonRow] = {}  # (handle, team) -> row

    def apply(self, row: PersonRow) -> None:
        handle = people.handle(row.handle)
        name = (row.name or "").strip() or None
        email = people.email(row.email)
        first = self.first.setdefault((handle, None), row)
        for field, value, before in (
            ("name", name, (first.name or "").strip() or None),
            ("email", email, people.email(first.email)),
        ):
            if value is not None and before is not None and value != before:
                raise InvalidInput(field, f"differs from line {first.line}'s for {handle}")
        person = self.person(handle, name, email)
        if row.team_id:
            self.membership(person, row)
        elif row.role:
            raise InvalidInput("role", "a role needs a team")

    def person(self, handle: str, name: str | None, email: str | None) -> Person:
        said = self.said.setdefault(handle, [])
        person = self.people.get(handle) or self.uow.find(Person, Person.id_for(handle))
        stamp = self.uow.stamp
        if person is None:
            if name is None:
                raise InvalidInput("name", f"{handle} is new: give their name")
            person = Person.add(stamp, handle=handle, name=name, email=email)
            self.register(person, email, None)
            self.added.add(handle)
            said.append(person.name + (f" <{email}>" if email else ""))
            self.people[handle] = person
            return person
        if name is not None and name != person.name:
            said.append(f"name {person.name} → {name}")
            person.update(stamp, expected_version=None, name=name)
        if email is not None and email != person.email:
            said.append(f"email {person.email or 'none'} → {email}")
            self.register(person, email, person.email)
            person.update(stamp, expected_version=None, email=email)
        self.people[handle] = person
        return person

    def register(self, person: Person, email: str | None, previous: str | None) -> None:
        self.directory = (
            register_email(self.uow, self.directory, person.id, email, previous) or self.directory
        )

    def membership(self, person: Person, row: PersonRow) -> None:
        team = self.uow.load(Team, str(row.team_id), "team", missing=InvalidInput)
        team_id = str(team.id)
        role = rules.choice(row.role or MemberRole.MEMBER, MemberRole, "role")
        first = self.first.setdefault((person.handle, team_id), row)
        if first is not row and (first.role or MemberRole.MEMBER) != role:
            raise InvalidInput("role", f"differs from line {first.line}'s for {team.name}")
        held = person.memberships.get(team_id)
        if held is None:
            person.join(self.uow.stamp, team_id, role)
            self.said[person.handle].append(f"joined {team.name} as {role}")
        elif held != role:
            person.change_role(self.uow.stamp, team_id, role)
            self.said[person.handle].append(f"{team.name}: {held} → {role}")

    def touched(self) -> list[OkraAggregate]:
        changed: list[OkraAggregate] = [p for p in self.people.values() if p.pending_events]
        if self.directory is not None and self.directory.pending_events:
            changed.append(self.directory)
        return changed

    def notes(self) -> tuple[str, ...]:
        def note(handle: str) -> str:
            if handle in self.added:
                return f"added {handle}: {'; '.join(self.said[handle])}"
            if self.said[handle]:
                return f"changed {handle}: {'; '.join(self.said[handle])}"
            return f"left alone {handle}"

        return tuple(note(handle) for handle in self.people)
