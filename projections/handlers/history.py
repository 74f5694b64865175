"""The history observer: one row per event, for the audit trail, trends and time travel.

Each row names the entity the event is about (key results are entities too, though
their events live in the objective's stream), who recorded it and when, the cycle it
belongs to, what it changed (``{field, from, to}``, field names as the domain spells
them), why (a target change's or regrade's reason, a check-in's note, a bet's
learning) and its chain hash. Rows also keep the stream id and version of the event,
which is what time travel needs to load an aggregate as it stood at a moment.

Which events are history, and how its times are written, is
:mod:`projections.history`, which readers share.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import singledispatch
from typing import Any

from domain.model.base import OkraAggregate
from domain.model.bet import Bet, BetStatus
from domain.model.cycle import Cycle, CycleStatus
from domain.model.objective import Objective, ObjectiveStatus
from domain.model.person import Person
from domain.model.portfolio import Portfolio
from domain.model.strategy import StrategyMap
from domain.model.team import Team, TeamStatus
from projections.documents import Batch, Doc
from projections.handlers.dispatch import observer, view_of
from projections.history import entity_of, is_history, moment
from projections.views import HISTORY, View

# Attributes every event has; the rest are what it says.
_BOOKKEEPING = frozenset(
    {
        "timestamp",
        "actor",
        "chain_prev",
        "chain_hash",
        "originator_id",
        "originator_version",
        "originator_topic",
    }
)

Change = dict[str, Any]  # {"field": str, "from": JSON, "to": JSON}


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    return value


def change(field: str, old: Any, new: Any) -> Change:
    return {"field": field, "from": _json(old), "to": _json(new)}


def _cycle_of(event: OkraAggregate.Event, doc: Doc | None) -> str | None:
    if isinstance(event, Cycle.Event):
        return str(event.originator_id)
    return doc.get("cycle_id") if doc else None


class History:
    """Writes one history row per event (an :class:`~projections.handlers.dispatch.Observer`)."""

    def wants(self, event: OkraAggregate.Event) -> Iterable[tuple[View, str]]:
        return ()  # the event's own document, which the projector loads anyway

    def observe(
        self, event: OkraAggregate.Event, pos: int, batch: Batch, before: Doc | None
    ) -> None:
        if not is_history(event):
            return
        view = view_of(event)
        after = batch.get(view, str(event.originator_id)) if view is not None else None
        entity_type, entity_id = entity_of(event)
        batch.put(
            HISTORY,
            {
                "id": str(pos),
                "pos": pos,
                "stream_id": str(event.originator_id),
                "version": event.originator_version,
                "entity_type": entity_type,
                "entity_id": entity_id,
                "event_type": type(event).__name__,
                "actor": event.actor,
                "recorded_at": moment(event.timestamp),
                "cycle_id": _cycle_of(event, after or before),
                "changes": changes(event, before, after),
                "reason": reason(event),
                "hash": getattr(event, "chain_hash", None),
            },
        )


observer(History())


def reason(event: OkraAggregate.Event) -> str | None:
    """Why it happened, where the event says."""
    for name in ("reason", "note", "learning"):
        value = getattr(event, name, None)
        if isinstance(value, str) and value:
            return value
    return None


# -- what each kind of event changed ---------------------------------------------------


@singledispatch
def changes(event: OkraAggregate.Event, before: Doc | None, after: Doc | None) -> list[Change]:
    """Events with a ``changes`` map say it; creations set their fields from nothing."""
    recorded = getattr(event, "changes", None)
    if isinstance(recorded, dict):
        return [change(name, old, new) for name, (old, new) in recorded.items()]
    if isinstance(event, OkraAggregate.Created | Objective.KeyResultAdded):
        return [
            change(name, None, value)
            for name, value in vars(event).items()
            if name not in _BOOKKEEPING
            and name != "key_result_id"
            and value not in (None, "", [], {})
        ]
    return []


def _key_result_row(doc: Doc | None, key_result_id: str) -> Doc | None:
    for row in doc["key_results"] if doc else []:
        if row["id"] == key_result_id:
            return dict(row)
    return None


@changes.register
def _(event: Objective.CheckInRecorded, before: Doc | None, after: Doc | None) -> list[Change]:
    """From the key result's current measurement before this check-in, to its own."""
    old = _key_result_row(before, event.key_result_id) or {}
    milestones = event.milestones_done is not None
    found = [
        change(
            "milestones_done" if milestones else "value",
            old.get("current"),
            event.milestones_done if milestones else event.value,
        ),
        change("as_of", old.get("as_of"), event.as_of),
    ]
    if event.done_milestones is not None:
        found.append(change("done_milestones", old.get("done_milestones"), event.done_milestones))
    if event.confidence is not None or old.get("confidence") is not None:
        found.append(change("confidence", old.get("confidence"), event.confidence))
    return found


