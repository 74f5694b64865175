"""Handlers of the people commands.

Admins manage people. An email is registered in the people directory in the same save
as the person it belongs to, so two people can never end up with one email (see
``domain.model.directory``).
"""

from __future__ import annotations

from uuid import UUID

from domain.application.commands import AddPerson, Saved
from domain.application.unit import UnitOfWork
from domain.model import person as people
from domain.model.directory import PeopleDirectory
from domain.model.errors import InvalidInput
from domain.model.person import Person


def add_person(command: AddPerson, uow: UnitOfWork) -> Saved:
    uow.require_admin("add people")
    handle = people.handle(command.handle)
    if uow.exists(Person.id_for(handle)):
        raise InvalidInput("handle", f"{handle} is already the handle of another person")
    email = people.email(command.email)
    person = Person.add(uow.stamp, handle=handle, name=command.name, email=email)
    directory = register_email(uow, None, person.id, email, None)
    return uow.commit(person.id, person, *filter(None, [directory]))


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
