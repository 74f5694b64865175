"""What every answer given ``asOf`` shows besides the entity: which entity, and when.

An answer about the past is not the entity: the same key result as of May and as of
now are two different answers, and a client cache that stored both under the
entity's id would let one overwrite the other (Apollo, Relay and urql all key objects
by ``id``, with ``__typename``). So time travel answers with types of their own
(``ObjectiveAsOf``, ``KeyResultAsOf``, …) whose ``id`` is a stable id of the pair
(entity, moment), which ``node(id:)`` answers again, and whose ``entityId`` is the
entity's own id, the one mutations and the present-tense fields take.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Self

import strawberry

from gateway.schema.moments import utc
from gateway.schema.types.node import derived_id
from projections.documents import Doc


@strawberry.type
class AsOfFields:
    id: strawberry.ID = strawberry.field(
        description="This answer's own id: the entity at this moment, unique across "
        "types and moments (node(id:) answers it again). The entity's id is entityId."
    )
    entity_id: strawberry.ID = strawberry.field(
        description="The entity's own id, as the present-tense fields and mutations take it."
    )
    seen_at: datetime = strawberry.field(
        description="The moment this answer shows the entity at: the asOf asked for (UTC)."
    )

    @classmethod
    def identity(cls, entity_id: str, at: datetime) -> dict[str, Any]:
        """The fields above, for the answer about ``entity_id`` at ``at``."""
        return {
            "id": derived_id(cls.__name__, moment_key(entity_id, at)),
            "entity_id": strawberry.ID(entity_id),
            "seen_at": instant(at),
        }

    @classmethod
    async def rebuilt(
        cls, key: str, fetch: Callable[[str, datetime], Awaitable[Doc | None]]
    ) -> Self | None:
        """The answer a derived id's key names: the document ``fetch`` rebuilds for
        (entity, moment), made into this type; None if there is none."""
        pair = read_moment_key(key)
        doc = await fetch(*pair) if pair else None
        return cls.from_doc(doc, pair[1]) if doc is not None and pair else None  # type: ignore[attr-defined]


def instant(at: datetime) -> datetime:
    """A client's moment in UTC (without a time zone it is UTC already)."""
    return utc(at).astimezone(UTC)


def moment_key(entity_id: str, at: datetime) -> str:
    """The key of (entity, moment) inside a derived id: the same entity at the same
    instant, however the moment was spelled, makes the same key."""
    return f"{entity_id}@{instant(at).isoformat()}"


def read_moment_key(key: str) -> tuple[str, datetime] | None:
    entity_id, at, moment = key.rpartition("@")
    try:
        return (entity_id, instant(datetime.fromisoformat(moment))) if at and entity_id else None
    except ValueError:
        return None