@changes.register
def _(event: Objective.CheckInRevised, before: Doc | None, after: Doc | None) -> list[Change]:
    """The check-in taken back, and where the key result stood before and stands now."""
    old = _key_result_row(before, event.key_result_id) or {}
    found = [
        change("check_in_id", event.check_in_id, None),
        change(
            "milestones_done" if old.get("milestones") else "value",
            old.get("current"),
            event.current,
        ),
        change("as_of", old.get("as_of"), event.current_as_of),
    ]
    if event.current_confidence is not None or old.get("confidence") is not None:
        found.append(change("confidence", old.get("confidence"), event.current_confidence))
    if isinstance(event, Objective.CheckInCorrected):
        found.insert(1, change("corrected_check_in_id", None, event.new_check_in_id))
    return found


@changes.register
def _(event: Objective.KeyResultRemoved, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("removed", False, True), change("title", event.title, None)]


@changes.register
def _(event: Objective.KeyResultRegraded, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("final_grade", event.previous, event.grade)]


@changes.register
def _(event: Objective.ObjectiveGraded, before: Doc | None, after: Doc | None) -> list[Change]:
    return [
        change("status", before["status"] if before else None, ObjectiveStatus.CLOSED),
        change("grade", None, event.grade),
        change("final_grades", None, dict(event.grades)),
    ]


@changes.register
def _(
    event: Objective.ObjectiveCarriedForward, before: Doc | None, after: Doc | None
) -> list[Change]:
    return [change("carried_over_to", None, event.carried_over_to)]


@changes.register
def _(event: Cycle.ObjectiveScheduled, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("objective_id", None, event.objective_id)]


@changes.register
def _(event: Cycle.CycleClosed, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("status", CycleStatus.OPEN, CycleStatus.CLOSED)]


@changes.register
def _(event: Bet.BetResolved, before: Doc | None, after: Doc | None) -> list[Change]:
    found = [change("status", before["status"] if before else BetStatus.PLACED, event.outcome)]
    if event.actual_impact is not None:
        found.append(change("actual_impact", None, event.actual_impact))
    if event.learning:
        found.append(change("learning", None, event.learning))
    return found


@changes.register
def _(event: Portfolio.StakeBudgetSet, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("budget", event.previous, event.budget)]


@changes.register(Portfolio.StakeCommitted)
@changes.register(Portfolio.StakeReleased)
def _(event: Portfolio.StakeCommitted, before: Doc | None, after: Doc | None) -> list[Change]:
    return [
        change("staked", before["staked"] if before else 0.0, after["staked"] if after else None),
        change("bet_id", None, event.bet_id),
    ]


@changes.register
def _(event: Portfolio.PortfolioClosed, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("closed", False, True)]


@changes.register
def _(event: Team.CheckInCadenceSet, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("check_in_cadence_days", event.previous, event.days)]


@changes.register
def _(event: Team.DigestScheduleSet, before: Doc | None, after: Doc | None) -> list[Change]:
    return [
        change("digest_weekday", (before or {}).get("digest_weekday"), event.weekday),
        change("digest_hour", (before or {}).get("digest_hour"), event.hour),
    ]


@changes.register
def _(
    event: Person.NotificationPreferencesSet, before: Doc | None, after: Doc | None
) -> list[Change]:
    return [change("muted_channels", event.previous, event.muted_channels)]


@changes.register(StrategyMap.TagRegistryOpened)
@changes.register(StrategyMap.TagRegistryRetired)
def _(event: StrategyMap.TagRegistryOpened, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("tag_registry", None, event.cycle_id)]


@changes.register
def _(event: Person.TeamJoined, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("team_id", None, event.team_id), change("role", None, event.role)]


@changes.register
def _(event: Person.TeamRoleChanged, before: Doc | None, after: Doc | None) -> list[Change]:
    return [
        change("team_id", event.team_id, event.team_id),
        change("role", event.previous, event.role),
    ]


@changes.register
def _(event: Person.TeamLeft, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("team_id", event.team_id, None), change("role", event.role, None)]


@changes.register
def _(event: Person.PersonDeactivated, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("active", True, False)]


@changes.register
def _(event: Person.PersonReactivated, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("active", False, True)]


# -- issue 14: the tree's and the calendar's lifecycle ----------------------------------


@changes.register
def _(event: Team.TeamRenamed, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("name", event.previous, event.name)]


@changes.register
def _(event: Team.TeamMoved, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("parent_id", event.previous, event.parent_id)]


@changes.register
def _(event: Team.TeamArchived, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("status", TeamStatus.ACTIVE, TeamStatus.ARCHIVED)]


@changes.register
def _(event: Cycle.CycleRenamed, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("name", event.previous, event.name)]


@changes.register
def _(event: Cycle.CycleCancelled, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("status", CycleStatus.OPEN, CycleStatus.CANCELLED)]


@changes.register
def _(event: Cycle.TeamWithdrawn, before: Doc | None, after: Doc | None) -> list[Change]:
    return [change("team_id", event.team_id, None)]
