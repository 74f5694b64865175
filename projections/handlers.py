"""How each domain event changes the current-state documents.

Handlers are pure Python over documents, so the SQLite and PostgreSQL stores share
them and a batch of events is applied in memory before one write. Every event
changes only the document of its own aggregate (check-ins also insert a row), which
is what lets the projector preload a whole batch's documents in one query per view.
Key-result rules (which check-in is current, how a score is computed) are the
domain's own: handlers replay domain events onto the domain's ``KeyResult``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache, singledispatch
from typing import Any, Protocol

from domain.model import scoring
from domain.model.base import OkraAggregate
from domain.model.bet import Bet
from domain.model.cycle import Cycle
from domain.model.objective import KeyResult, Objective
from domain.model.portfolio import Portfolio
from domain.model.team import Team
from domain.model.token import ApiToken
from projections.views import (
    BETS,
    CHECK_INS,
    CYCLES,
    OBJECTIVES,
    PORTFOLIOS,
    STRATEGY_MAPS,
    TEAMS,
    TOKENS,
    View,
)

Doc = dict[str, Any]

_VIEW_OF_AGGREGATE: dict[str, View] = {
    "Team": TEAMS,
    "Cycle": CYCLES,
    "Objective": OBJECTIVES,
    "Bet": BETS,
    "Portfolio": PORTFOLIOS,
    "ApiToken": TOKENS,
    "StrategyMap": STRATEGY_MAPS,
}


def view_of(event: OkraAggregate.Event) -> View | None:
    """The view holding the document of the event's aggregate (some have none)."""
    return _view_of_type(type(event))


@cache  # asked several times per event projected, always of a few dozen classes
def _view_of_type(event_type: type) -> View | None:
    return _VIEW_OF_AGGREGATE.get(event_type.__qualname__.split(".", 1)[0])


class Batch:
    """The documents a batch of events reads and writes, held in memory until commit."""

    def __init__(self, loaded: dict[str, dict[str, Doc]]) -> None:
        self.docs = loaded
        self.dirty: dict[str, dict[str, Doc]] = {}

    def get(self, view: View, doc_id: str) -> Doc | None:
        return self.docs.get(view.name, {}).get(doc_id)

    def put(self, view: View, doc: Doc) -> None:
        self.docs.setdefault(view.name, {})[doc["id"]] = doc
        self.dirty.setdefault(view.name, {})[doc["id"]] = doc


class Observer(Protocol):
    """A projection that sees every event beside the current-state documents.

    Histories (audit trail, trends) register one with :func:`observer`; the
    projector preloads what ``wants`` names and calls ``observe`` after the event's
    own document has been updated, in the same batch and transaction, with that
    document as it was before the event (``before``; None for a new one).
    """

    def wants(self, event: OkraAggregate.Event) -> Iterable[tuple[View, str]]: ...

    def observe(
        self, event: OkraAggregate.Event, pos: int, batch: Batch, before: Doc | None
    ) -> None: ...


OBSERVERS: list[Observer] = []


def observer(instance: Observer) -> Observer:
    OBSERVERS.append(instance)
    return instance


def wanted(event: OkraAggregate.Event) -> Iterable[tuple[View, str]]:
    """Every document applying ``event`` reads."""
    view = view_of(event)
    if view is not None:
        yield view, str(event.originator_id)
    for watcher in OBSERVERS:
        yield from watcher.wants(event)


def apply(event: OkraAggregate.Event, pos: int, batch: Batch) -> None:
    view = view_of(event)
    # Handlers build new documents rather than mutate, so this stays the old one.
    before = batch.get(view, str(event.originator_id)) if view is not None else None
    _apply_own(event, pos, batch)
    for watcher in OBSERVERS:
        watcher.observe(event, pos, batch, before)


