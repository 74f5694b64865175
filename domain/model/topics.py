"""Where the classes of stored events and snapshots used to live.

A stored event names its class by topic, ``module:QualifiedName``. The first release
kept every aggregate in a top-level module (``domain.objective``); they now live in
``domain.model``. History is never rewritten, so the old topics are registered as
aliases of the modules that hold those classes now: old events decode as the same
classes, and their hashes still verify (the chain hashes the topic as stored).
"""

from __future__ import annotations

from eventsourcing.utils import register_topic

from domain.model import (
    bet,
    cascade,
    cycle,
    idempotency,
    objective,
    portfolio,
    strategy,
    team,
    token,
)

MOVED = {
    "domain.bet": bet,
    "domain.cascade": cascade,
    "domain.cycle": cycle,
    "domain.idempotency": idempotency,
    "domain.objective": objective,
    "domain.portfolio": portfolio,
    "domain.strategy": strategy,
    "domain.team": team,
    "domain.token": token,
}


def register_moved_modules() -> None:
    """Make topics of the first release resolve (safe to call more than once)."""
    for old, module in MOVED.items():
        register_topic(old, module)


def topics_of(event_class: type) -> list[str]:
    """Every topic events of that class may be stored under: its own, and those of the
    module it lived in before it moved (reading the log by topic must ask for both)."""
    qualname = event_class.__qualname__
    current = f"{event_class.__module__}:{qualname}"
    former = [
        f"{old}:{qualname}" for old, m in MOVED.items() if m.__name__ == event_class.__module__
    ]
    return [current, *former]
