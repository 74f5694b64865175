"""The Team type."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.model.team import TeamStatus
from gateway.schema import loading
from gateway.schema.connection import After, Before, Connection, First, Last, Page, page_of
from gateway.schema.context import Info
from gateway.schema.types.audited import Audited, stamps
from gateway.schema.types.lazy import LazyObjective
from gateway.schema.types.membership import Membership
from gateway.schema.types.node import Node
from projections.documents import Doc
from projections.notices import DIGEST_HOUR, DIGEST_WEEKDAY
from projections.views import TEAMS


@strawberry.type(description="A team: the organisation, a department or a team within one.")
class Team(Node, Audited, stored_in=TEAMS):
    id: strawberry.ID = strawberry.field(description="The team's opaque id.")
    name: str = strawberry.field(description="The team's name.")
    stake_unit: str = strawberry.field(description="What bets stake, e.g. person-days.")
    check_in_cadence_days: int | None = strawberry.field(
        description="Days the team lets pass between check-ins; null: the default."
    )
    status: TeamStatus = strawberry.field(description="ACTIVE, or ARCHIVED (see archiveTeam).")
    digest_weekday: int = strawberry.field(
        description="ISO weekday (1 Monday … 7 Sunday) its weekly digest goes out on."
    )
    digest_hour: int = strawberry.field(
        description="Hour (0–23, in OKRA_TIMEZONE) its weekly digest goes out at."
    )
    parent_id: strawberry.Private[str | None]

    @classmethod
    def from_doc(cls, doc: Doc) -> Team:
        return cls(
            id=strawberry.ID(doc["id"]),
            name=doc["name"],
            stake_unit=doc["stake_unit"],
            check_in_cadence_days=doc.get("check_in_cadence_days"),
            status=TeamStatus(doc.get("status", TeamStatus.ACTIVE)),
            digest_weekday=doc.get("digest_weekday") or DIGEST_WEEKDAY,
            digest_hour=DIGEST_HOUR if doc.get("digest_hour") is None else doc["digest_hour"],
            parent_id=doc["parent_id"],
            **stamps(doc),
        )

    @strawberry.field(description="The team this one belongs to.")
    async def parent(self, info: Info) -> Team | None:
        return await loading.team(info, self.parent_id)

    @strawberry.field(description="The teams directly below this one.")
    async def children(self, info: Info) -> list[Team]:
        docs = await info.context.loaders.teams_by_parent.load(str(self.id))
        return [Team.from_doc(d) for d in docs]

    @strawberry.field(
        description="This team's objectives, optionally in one cycle, in creation order."
    )
    async def objectives(
        self,
        info: Info,
        cycle_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only the objectives of this cycle."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[LazyObjective]:
        page = Page.of(first, after, last, before)
        loaders = info.context.loaders
        if cycle_id is None:
            docs = await loaders.objectives_by_team.load(str(self.id))
        else:
            docs = await loaders.objectives_by_team_and_cycle.load((str(self.id), str(cycle_id)))
        return page_of(docs, loading.as_objective, page)

    @strawberry.field(
        description="The people in this team and their roles, in the order they joined "
        "(deactivated people included: see person.active)."
    )
    async def members(self, info: Info) -> list[Membership]:
        rows = await info.context.loaders.memberships_by_team.load(str(self.id))
        return [Membership.from_doc(row) for row in rows if not row["left"]]