def _apply_own(event: OkraAggregate.Event, pos: int, batch: Batch) -> None:
    view = view_of(event)
    if view is None:
        return
    doc = batch.get(view, str(event.originator_id))
    if doc is None and not isinstance(event, OkraAggregate.Created):
        return  # The aggregate predates this view (never happens on a full replay).
    new = project(event, doc, pos, batch)
    if new is not None:
        new["updated_at"] = _iso(event.timestamp)
        new["updated_by"] = event.actor
        new["updated_pos"] = pos
        if getattr(event, "edits_entity", True):
            new["version"] = new.get("version", 0) + 1
        batch.put(view, new)


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _created(event: OkraAggregate.Event, pos: int, **fields: Any) -> Doc:
    return {
        "id": str(event.originator_id),
        "pos": pos,
        "created_at": _iso(event.timestamp),
        "created_by": event.actor,
        **fields,
    }


@singledispatch
def project(event: OkraAggregate.Event, doc: Doc | None, pos: int, batch: Batch) -> Doc | None:
    """Events that change nothing a view shows leave the documents alone."""
    return None


# -- teams and cycles -----------------------------------------------------------


@project.register
def _(event: Team.TeamCreated, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return _created(
        event, pos, name=event.name, parent_id=event.parent_id, stake_unit=event.stake_unit
    )


@project.register
def _(event: Cycle.CycleOpened, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return _created(
        event,
        pos,
        name=event.name,
        kind=event.kind,
        parent_id=event.parent_id,
        starts_on=_iso(event.starts_on),
        ends_on=_iso(event.ends_on),
        status="OPEN",
        closed_at=None,
    )


@project.register
def _(event: Cycle.CycleClosed, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "status": "CLOSED", "closed_at": _iso(event.timestamp)}


# -- objectives and key results -------------------------------------------------


@project.register
def _(event: Objective.ObjectiveCreated, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return _created(
        event,
        pos,
        cycle_id=event.cycle_id,
        team_id=event.team_id,
        title=event.title,
        description=event.description,
        kind=event.kind,
        status="ACTIVE",
        parent_key_result_id=event.parent_key_result_id,
        aligned_with=list(event.aligned_with),
        key_results=[],
        score=None,
        grade=None,
    )


@project.register(Objective.ObjectiveUpdated)
@project.register(Objective.ObjectiveAligned)
def _(event: Objective.ObjectiveUpdated, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, **{name: new for name, (_, new) in event.changes.items()}}


@project.register
def _(event: Objective.KeyResultAdded, doc: Doc, pos: int, batch: Batch) -> Doc:
    key_result = KeyResult(
        id=event.key_result_id,
        title=event.title,
        weight=event.weight,
        start_value=event.start_value,
        target_value=event.target_value,
        unit=event.unit,
        milestones=list(event.milestones),
    )
    row = _render(key_result, doc["id"], event, created=event)
    return _rescored(doc, [*doc["key_results"], row])


@project.register
def _key_result_changed(event: Objective.KeyResultEvent, doc: Doc, pos: int, batch: Batch) -> Doc:
    rows = list(doc["key_results"])
    for index, row in enumerate(rows):
        if row["id"] == event.key_result_id:
            key_result = _key_result(row)
            event.evolve(key_result)
            rows[index] = _render(key_result, doc["id"], event, previous=row)
    return _rescored(doc, rows)


@project.register
def _(event: Objective.CheckInRecorded, doc: Doc, pos: int, batch: Batch) -> Doc:
    batch.put(
        CHECK_INS,
        {
            "id": str(pos),
            "pos": pos,
            "key_result_id": event.key_result_id,
            "objective_id": str(event.originator_id),
            "value": event.value,
            "milestones_done": event.milestones_done,
            "confidence": event.confidence,
            "note": event.note,
            "as_of": _iso(event.as_of),
            "recorded_at": _iso(event.timestamp),
            "actor": event.actor,
        },
    )
    return _key_result_changed(event, doc, pos, batch)


@project.register
def _(event: Objective.ObjectiveGraded, doc: Doc, pos: int, batch: Batch) -> Doc:
    rows = []
    for row in doc["key_results"]:
        key_result = _key_result(row)
        event.evolve(key_result)
        rows.append(_render(key_result, doc["id"], event, previous=row))
    return {
        **_rescored(doc, rows),
        "status": "CLOSED",
        "grade": event.grade,
        "archived_at_close": doc["status"] == "ARCHIVED",
    }


_KEY_RESULT_FIELDS = tuple(KeyResult.__dataclass_fields__)


def _key_result(row: Doc) -> KeyResult:
    """The domain's key result from its row, so domain rules apply the event."""
    fields = {name: row[name] for name in _KEY_RESULT_FIELDS}
    fields["as_of"] = date.fromisoformat(row["as_of"]) if row["as_of"] else None
    fields["milestones"] = list(row["milestones"])
    return KeyResult(**fields)


def _render(
    key_result: KeyResult,
    objective_id: str,
    event: OkraAggregate.Event,
    previous: Doc | None = None,
    created: OkraAggregate.Event | None = None,
) -> Doc:
    row = vars(key_result).copy()
    row["as_of"] = _iso(key_result.as_of)
    row["measure"] = key_result.measure
    row["score"] = key_result.score()
    row["objective_id"] = objective_id
    row["updated_at"] = _iso(event.timestamp)
    row["updated_by"] = event.actor
    if previous is not None:
        row["created_at"] = previous["created_at"]
        row["created_by"] = previous["created_by"]
        if key_result.version == previous["version"]:  # the event did not touch it
            row["updated_at"] = previous["updated_at"]
            row["updated_by"] = previous["updated_by"]
    else:
        assert created is not None
        row["created_at"] = row["updated_at"]
        row["created_by"] = created.actor
    return row


def _rescored(doc: Doc, rows: list[Doc]) -> Doc:
    """The objective's score is the weighted mean of its key results' (already derived)."""
    score = scoring.weighted_mean((row["weight"], row["score"]) for row in rows)
    return {**doc, "key_results": rows, "score": score}


# -- bets and portfolios ----------------------------------------------------------


@project.register
def _(event: Bet.BetPlaced, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return _created(
        event,
        pos,
        key_result_id=event.key_result_id,
        objective_id=event.objective_id,
        team_id=event.team_id,
        cycle_id=event.cycle_id,
        title=event.title,
        hypothesis=event.hypothesis,
        stake=event.stake,
        odds=event.odds,
        expected_impact=event.expected_impact,
        expected_value=event.odds * event.expected_impact,
        status="PLACED",
        actual_impact=None,
        learning="",
        resolved_at=None,
    )


@project.register
def _(event: Bet.BetResolved, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {
        **doc,
        "status": event.outcome,
        "actual_impact": event.actual_impact,
        "learning": event.learning,
        "resolved_at": _iso(event.timestamp),
    }


@project.register
def _(event: Portfolio.PortfolioOpened, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return _created(
        event,
        pos,
        team_id=event.team_id,
        cycle_id=event.cycle_id,
        budget=None,
        stakes={},
        staked=0.0,
        closed=False,
    )


@project.register
def _(event: Portfolio.StakeBudgetSet, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "budget": event.budget}


@project.register
def _(event: Portfolio.StakeCommitted, doc: Doc, pos: int, batch: Batch) -> Doc:
    stakes = {**doc["stakes"], event.bet_id: event.stake}
    return {**doc, "stakes": stakes, "staked": sum(stakes.values())}


@project.register
def _(event: Portfolio.StakeReleased, doc: Doc, pos: int, batch: Batch) -> Doc:
    stakes = {k: v for k, v in doc["stakes"].items() if k != event.bet_id}
    return {**doc, "stakes": stakes, "staked": sum(stakes.values())}


@project.register
def _(event: Portfolio.PortfolioClosed, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "closed": True}


# -- access ---------------------------------------------------------------------------


@project.register
def _(event: ApiToken.TokenIssued, doc: Doc | None, pos: int, batch: Batch) -> Doc:
    return _created(
        event,
        pos,
        user=event.user,
        role=event.role,
        team_ids=list(event.team_ids),
        label=event.label,
        hash=event.hash,
        revoked=False,
    )


@project.register
def _(event: ApiToken.TokenRevoked, doc: Doc, pos: int, batch: Batch) -> Doc:
    return {**doc, "revoked": True, "revoked_at": _iso(event.timestamp)}


# Features that project into the documents above register their handlers on import.
import projections.corrections  # noqa: E402
import projections.history  # noqa: E402
import projections.strategy  # noqa: E402, F401
