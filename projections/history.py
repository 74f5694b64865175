"""The history view's vocabulary, shared by the observer that writes it
(:mod:`projections.handlers.history`) and by those who read it (the audit trail,
time travel, the raw events feed).

Events of API tokens, idempotency keys and the strategy tag registries are not in
the view: they are access plumbing, not OKR history (``okra token list`` lists
tokens; ``okra audit verify`` still checks their chain).
"""

from __future__ import annotations

from datetime import UTC, datetime

from domain.model.action import Action
from domain.model.base import OkraAggregate
from domain.model.bet import Bet
from domain.model.cycle import Cycle
from domain.model.objective import Objective
from domain.model.person import Person
from domain.model.portfolio import Portfolio
from domain.model.strategy import StrategyMap
from domain.model.team import Team

ENTITY_TYPES = {
    "Team": "TEAM",
    "Cycle": "CYCLE",
    "Objective": "OBJECTIVE",
    "KeyResult": "KEY_RESULT",
    "Bet": "BET",
    "Portfolio": "PORTFOLIO",
    "StrategyMap": "STRATEGY_MAP",
    "Person": "PERSON",
    "Action": "ACTION",
}
_RECORDED = (Team, Cycle, Objective, Bet, Portfolio, StrategyMap, Person, Action)


def moment(value: datetime) -> str:
    """A recording time as the view stores it: UTC, always with microseconds, so that
    text comparison is time comparison on both databases."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _event_types() -> dict[str, type[OkraAggregate.Event]]:
    """Every event class the view records, by name (abstract bases left out)."""
    abstract = {
        "Event",
        "Created",
        "KeyResultEvent",
        "BetResolved",
        "CheckInRevised",
        "CollaborationAnswered",
    }
    return {
        name: value
        for aggregate in _RECORDED
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, OkraAggregate.Event)
        if name not in abstract
    }


EVENT_TYPES = _event_types()


def entity_of(event: OkraAggregate.Event) -> tuple[str, str]:
    """The entity a history row is about: key results are entities of their own,
    though their events live in the objective's stream."""
    key_result_id = getattr(event, "key_result_id", None)
    if isinstance(event, Objective.Event) and key_result_id:
        return "KEY_RESULT", str(key_result_id)
    aggregate = type(event).__qualname__.split(".", 1)[0]
    return ENTITY_TYPES[aggregate], str(event.originator_id)


_RECORDED_EVENTS = tuple(aggregate.Event for aggregate in _RECORDED)


def is_history(event: OkraAggregate.Event) -> bool:
    """Whether the event is OKR history (what the audit trail and the raw feed show),
    rather than access plumbing: tokens, idempotency keys, registers."""
    return isinstance(event, _RECORDED_EVENTS)
