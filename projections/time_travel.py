"""Documents as they were recorded at a past moment, rebuilt from the event log.

The history view says which version each stream had at the moment (the last of
its events recorded by then) and who created and last changed each entity; the
aggregates are loaded at those versions (``repository.get(id, version=...)``, fast
thanks to snapshots) and rendered in the same shape as the current documents, so
GraphQL serves them with the same types.

This is kept apart from the current-state path on purpose: current reads never
touch the log. Rebuilt documents are bitemporal: a key result's current value is
the check-in with the latest asOf among those recorded by the moment, and its
score is computed against the target of that moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.application.okra import Okra
from domain.model import scoring
from domain.model.base import OkraAggregate
from domain.model.bet import Bet, BetStatus
from domain.model.objective import KeyResult, Objective
from domain.model.portfolio import Portfolio
from projections.documents import Doc
from projections.history import moment
from projections.store import ViewStore
from projections.views import HISTORY


@dataclass(frozen=True)
class Touch:
    """One event of an entity: where in the log, when and by whom."""

    pos: int
    at: str
    by: str


@dataclass
class StreamAt:
    """What the history view knows of one stream up to the moment."""

    stream_id: str
    version: int = 0
    first: Touch | None = None
    last: Touch | None = None
    entities: dict[str, tuple[Touch, Touch]] = field(default_factory=dict)


async def streams_at(
    store: ViewStore, stream_ids: Iterable[str], at: datetime
) -> dict[str, StreamAt]:
    """The streams that had begun by ``at``, each with its version then."""
    wanted = sorted(set(stream_ids))
    if not wanted:
        return {}
    table = store.table(HISTORY)
    # One statement: each entity's first and last event by then, with when and by whom
    # (the columns beside the documents, so no second trip for them).
    sql = (
        "SELECT g.stream_id, g.entity_id, g.low, g.high, g.version, "
        "f.recorded_at, f.actor, l.recorded_at, l.actor FROM ("
        "SELECT stream_id, entity_id, min(pos) AS low, max(pos) AS high, "
        f"max(version) AS version FROM {table} "
        f"WHERE {store.any_clause('stream_id', 1)} AND recorded_at <= {store.placeholder(2)} "
        f"GROUP BY stream_id, entity_id) g JOIN {table} f ON f.pos = g.low "
        f"JOIN {table} l ON l.pos = g.high"
    )
    rows = await store.rows(sql, [store.encode_list(wanted), moment(at)])

    found: dict[str, StreamAt] = {}
    for stream_id, entity_id, low, high, version, first_at, first_by, last_at, last_by in rows:
        stream = found.setdefault(str(stream_id), StreamAt(str(stream_id)))
        stream.version = max(stream.version, int(version))
        first = Touch(int(low), first_at, first_by)
        last = Touch(int(high), last_at, last_by)
        stream.entities[str(entity_id)] = (first, last)
        if stream.first is None or first.pos < stream.first.pos:
            stream.first = first
        if stream.last is None or last.pos > stream.last.pos:
            stream.last = last
    return found


def load_at(app: Okra, streams: Iterable[StreamAt]) -> dict[str, OkraAggregate]:
    """Each stream's aggregate at its version (synchronous: run it in a thread)."""
    loaded: dict[str, OkraAggregate] = {}
    for stream in streams:
        aggregate: OkraAggregate = app.repository.get(
            UUID(stream.stream_id), version=stream.version
        )
        loaded[stream.stream_id] = aggregate
    return loaded


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _stamps(stream: StreamAt, entity_id: str | None = None) -> Doc:
    first, last = stream.entities.get(entity_id or stream.stream_id, (stream.first, stream.last))
    if entity_id is None:
        last = stream.last
    assert first is not None and last is not None
    return {
        "pos": first.pos,
        "created_at": first.at,
        "created_by": first.by,
        "updated_at": last.at,
        "updated_by": last.by,
        "updated_pos": last.pos,
    }


