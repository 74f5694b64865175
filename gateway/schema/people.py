"""People over GraphQL: who is signed in, the people of the organisation, one person."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.schema import loading
from gateway.schema.connection import After, Before, Connection, First, Last, Page, page_of
from gateway.schema.context import Info
from gateway.schema.errors import OkraError
from gateway.schema.types import Person
from projections.documents import Doc
from projections.views import PEOPLE


def matches(doc: Doc, search: str | None, team_id: str | None, active: bool | None) -> bool:
    if active is not None and doc["active"] != active:
        return False
    if team_id is not None and all(m["team_id"] != team_id for m in doc["memberships"]):
        return False
    if search:
        wanted = search.strip().casefold()
        return any(wanted in (doc[name] or "").casefold() for name in ("handle", "name", "email"))
    return True


@strawberry.type
class PeopleQuery:
    @strawberry.field(
        description="The person signed in; null for a token or JWT that speaks for no person."
    )
    async def me(self, info: Info) -> Person | None:
        principal = info.context.principal
        return await loading.person(info, principal.person_id if principal else None)

    @strawberry.field(
        description="The organisation's people, in the order they were added; every "
        "argument narrows the list."
    )
    async def people(
        self,
        info: Info,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Only people whose handle, name or email contains this (ignoring case)."
            ),
        ] = None,
        team_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only members of this team.")
        ] = None,
        active: Annotated[
            bool | None,
            strawberry.argument(description="Only active (true) or deactivated (false) people."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Person]:
        # An organisation's people fit in memory; filtering them here keeps search simple
        # on both stores (a substring of handle, name or email).
        docs = await info.context.backend.store.find(PEOPLE, {})
        team = None if team_id is None else str(team_id)
        found = [d for d in docs if matches(d, search, team, active)]
        return page_of(found, Person.from_doc, Page.of(first, after, last, before))

    @strawberry.field(description="One person, by id or by handle; null if there is none.")
    async def person(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID | None, strawberry.argument(description="The person's id.")
        ] = None,
        handle: Annotated[
            str | None, strawberry.argument(description="The person's handle (ignoring case).")
        ] = None,
    ) -> Person | None:
        if (id is None) == (handle is None):
            raise OkraError("id: give either id or handle", "BAD_USER_INPUT", "id")
        if id is not None:
            return await loading.person(info, str(id))
        return await loading.person_by_handle(info, handle)
