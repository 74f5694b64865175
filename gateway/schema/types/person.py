"""The Person type: who owns, contributes to and changes the OKRs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.enums import BetStatus, NotificationChannel
from gateway.schema.types.audited import Audited, moment, stamps
from gateway.schema.types.lazy import LazyBet, LazyKeyResult, LazyObjective
from gateway.schema.types.membership import Membership
from gateway.schema.types.node import Node
from projections import audit
from projections.documents import Doc
from projections.views import PEOPLE

CycleFilter = Annotated[
    strawberry.ID | None, strawberry.argument(description="Only those of this cycle.")
]


@strawberry.type(
    description="A person of the organisation: who owns, contributes to and changes OKRs. "
    "Nobody is ever deleted; a deactivated person keeps what they did and owned."
)
class Person(Node, Audited, stored_in=PEOPLE):
    id: strawberry.ID = strawberry.field(description="The person's opaque id.")
    handle: str = strawberry.field(
        description="How tokens, JWTs and history name them (lower case, unique)."
    )
    name: str = strawberry.field(description="Their name.")
    email: str | None = strawberry.field(description="Their email address; null if none.")
    active: bool = strawberry.field(
        description="False once deactivated: they sign in no more and nothing is assigned to them."
    )
    deactivated_at: datetime | None = strawberry.field(
        description="When they were deactivated; null while active."
    )
    muted_channels: list[NotificationChannel] = strawberry.field(
        description="The channels their reminders, escalations and digests do not take "
        "(setNotificationPreferences)."
    )
    membership_docs: strawberry.Private[list[Doc]]

    @classmethod
    def from_doc(cls, doc: Doc) -> Person:
        return cls(
            id=strawberry.ID(doc["id"]),
            handle=doc["handle"],
            name=doc["name"],
            email=doc["email"],
            active=doc["active"],
            deactivated_at=moment(doc["deactivated_at"]),
            muted_channels=[NotificationChannel(c) for c in doc.get("muted_channels") or []],
            membership_docs=doc["memberships"],
            **stamps(doc),
        )

    @strawberry.field(description="The teams they belong to and their role in each.")
    def memberships(self) -> list[Membership]:
        return [Membership.from_doc(m, str(self.id)) for m in self.membership_docs]

    @strawberry.field(description="The objectives they own, in creation order.")
    async def owned_objectives(
        self, info: Info, cycle_id: CycleFilter = None
    ) -> list[LazyObjective]:
        docs = await info.context.loaders.objectives_by_owner.load(str(self.id))
        return [
            loading.as_objective(d) for d in docs if cycle_id is None or d["cycle_id"] == cycle_id
        ]

    @strawberry.field(description="The key results they own, in the order they became theirs.")
    async def owned_key_results(
        self, info: Info, cycle_id: CycleFilter = None
    ) -> list[LazyKeyResult]:
        return [
            loading.as_key_result(kr)
            for _, kr in await self._key_results(info)
            if cycle_id is None or kr["cycle_id"] == cycle_id
        ]

    @strawberry.field(description="The bets they own, in the order they were placed.")
    async def owned_bets(
        self,
        info: Info,
        status: Annotated[
            BetStatus | None, strawberry.argument(description="Only bets with this status.")
        ] = None,
    ) -> list[LazyBet]:
        docs = await info.context.loaders.bets_by_owner.load(str(self.id))
        return [loading.as_bet(d) for d in docs if status is None or d["status"] == status]

    @strawberry.field(
        description="The key results they own whose latest check-in (its asOf) is more days "
        "ago than their team's cadence (as the audit's STALE_KEY_RESULT): open objectives "
        "of open cycles only, longest silent first."
    )
    async def check_ins_due(self, info: Info) -> list[LazyKeyResult]:
        owned = await self._key_results(info)
        loaders = info.context.loaders
        objectives = await loaders.objective.load_many([o for o, _ in owned])
        cycles = await loaders.cycle.load_many([o["cycle_id"] for o in objectives if o])
        teams = await loaders.team.load_many([o["team_id"] for o in objectives if o])
        by_id = {d["id"]: d for d in (*objectives, *cycles, *teams) if d}
        backend = info.context.backend
        today, limits = backend.app.clock().date(), backend.settings.audit.thresholds()
        due: list[tuple[int, Doc]] = []
        for objective_id, kr in owned:
            objective = by_id[objective_id]
            cycle, team = by_id[objective["cycle_id"]], by_id.get(objective["team_id"], {})
            gap = audit.overdue(objective, kr, cycle, team, today, limits)
            if gap is not None:
                due.append((gap, kr))
        due.sort(key=lambda found: -found[0])  # stable: ties keep the order they were added
        return [loading.as_key_result(kr) for _, kr in due]

    async def _key_results(self, info: Info) -> list[tuple[str, Doc]]:
        """(objective id, key result row with its cycle id) of each key result they own."""
        loaders = info.context.loaders
        rows = await loaders.key_results_by_owner.load(str(self.id))
        objectives = await loaders.objective.load_many([r["objective_id"] for r in rows])
        found = []
        for row, objective in zip(rows, objectives, strict=True):
            for kr in objective["key_results"] if objective else []:
                if kr["id"] == row["id"] and kr["owner_id"] == str(self.id):
                    found.append((row["objective_id"], {**kr, "cycle_id": row["cycle_id"]}))
        return found
