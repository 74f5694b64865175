"""The Membership type: a person's place in a team."""

from __future__ import annotations

from datetime import datetime

import strawberry

from gateway.schema import loading
from gateway.schema.context import Info
from gateway.schema.enums import MemberRole
from gateway.schema.types.lazy import LazyPerson, LazyTeam
from projections.documents import Doc


@strawberry.type(description="A person's place in a team: the team, the person and their role.")
class Membership:
    role: MemberRole = strawberry.field(description="Lead, member or champion.")
    since: datetime = strawberry.field(description="When they joined the team (UTC).")
    team_id: strawberry.Private[str]
    person_id: strawberry.Private[str]

    @classmethod
    def from_doc(cls, doc: Doc, person_id: str | None = None) -> Membership:
        """From a membership row, or from a person's document's entry (``person_id``)."""
        return cls(
            role=MemberRole(doc["role"]),
            since=datetime.fromisoformat(doc["since"]),
            team_id=doc["team_id"],
            person_id=person_id or doc["person_id"],
        )

    @strawberry.field(description="The team.")
    async def team(self, info: Info) -> LazyTeam:
        team = await loading.team(info, self.team_id)
        assert team is not None
        return team

    @strawberry.field(description="The person.")
    async def person(self, info: Info) -> LazyPerson:
        person = await loading.person(info, self.person_id)
        assert person is not None
        return person
