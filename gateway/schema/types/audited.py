"""What every entity type shows of its history, and reading dates from documents."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from projections.documents import Doc


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def stamps(doc: Doc) -> dict[str, Any]:
    """The :class:`Audited` fields of a document."""
    return {
        "version": doc["version"],
        "created_at": moment(doc["created_at"]),
        "created_by": doc["created_by"],
        "updated_at": moment(doc.get("updated_at")),
        "updated_by": doc.get("updated_by"),
    }


@strawberry.interface(description="Who made an entity and who changed it last.")
class Audited:
    version: int = strawberry.field(
        description="Increases with every change; send it back as expectedVersion."
    )
    created_at: datetime = strawberry.field(description="When the entity was created (UTC).")
    created_by: str = strawberry.field(description="Who created it: the actor of its first event.")
    updated_at: datetime | None = strawberry.field(
        description="When it last changed; null if never."
    )
    updated_by: str | None = strawberry.field(description="Who changed it last; null if never.")
