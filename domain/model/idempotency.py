"""Idempotency keys: a retried command answers as the first one did and appends nothing.

The first answer is itself an event: a ``RequestAnswered`` aggregate, whose id is
derived from the user and the key, saved in the same atomic ``save()`` as the
command's own events. The id is a hash of the two, each prefixed with its length, so
no user name and key can pass for another pair (the first release joined them with a
newline, which a user name may hold: its records are not found again, and a retry of
a request answered before the upgrade runs as a new request). A retry, even a
concurrent one, collides on that stream and is answered from it; the same key with a
different request is refused.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.model.base import OkraAggregate, Stamp

REQUEST_NAMESPACE = uuid5(NAMESPACE_URL, "https://okra.dev/idempotency/v2")
KEY_MAX = 200


class IdempotentRequest(OkraAggregate):
    entity = "IdempotentRequest"

    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        user: str
        key: str
        fingerprint: str
        entity_id: str

    @staticmethod
    def id_for(user: str, key: str) -> UUID:
        digest = hashlib.sha256()
        for part in (user, key):
            data = part.encode("utf-8", "surrogatepass")
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)
        return uuid5(REQUEST_NAMESPACE, digest.hexdigest())

    class RequestAnswered(OkraAggregate.Created):
        user: str
        key: str
        fingerprint: str
        entity_id: str

    @classmethod
    def answer(
        cls, stamp: Stamp, *, user: str, key: str, fingerprint: str, entity_id: str
    ) -> IdempotentRequest:
        return cls._create(
            cls.RequestAnswered,
            id=cls.id_for(user, key),
            actor=stamp.actor,
            timestamp=stamp.at,
            user=user,
            key=key,
            fingerprint=fingerprint,
            entity_id=entity_id,
        )
