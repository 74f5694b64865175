"""The tamper-evident hash chain every OKRA event carries.

Each event stores ``chain_hash``: SHA-256 over a canonical encoding of the event's
topic and every field it stores (actor, timestamp, originator id and version, and
``chain_prev``, the hash of the event before it in the same aggregate's stream). So
editing a stored event breaks its own hash, and deleting or re-ordering one breaks
the link of the next.

The chain is per aggregate stream rather than one chain over the whole log because
the log position of an event is only known once it commits, after the event was
built, and several processes append concurrently: a global chain would need a
serialising read of the log head inside every save. A per-stream chain costs nothing
extra, since a stream is already written by one saver at a time (eventsourcing's
(originator id, version) key rejects the loser of a race, and the retry re-chains
from the winner's event). ``okra audit verify`` recomputes every stream in log order.

The canonical encoding is JSON with sorted keys and no whitespace, UUIDs, dates and
datetimes as ISO strings: the values an event holds when it is triggered encode the
same as the values eventsourcing's transcoder decodes from the stored row, so the
verifier needs nothing but the log.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

GENESIS = "0" * 64
HASH_FIELD = "chain_hash"
PREV_FIELD = "chain_prev"


def _plain(value: object) -> object:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot hash a {type(value).__name__}")


def canonical(topic: str, fields: Mapping[str, Any]) -> bytes:
    """The bytes hashed for an event: its topic and every stored field but the hash."""
    body = {name: value for name, value in fields.items() if name != HASH_FIELD}
    return json.dumps(
        [topic, body], sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain
    ).encode("utf-8")


def digest(topic: str, fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(topic, fields)).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    """Where the chain breaks: the first event that fails to verify, and why."""

    position: int
    stream_id: str
    version: int
    topic: str
    entity_type: str
    entity_id: str
    reason: str

    @property
    def event_type(self) -> str:
        return self.topic.rpartition(".")[2].rpartition(":")[2]


@dataclass
class Verifier:
    """Recomputes the chains of a log read in position order, one event at a time.

    After a broken link the stream continues from the stored hash, so one edited
    event counts once rather than breaking everything after it.
    """

    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    broken: list[BrokenLink] = field(default_factory=list)
    events: int = 0

    def check(
        self,
        position: int,
        topic: str,
        stream: str,
        version: int,
        fields: Mapping[str, Any] | None,
    ) -> None:
        """Check one event (``fields`` is None when its stored state did not decode)."""
        self.events += 1
        data = fields or {"originator_id": stream}
        stored = data.get(HASH_FIELD)
        reason = None
        last_version, last_hash = self.heads.get(stream, (0, GENESIS))
        if fields is None:
            reason = "its stored state cannot be decoded"
        elif not isinstance(stored, str):
            reason = "it carries no chain hash"
        elif digest(topic, fields) != stored:
            reason = "its content does not match its hash (edited after it was recorded)"
        elif version != last_version + 1:
            reason = (
                f"version {version} follows version {last_version} "
                "(an event is missing or out of order)"
            )
        elif data.get(PREV_FIELD) != last_hash:
            reason = "it does not link to the stream's previous event (one was replaced)"
        if reason is not None:
            entity_type, entity_id = entity_of(topic, data)
            self.broken.append(
                BrokenLink(position, stream, version, topic, entity_type, entity_id, reason)
            )
        self.heads[stream] = (version, stored if isinstance(stored, str) else "")

    @property
    def first_broken(self) -> BrokenLink | None:
        return self.broken[0] if self.broken else None

    def head_digest(self) -> str:
        """One hash over every stream's head: note it, and a rewrite of whole streams
        since (which a chain alone cannot reveal) shows as a different digest."""
        lines = "\n".join(f"{s} {v} {h}" for s, (v, h) in sorted(self.heads.items()))
        return hashlib.sha256(lines.encode()).hexdigest()


def entity_of(topic: str, fields: Mapping[str, Any]) -> tuple[str, str]:
    """The entity an event is about: key-result events live in their objective's stream."""
    if "key_result_id" in fields and topic.partition(":")[2].startswith("Objective."):
        return "KeyResult", str(fields["key_result_id"])
    aggregate = topic.partition(":")[2].partition(".")[0]
    return aggregate, str(fields.get("originator_id", ""))
