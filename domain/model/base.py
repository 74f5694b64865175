"""What every OKRA aggregate and event shares: who did it, and when.

eventsourcing has no notion of an actor, and the audit trail needs one on every
event, so the base event carries it as an ordinary attribute. Commands receive a
:class:`Stamp` (actor and time) from the application rather than reading a global,
which keeps aggregates deterministic under test and lets the demo and imports
record history at the times it really happened.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self

from eventsourcing.domain import Aggregate
from eventsourcing.utils import get_topic

from domain.model import chain, rules
from domain.model.edits import changes
from domain.model.errors import VersionConflict

# What every event records besides what it says: eventsourcing's and the hash chain's.
BOOKKEEPING = frozenset(
    {
        "originator_id",
        "originator_version",
        "originator_topic",
        "timestamp",
        "actor",
        chain.PREV_FIELD,
        chain.HASH_FIELD,
    }
)


def without_owners(state: dict[str, Any]) -> None:
    """Upcast ``v1_v2`` of what gained an owner and contributors (objectives, key
    results, bets): state recorded before people existed has neither."""
    state.setdefault("owner_id", None)
    state.setdefault("contributor_ids", [])


@dataclass(frozen=True)
class Stamp:
    """The author and the recording time of the events a command triggers."""

    actor: str
    at: datetime


class OkraAggregate(Aggregate):
    """Base aggregate: events carry an actor; ``revision`` counts the entity's own edits.

    ``revision`` is the version users see and send back as ``expectedVersion``. It
    differs from the stream version where an aggregate also records events that do
    not change its own fields (a cycle noting a new objective, a key result's
    check-in inside its objective), so that unrelated work never makes an edit stale.

    Every event is chained (see :mod:`domain.chain`): it is built with the hash of
    the aggregate's previous event (``chain_head``) and its own hash, both computed
    here when it is triggered, before eventsourcing constructs it.
    """

    entity: ClassVar[str] = "Entity"
    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        revision: int
        chain_head: str

    class Event(Aggregate.Event):
        actor: str
        chain_prev: str
        chain_hash: str
        # Whether the event changes the aggregate's own fields (bumps ``revision``).
        edits_entity: ClassVar[bool] = True

        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            if self.edits_entity:
                aggregate.revision = getattr(aggregate, "revision", 0) + 1
            aggregate.chain_head = getattr(self, chain.HASH_FIELD, chain.GENESIS)
            return aggregate

    class Created(Event, Aggregate.Created):
        def apply(self, aggregate: Any) -> None:
            """A new aggregate starts from the event's own fields (lists and dicts
            copied: the aggregate may change its own, the recorded event must not).
            Subclasses add the state that is not in the event."""
            for name, value in vars(self).items():
                if name not in BOOKKEEPING:
                    setattr(
                        aggregate, name, copy(value) if isinstance(value, list | dict) else value
                    )

    @classmethod
    def _create(cls, event_class: type[Any], *, id: Any = None, **kwargs: Any) -> Self:
        if id is None:
            raise TypeError(f"{cls.__name__} events need an explicit id to be chained")
        if kwargs.get("timestamp") is None:
            kwargs["timestamp"] = event_class.create_timestamp()
        fields = {
            **kwargs,
            "originator_topic": get_topic(cls),
            "originator_id": id,
            "originator_version": cls.INITIAL_VERSION,
            chain.PREV_FIELD: chain.GENESIS,
        }
        hashed = chain.digest(get_topic(event_class), fields)
        return super()._create(
            event_class, id=id, **kwargs, chain_prev=chain.GENESIS, chain_hash=hashed
        )

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        if kwargs.get("timestamp") is None:
            kwargs["timestamp"] = event_class.create_timestamp()
        prev = getattr(self, "chain_head", chain.GENESIS)
        fields = {
            **kwargs,
            "originator_id": self.id,
            "originator_version": self.version + 1,
            chain.PREV_FIELD: prev,
        }
        hashed = chain.digest(get_topic(event_class), fields)
        super().trigger_event(event_class, **kwargs, chain_prev=prev, chain_hash=hashed)

    def record(self, event_class: type[Event], stamp: Stamp, **fields: Any) -> None:
        # Within a stream, recording times never go backwards: a command stamped before
        # it loaded an aggregate that another command changed meanwhile still lands
        # after that change, so time travel ("the state at t") sees a true prefix.
        at = max(stamp.at, self.modified_on)
        self.trigger_event(event_class, actor=stamp.actor, timestamp=at, **fields)

    def record_edit(self, stamp: Stamp, event_class: type[Event], **proposed: Any) -> None:
        """Record ``event_class`` with what the proposed values change (``{field: [from,
        to]}``); nothing when they change nothing. Fields left as KEEP are not proposed."""
        edited = changes(self, proposed)
        if edited:
            self.record(event_class, stamp, changes=edited)

    def record_owner(
        self,
        stamp: Stamp,
        event_class: type[Event],
        entity: object,
        owner_id: str,
        reason: str | None,
        **fields: Any,
    ) -> None:
        """Record that ``entity`` (this aggregate, or a part of it such as a key result)
        has another owner, and why; nothing when it is already theirs."""
        edited = changes(entity, {"owner_id": owner_id})
        if edited:
            why = rules.text(reason, "reason")
            self.record(event_class, stamp, changes=edited, reason=why, **fields)

    def check_revision(self, expected: int | None) -> None:
        if expected is not None and expected != self.revision:
            raise VersionConflict(self.entity, self.id, expected, self.revision)