def key_result_row(key_result: KeyResult, objective_id: str, stream: StreamAt) -> Doc:
    row = vars(key_result).copy()
    row["as_of"] = _iso(key_result.as_of)
    row["measure"] = key_result.measure
    row["score"] = key_result.score()
    row["objective_id"] = objective_id
    stamps = _stamps(stream, key_result.id)
    for name in ("created_at", "created_by", "updated_at", "updated_by"):
        row[name] = stamps[name]
    return row


def objective_doc(objective: Objective, stream: StreamAt) -> Doc:
    rows = [key_result_row(kr, str(objective.id), stream) for kr in objective.key_results.values()]
    doc: Doc = {
        "id": str(objective.id),
        **_stamps(stream),
        "version": objective.revision,
        "cycle_id": objective.cycle_id,
        "team_id": objective.team_id,
        "title": objective.title,
        "description": objective.description,
        "kind": objective.kind,
        "status": objective.status,
        "parent_key_result_id": objective.parent_key_result_id,
        "aligned_with": list(objective.aligned_with),
        "key_results": rows,
        "score": scoring.weighted_mean((r["weight"], r["score"]) for r in rows),
        "grade": objective.grade,
        "values": list(getattr(objective, "values", [])),
        "constituents": list(getattr(objective, "constituents", [])),
        "carried_over_from": getattr(objective, "carried_over_from", None),
        "carried_over_to": getattr(objective, "carried_over_to", None),
        "carry_over_count": getattr(objective, "carry_over_count", 0),
        "archived_at_close": getattr(objective, "archived_at_close", False),
        "owner_id": objective.owner_id,
        "contributor_ids": list(objective.contributor_ids),
    }
    if any(r["original_grade"] is not None for r in rows):
        doc["original_grade"] = scoring.weighted_mean(
            (r["weight"], r["final_grade"] if r["original_grade"] is None else r["original_grade"])
            for r in rows
        )
    return doc


def bet_doc(bet: Bet, stream: StreamAt) -> Doc:
    resolved = bet.status != BetStatus.PLACED
    return {
        "id": str(bet.id),
        **_stamps(stream),
        "version": bet.revision,
        "key_result_id": bet.key_result_id,
        "objective_id": bet.objective_id,
        "team_id": bet.team_id,
        "cycle_id": bet.cycle_id,
        "title": bet.title,
        "hypothesis": bet.hypothesis,
        "stake": bet.stake,
        "odds": bet.odds,
        "expected_impact": bet.expected_impact,
        "expected_value": bet.expected_value,
        "status": bet.status,
        "actual_impact": bet.actual_impact,
        "learning": bet.learning,
        "resolved_at": stream.last.at if resolved and stream.last else None,
        "owner_id": bet.owner_id,
        "contributor_ids": list(bet.contributor_ids),
    }


def portfolio_doc(portfolio: Portfolio, stream: StreamAt) -> Doc:
    return {
        "id": str(portfolio.id),
        **_stamps(stream),
        "version": portfolio.revision,
        "team_id": portfolio.team_id,
        "cycle_id": portfolio.cycle_id,
        "budget": portfolio.budget,
        "stakes": dict(portfolio.stakes),
        "staked": portfolio.staked,
        "closed": portfolio.closed,
    }


def render(aggregate: OkraAggregate, stream: StreamAt) -> Doc | None:
    """The document of an aggregate of a kind time travel serves."""
    if isinstance(aggregate, Objective):
        return objective_doc(aggregate, stream)
    if isinstance(aggregate, Bet):
        return bet_doc(aggregate, stream)
    if isinstance(aggregate, Portfolio):
        return portfolio_doc(aggregate, stream)
    return None


async def documents_at(
    app: Okra, store: ViewStore, stream_ids: Iterable[str], at: datetime, run: Any
) -> dict[str, Doc]:
    """The documents of those streams as recorded at ``at`` (absent: not begun yet).

    ``run`` runs a synchronous function in a worker thread (``anyio.to_thread.run_sync``).
    """
    streams = await streams_at(store, stream_ids, at)
    aggregates = await run(lambda: load_at(app, streams.values()))
    docs = {}
    for stream_id, aggregate in aggregates.items():
        doc = render(aggregate, streams[stream_id])
        if doc is not None:
            docs[stream_id] = doc
    return docs
