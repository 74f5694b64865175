"""The Person type: who owns, contributes to and changes the OKRs."""

from __future__ import annotations

import strawberry

from gateway.schema.types.audited import Audited, stamps
from projections.documents import Doc


@strawberry.type(
    description="A person of the organisation: who owns, contributes to and changes OKRs."
)
class Person(Audited):
    id: strawberry.ID = strawberry.field(description="The person's opaque id.")
    handle: str = strawberry.field(
        description="How tokens, JWTs and history name them (lower case, unique)."
    )
    name: str = strawberry.field(description="Their name.")
    email: str | None = strawberry.field(description="Their email address; null if none.")
    active: bool = strawberry.field(description="Whether they are active.")

    @classmethod
    def from_doc(cls, doc: Doc) -> Person:
        return cls(
            id=strawberry.ID(doc["id"]),
            handle=doc["handle"],
            name=doc["name"],
            email=doc["email"],
            active=doc["active"],
            **stamps(doc),
        )
