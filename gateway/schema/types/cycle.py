"""The Cycle type."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from gateway.schema import loading
from gateway.schema.connection import After, Before, Connection, First, Last, Page, page_of
from gateway.schema.context import Info
from gateway.schema.enums import CycleKind, CycleStatus
from gateway.schema.types.audited import Audited, moment, stamps
from gateway.schema.types.lazy import LazyObjective
from gateway.schema.types.node import Node
from projections.documents import Doc
from projections.views import CYCLES


@strawberry.type(description="An annual or quarterly period that objectives belong to.")
class Cycle(Node, Audited, stored_in=CYCLES):
    id: strawberry.ID = strawberry.field(description="The cycle's opaque id.")
    name: str = strawberry.field(description='The cycle\'s unique name, e.g. "2026" or "2026-Q4".')
    kind: CycleKind = strawberry.field(description="Annual or quarterly.")
    status: CycleStatus = strawberry.field(description="Open, or closed and graded.")
    starts_on: date = strawberry.field(description="The cycle's first day.")
    ends_on: date = strawberry.field(description="The cycle's last day (inclusive).")
    closed_at: datetime | None = strawberry.field(
        description="When it was closed; null while open."
    )
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_doc(cls, doc: Doc) -> Cycle:
        return cls(
            id=strawberry.ID(doc["id"]),
            name=doc["name"],
            kind=CycleKind(doc["kind"]),
            status=CycleStatus(doc["status"]),
            starts_on=date.fromisoformat(doc["starts_on"]),
            ends_on=date.fromisoformat(doc["ends_on"]),
            closed_at=moment(doc["closed_at"]),
            parent_id=doc["parent_id"],
            **stamps(doc),
        )

    @strawberry.field(description="The annual cycle a quarter belongs to.")
    async def parent(self, info: Info) -> Cycle | None:
        return await loading.cycle(info, self.parent_id)

    @strawberry.field(description="The quarters of an annual cycle.")
    async def children(self, info: Info) -> list[Cycle]:
        docs = await info.context.loaders.cycles_by_parent.load(str(self.id))
        return [Cycle.from_doc(d) for d in docs]

    @strawberry.field(
        description="The objectives of this cycle, optionally of one team, in creation order."
    )
    async def objectives(
        self,
        info: Info,
        team_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the objectives of this team."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LazyObjective]:
        page = Page.of(first, after, last, before)
        loaders = info.context.loaders
        if team_id is None:
            docs = await loaders.objectives_by_cycle.load(str(self.id))
        else:
            docs = await loaders.objectives_by_team_and_cycle.load((str(team_id), str(self.id)))
        return page_of(docs, loading.as_objective, page)
