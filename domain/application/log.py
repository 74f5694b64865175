"""Reading the event log by event class: how a stream that gathers facts of many
aggregates (the team tree, the calendar) is first filled from a store that predates it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.model.topics import topics_of

if TYPE_CHECKING:
    from domain.application.okra import Okra

PAGE = 1000


def logged(app: Okra, *event_classes: type) -> list[Any]:
    """Every event of those classes, oldest first (stored under any topic they had)."""
    topics = [t for c in event_classes for t in topics_of(c)]
    events: list[Any] = []
    position = 0
    while True:
        batch = app.recorder.select_notifications(
            position, PAGE, topics=topics, inclusive_of_start=False
        )
        events.extend(app.mapper.to_domain_event(n) for n in batch)
        if len(batch) < PAGE:
            return events
        position = batch[-1].id
