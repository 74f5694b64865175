"""What every OKRA aggregate and event shares: who did it, and when.

eventsourcing has no notion of an actor, and the audit trail needs one on every
event, so the base event carries it as an ordinary attribute. Commands receive a
:class:`Stamp` (actor and time) from the application rather than reading a global,
which keeps aggregates deterministic under test and lets the demo and imports
record history at the times it really happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.domain import Aggregate

from domain.errors import VersionConflict


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
    """

    entity: ClassVar[str] = "Entity"
    if TYPE_CHECKING:  # Set by events; annotations here would become dataclass fields.
        revision: int

    class Event(Aggregate.Event):
        actor: str
        # Whether the event changes the aggregate's own fields (bumps ``revision``).
        edits_entity: ClassVar[bool] = True

        def mutate(self, aggregate: Any) -> Any:
            aggregate = super().mutate(aggregate)
            if self.edits_entity:
                aggregate.revision = getattr(aggregate, "revision", 0) + 1
            return aggregate

    class Created(Event, Aggregate.Created):
        pass

    def record(self, event_class: type[Event], stamp: Stamp, **fields: Any) -> None:
        self.trigger_event(event_class, actor=stamp.actor, timestamp=stamp.at, **fields)

    def check_revision(self, expected: int | None) -> None:
        if expected is not None and expected != self.revision:
            raise VersionConflict(self.entity, self.id, expected, self.revision)
