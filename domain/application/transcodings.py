"""Types eventsourcing's JSON transcoder must learn: events carry dates, and objective
snapshots carry key results."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import Transcoding

from domain.model.objective import KeyResult


class DateAsISO(Transcoding):
    """eventsourcing's JSON transcoder knows ``datetime`` but not ``date``."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class KeyResultAsDict(Transcoding):
    """Key results live inside their objective's state, so snapshots must encode them."""

    type = KeyResult
    name = "key_result"

    def encode(self, obj: KeyResult) -> dict[str, object]:
        return dict(vars(obj))

    def decode(self, data: dict[str, Any]) -> KeyResult:
        return KeyResult(**data)


TRANSCODINGS: tuple[Transcoding, ...] = (DateAsISO(), KeyResultAsDict())
