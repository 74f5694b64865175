"""The Owned interface: what a person owns and others contribute to."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.types.audited import Audited
from gateway.schema.types.lazy import LazyPerson
from projections.documents import Doc


def owners(doc: Doc) -> dict[str, Any]:
    """The :class:`Owned` fields of a document (none in documents from before people)."""
    return {"owner_id": doc.get("owner_id"), "contributor_ids": doc.get("contributor_ids") or []}


@strawberry.interface(
    description="An objective, a key result or a bet: one person owns it, others contribute."
)
class Owned(Audited):
    id: strawberry.ID = strawberry.field(description="Its opaque id.")
    owner_id: strawberry.Private[str | None]
    contributor_ids: strawberry.Private[list[str]]

    @strawberry.field(
        description="The person who answers for it; null for what was set before people "
        "existed in OKRA."
    )
    async def owner(self, info: Info) -> LazyPerson | None:
        return await loading.person(info, self.owner_id)

    @strawberry.field(description="The people who contribute to it, in the order given.")
    async def contributors(self, info: Info) -> list[LazyPerson]:
        return await loading.people(info, self.contributor_ids)
